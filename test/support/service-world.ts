import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log/logger.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { resolveSecret } from '../../src/secret/resolve.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { SecretState, type SecretLoader } from '../../src/service/secret-state.ts';
import { startService, type RunningService, type ServiceOptions } from '../../src/service/start-service.ts';
import { captured } from './leak-guard.ts';

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
}

export async function openServiceWorld(overrides: ServiceWorldOptions = {}): Promise<ServiceWorld> {
  const sandbox = await new SandboxTenant({ rateLimit: false }).start();
  const dir = await mkdtemp(join(tmpdir(), 'bw-service-'));
  const queue = await EmbeddedQueue.open(join(dir, 'queue'));
  const logs: string[] = [];
  const redactor = new SecretRedactor();
  const log = createLogger({ level: 'debug', destination: { write: (l: string) => logs.push(l) }, redactor });
  const env = sandbox.serviceEnv();
  const { loadSecret, secretTtlMs, ...serviceOverrides } = overrides;
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
