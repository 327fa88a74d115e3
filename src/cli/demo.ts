import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readLatest } from '../quilt/read-package.ts';
import { latestPointerKey, manifestKey } from '../quilt/registry-layout.ts';
import { SandboxTenant } from '../sandbox/index.ts';
import { laneSink } from '../service/lanes.ts';
import { startService } from '../service/start-service.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { AppError, UsageError } from '../errors/app-error.ts';
import type { DemoOptions } from './commands/demo.ts';
import { println, type CliIo } from './io.ts';
import { assertRegistryWritable, openRuntime } from './runtime.ts';
import { startWorker } from './start-worker.ts';
import { VERSION } from './version.ts';

async function waitForPackage(store: ObjectStore, name: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pointer = await store.getObject(latestPointerKey(name));
    if (pointer) return pointer.toString();
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new AppError('DEMO_TIMEOUT', `no package ${name} after ${timeoutMs / 1000} s: run with LOG_LEVEL=info to see the worker`);
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/**
 * `demo`: the whole chain on one machine with no cloud — a simulated Benchling tenant, the
 * real service and worker on a temporary registry, one signed entry event — then the
 * package it produced.
 */
export async function demo(options: DemoOptions, io: CliIo): Promise<number> {
  const timeoutSeconds = Number(options.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError('SETTING_INVALID', '--timeout must be a positive number of seconds, such as 15');
  // A --registry that cannot be written is refused before anything starts, not after the wait.
  if (options.registry !== undefined) await assertRegistryWritable(resolve(options.registry));
  const root = await mkdtemp(join(tmpdir(), 'benchling-webhook-demo-'));
  const registry = resolve(options.registry ?? join(root, 'quilt-registry'));
  const sandbox = await new SandboxTenant().start();
  try {
    return await demoOn(sandbox, { root, registry, timeoutSeconds }, io);
  } finally {
    await sandbox.stop();
  }
}

async function demoOn(sandbox: SandboxTenant, demoRun: { root: string; registry: string; timeoutSeconds: number }, io: CliIo): Promise<number> {
  const { root, registry } = demoRun;
  // The demo's queue and profile live in its own temp dir, never in the user's.
  const env = { ...io.env, XDG_DATA_HOME: join(root, 'data'), XDG_CONFIG_HOME: join(root, 'config'), LOG_LEVEL: io.env.LOG_LEVEL ?? 'warn' };
  const demoIo: CliIo = { ...io, env };
  const settings = sandbox.serviceEnv();
  const runtime = await openRuntime(
    'demo',
    { profile: 'default', benchlingSecrets: settings.BENCHLING_SECRETS, benchlingApiUrl: settings.BENCHLING_API_URL, benchlingJwksUrl: settings.BENCHLING_JWKS_URL, registry },
    demoIo,
  );
  if (typeof runtime === 'number') return runtime;
  const service = await startService({
    secret: runtime.secret,
    queue: laneSink({ entry: runtime.queue, interactive: runtime.interactiveQueue }),
    log: runtime.log,
    version: VERSION,
    host: '127.0.0.1',
    port: 0,
    apiUrl: settings.BENCHLING_API_URL,
    jwksUrl: settings.BENCHLING_JWKS_URL,
  });
  const worker = await startWorker(runtime, demoIo);
  try {
    const entry = sandbox.demoEntry;
    const name = `${runtime.settings.packagePrefix ?? 'benchling'}/${entry.displayId}`;
    println(io.stdout, `benchling-webhook ${VERSION} demo: no cloud, nothing leaves this machine`);
    println(io.stdout, `  sandbox tenant  ${sandbox.url} (a simulated Benchling)`);
    println(io.stdout, `  service         ${service.url}`);
    const sent = await sandbox.sendWebhook(`${service.url}/event`, sandbox.envelopes.entryCreated(entry.id));
    println(io.stdout, `  webhook         signed v2.entry.created for ${entry.displayId} → ${sent.status} ${JSON.stringify(sent.body)}`);
    if (sent.status !== 202) throw new AppError('DEMO_WEBHOOK_REFUSED', `the service answered ${sent.status}`);
    const pointer = await waitForPackage(runtime.store, name, demoRun.timeoutSeconds * 1000);
    const latest = await readLatest(runtime.store, name);
    println(io.stdout, `  package         ${name}`);
    println(io.stdout, `  top hash        ${pointer}`);
    println(io.stdout, `  files`);
    for (const file of latest?.manifest.entries ?? []) println(io.stdout, `    ${file.logicalKey.padEnd(36)} ${size(file.size)}`);
    println(io.stdout, `  location        ${registry}`);
    println(io.stdout, `  manifest        ${join(registry, manifestKey(pointer))}`);
    return 0;
  } finally {
    await service.close();
    await worker.stop();
    await runtime.close();
  }
}
