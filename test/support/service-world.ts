import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateLimiter } from '../../src/benchling/rate-limiter.ts';
import { createLogger } from '../../src/log/logger.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { resolveSecret } from '../../src/secret/resolve.ts';
import { SandboxTenant, type SandboxTenantOptions } from '../../src/sandbox/index.ts';
import { SecretState, type SecretLoader } from '../../src/secret/secret-state.ts';
import { startService, type RunningService, type ServiceOptions } from '../../src/service/start-service.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { createPackagingHandler, type PackagingHandlerOptions } from '../../src/worker/packaging-handler.ts';
import type { Job } from '../../src/jobs/job.ts';
import { jobQueue } from '../../src/worker/job-queue.ts';
import { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { captured } from './leak-guard.ts';
import { QUICK_EXPORT_POLLS } from './quick-export-polls.ts';

/** The service in-process against the sandbox tenant, with a real embedded queue in a temp dir. */
export interface ServiceWorld {
  sandbox: SandboxTenant;
  queue: EmbeddedQueue;
  service: RunningService;
  secret: SecretState;
  logs: string[];
  dir: string;
  close(): Promise<void>;
}

export interface ServiceWorldOptions extends Partial<Omit<ServiceOptions, 'secret'>> {
  loadSecret?: SecretLoader;
  secretTtlMs?: number;
  /** More options for the world's sandbox tenant (its rate limit is off). */
  sandbox?: SandboxTenantOptions;
}

export async function openServiceWorld(overrides: ServiceWorldOptions = {}): Promise<ServiceWorld> {
  const sandbox = await new SandboxTenant({ rateLimit: false, ...overrides.sandbox }).start();
  const dir = await mkdtemp(join(tmpdir(), 'bw-service-'));
  const queue = await EmbeddedQueue.open(join(dir, 'queue'));
  const logs: string[] = [];
  const redactor = new SecretRedactor();
  const log = createLogger({ level: 'debug', destination: { write: (l: string) => logs.push(l) }, redactor });
  const env = sandbox.serviceEnv();
  const { loadSecret, secretTtlMs, sandbox: _sandboxOptions, ...serviceOverrides } = overrides;
  const inline = () =>
    resolveSecret({ flags: { benchlingSecrets: env.BENCHLING_SECRETS }, env: {} }, {
      readFile: async () => '',
      secretStore: () => {
        throw new Error('not used');
      },
    });
  const secret = await SecretState.open(loadSecret ?? inline, log);
  secret.follow((current) => redactor.remember(current));
  if (secretTtlMs) secret.startRefreshing(secretTtlMs);
  const service = await startService({
    secret,
    queue,
    log,
    version: '0.0.0-test',
    host: '127.0.0.1',
    port: 0,
    apiUrl: env.BENCHLING_API_URL,
    jwksUrl: env.BENCHLING_JWKS_URL,
    registryDir: join(dir, 'registry'),
    ...serviceOverrides,
  });
  return {
    sandbox,
    queue,
    service,
    secret,
    logs,
    dir,
    close: async () => {
      secret.stop();
      await service.close();
      await queue.close();
      await sandbox.stop();
      captured('service log', logs.join(''));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The packaging worker on the world's queue, writing to `store` (the world's `registry`
 * directory), its log lines kept in `lines`; quick retries so failures show within a test,
 * short receives because tests start and stop workers often (a stop waits for the receives in
 * flight), and quick export polls.
 */
export async function startWorldWorker(
  world: ServiceWorld,
  store: ObjectStore,
  lines: string[],
  extra: Partial<PackagingHandlerOptions> = {},
): Promise<WorkerLoop<Job>> {
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) }, redactor: new SecretRedactor() });
  const handle = await createPackagingHandler({
    secret: world.secret,
    store,
    rateLimiter: new RateLimiter({ limit: 10_000, windowMs: 1000 }),
    log,
    registry: join(world.dir, 'registry'),
    prefix: 'benchling',
    packager: 'direct',
    apiUrl: world.sandbox.url,
    appId: world.sandbox.appId,
    taskWait: QUICK_EXPORT_POLLS,
    ...extra,
  });
  const worker = new WorkerLoop({ queue: jobQueue(world.queue, log), handle, log, retryBaseMs: 100, retryMaxMs: 200, receiveWaitMs: 20 });
  worker.start();
  return worker;
}
