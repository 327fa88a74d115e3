import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { signedContent } from '../../src/benchling/webhook-signature.ts';

/** A Benchling-side signing key: what Benchling signs with and what its JWKS publishes. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function makeSigningKey(namedCurve: 'P-256' | 'P-384' = 'P-256', kid = `kid-${namedCurve}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return { privateKey, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'ES256' } };
}

export function signatureItem(key: SigningKey, content: Buffer, version = 'v1bder'): string {
  return `${version},${sign('sha256', content, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64')}`;
}

/** Headers exactly as Benchling sends them for this body, signed with each given key. */
export function signedHeaders(body: Buffer, keys: SigningKey[], id = 'msg_1', timestamp = `${Math.floor(Date.now() / 1000)}`) {
  const content = signedContent(id, timestamp, body);
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': keys.map((key) => signatureItem(key, content)).join(' '),
  };
}

export const jwksOf = (...keys: SigningKey[]) => ({ keys: keys.map((key) => key.jwk) });

type Reply = { status: number; body: string } | 'hang';

/** A loopback stand-in for apps.benchling.com: serves a JWKS per path and counts requests. */
export interface JwksServer {
  url(path?: string): string;
  serve(path: string, reply: Reply | object): void;
  requests(path?: string): number;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  const replies = new Map<string, Reply>();
  const counts = new Map<string, number>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const reply = replies.get(path) ?? { status: 404, body: 'not found' };
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/jwks') => `http://127.0.0.1:${port}${path}`,
    serve: (path, reply) => {
      const isReply = reply === 'hang' || ('status' in reply && 'body' in reply);
      replies.set(path, isReply ? (reply as Reply) : { status: 200, body: JSON.stringify(reply) });
    },
    requests: (path) => (path === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(path) ?? 0)),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A clock the test moves by hand, so TTLs and intervals pass without sleeping. */
export function manualClock(startMs = 1_750_000_000_000) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}
