import { chmod, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppError, UsageError } from '../errors/app-error.ts';
import { consoleRoutes } from '../sandbox/console/control-routes.ts';
import type { SendReply } from '../sandbox/console/send-events.ts';
import { seedExampleEntries } from '../sandbox/example-entries.ts';
import { SandboxTenant, type LoggedRequest } from '../sandbox/index.ts';
import type { SandboxOptions } from './commands/sandbox.ts';
import { println, type CliIo } from './io.ts';

/**
 * The sandbox's tenant name and app definition are fixed, so the JWKS URL that `serve` is
 * pointed at stays the same from one run to the next; the client credentials are new each run.
 */
const SANDBOX_IDENTITY = { tenant: 'sandbox', app_definition_id: 'appdef_sandbox' };

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError('SANDBOX_PORT_INVALID', `--port must be a whole number from 0 to 65535, not ${text}`);
  return port;
}

function parseAppUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new UsageError('SANDBOX_APP_URL_INVALID', `--app-url must be an http(s) URL such as http://127.0.0.1:8080, not ${text}`);
  return text.replace(/\/+$/, '');
}

function waitForSignal(): Promise<string> {
  return new Promise((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

async function start(tenant: SandboxTenant, options: SandboxOptions): Promise<SandboxTenant> {
  try {
    return await tenant.start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AppError('SANDBOX_PORT_IN_USE', `port ${options.port} on ${options.host} is in use (another sandbox?): stop it, or choose another with --port`);
    }
    throw error;
  }
}

async function writeSecretFile(path: string, tenant: SandboxTenant): Promise<string> {
  const file = resolve(path);
  await writeFile(file, `${JSON.stringify(tenant.secret, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

function printIntro(io: CliIo, tenant: SandboxTenant, appUrl: string, secretFile: string | undefined, secretArg: string | undefined): void {
  const out = (text = '') => println(io.stdout, text);
  const env = tenant.serviceEnv();
  const secretValue = secretArg ?? shellQuote(env.BENCHLING_SECRETS);
  out('benchling-webhook sandbox: a simulated Benchling tenant; nothing leaves this machine');
  out(`  tenant          ${tenant.url}`);
  out(`  canvas page     ${tenant.url}/   (open it in a browser)`);
  out(`  app webhooks    ${appUrl}   (where send and canvas clicks deliver)`);
  tenant.entries.forEach((entry, i) => out(`  ${i === 0 ? 'entries ' : '        '}        ${entry.displayId}  ${entry.name}  (${entry.id})`));
  out(`  secret          ${env.BENCHLING_SECRETS}`);
  out(`                  simulated credentials, valid only against this sandbox${secretFile ? `; written to ${secretFile}` : ''}`);
  out();
  out('Point serve at it, in a second terminal:');
  out(`  npx benchling-webhook serve --benchling-secrets ${secretValue} --benchling-api-url ${env.BENCHLING_API_URL} --benchling-jwks-url ${env.BENCHLING_JWKS_URL}`);
  out(`  (or env: BENCHLING_SECRETS=${secretValue} BENCHLING_API_URL=${env.BENCHLING_API_URL} BENCHLING_JWKS_URL=${env.BENCHLING_JWKS_URL})`);
  out('Then send events, in a third terminal:');
  out(`  npx benchling-webhook send entry-created --entry ${tenant.entries[0]?.displayId ?? 'EXP…'}`);
  out();
  out('Ctrl-C stops the sandbox. What the app calls, as it calls it:');
}

const printCall = (io: CliIo) => (request: LoggedRequest) => {
  if (!request.path.startsWith('/api/')) return;
  println(io.stdout, `  ${request.method} ${request.path} → ${request.status || 'no answer'}${request.durationMs === undefined ? '' : ` (${request.durationMs} ms)`}`);
};

const printDelivery = (io: CliIo) => (reply: SendReply) => {
  const what = reply.entry ? ` for ${reply.entry.displayId}` : reply.canvasId ? ` on ${reply.canvasId}` : '';
  println(io.stdout, `  webhook ${reply.type}${what} → ${reply.target}: ${reply.status}`);
};

/**
 * `sandbox`: the simulated tenant that `demo` runs in-process, run on its own until Ctrl-C so a
 * `serve` can be pointed at it: a few example entries with attachments, the secret and the
 * settings to give serve, each call the app makes printed, and a page that shows the app's
 * canvases and sends their clicks.
 */
export async function sandbox(options: SandboxOptions, io: CliIo, until: Promise<unknown> = waitForSignal()): Promise<number> {
  const port = parsePort(options.port);
  const appUrl = parseAppUrl(options.appUrl);
  const tenant = new SandboxTenant({
    host: options.host,
    port,
    credentials: SANDBOX_IDENTITY,
    onRequest: printCall(io),
    extraRoutes: (self) => consoleRoutes(self, { appUrl, onDelivered: printDelivery(io) }),
  });
  await start(tenant, options);
  try {
    seedExampleEntries(tenant);
    const secretFile = options.writeSecret === undefined ? undefined : await writeSecretFile(options.writeSecret, tenant);
    printIntro(io, tenant, appUrl, secretFile, options.writeSecret === undefined ? undefined : `@${options.writeSecret}`);
    await until;
    return 0;
  } finally {
    await tenant.stop();
  }
}
