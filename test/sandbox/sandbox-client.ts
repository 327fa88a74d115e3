import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { fromBufferPromise } from 'yauzl';
import type { SandboxTenant } from '../../src/sandbox/index.ts';

/** What a client of the tenant does over HTTP, kept out of the tests so they read as assertions. */
export async function tokenFor(tenant: SandboxTenant): Promise<string> {
  const { client_id, client_secret } = tenant.secret;
  const response = await fetch(`${tenant.apiUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client_id, client_secret) },
    body: 'grant_type=client_credentials',
  });
  if (response.status !== 200) throw new Error(`token: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export interface Api {
  get(path: string): Promise<Response>;
  send(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<Response>;
}

export async function apiFor(tenant: SandboxTenant): Promise<Api> {
  const authorization = `Bearer ${await tokenFor(tenant)}`;
  return {
    get: (path) => fetch(`${tenant.apiUrl}${path}`, { headers: { authorization } }),
    send: (method, path, body) =>
      fetch(`${tenant.apiUrl}${path}`, { method, headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  };
}

export interface TaskBody {
  status: string;
  message?: string;
  response?: { downloadURL: string };
}

/** Starts an export and polls its task to the end, as the worker will. */
export async function exportEntry(api: Api, entryId: string, format = 'html'): Promise<TaskBody> {
  const started = await api.send('POST', '/exports', { id: entryId, format });
  if (started.status !== 202) throw new Error(`export: ${started.status}`);
  const { taskId } = (await started.json()) as { taskId: string };
  for (;;) {
    const task = (await (await api.get(`/tasks/${taskId}`)).json()) as TaskBody;
    if (task.status !== 'RUNNING') return task;
  }
}

export async function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  const zip = await fromBufferPromise(buffer);
  const files = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    files.set(entry.fileName, Buffer.concat(chunks));
  }
  return files;
}

/** A verifier written from the protocol reference, independent of the sandbox's signer. */
export function verifies(jwks: { keys: JsonWebKey[] }, headers: Record<string, string>, body: string): boolean {
  const content = Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`);
  const signatures = (headers['webhook-signature'] ?? '')
    .split(' ')
    .map((item) => [item.slice(0, item.indexOf(',')), item.slice(item.indexOf(',') + 1)] as const)
    .filter(([version]) => version.includes('der'))
    .map(([, signature]) => Buffer.from(signature, 'base64'));
  const keys = jwks.keys.filter((k) => k.kty === 'EC').map((key) => createPublicKey({ key, format: 'jwk' }));
  return keys.some((key) => signatures.some((sig) => verifySafely(key, content, sig)));
}

function verifySafely(key: ReturnType<typeof createPublicKey>, content: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', content, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
