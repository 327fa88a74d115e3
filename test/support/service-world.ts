import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log/logger.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { resolveSecret } from '../../src/secret/resolve.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { startService, type RunningService, type ServiceOptions } from '../../src/service/start-service.ts';
import { captured } from './leak-guard.ts';

/** The service in-process against the sandbox tenant, with a real embedded queue in a temp dir. */
export interface ServiceWorld {
  sandbox: SandboxTenant;
  queue: EmbeddedQueue;
  service: RunningService;
  logs: string[];
  dir: string;
  close(): Promise<void>;
}

export async function openServiceWorld(overrides: Partial<ServiceOptions> = {}): Promise<ServiceWorld> {
  const sandbox = await new SandboxTenant({ rateLimit: false }).start();
  const dir = await mkdtemp(join(tmpdir(), 'bw-service-'));
  const queue = await EmbeddedQueue.open(join(dir, 'queue'));
  const logs: string[] = [];
  const redactor = new SecretRedactor();
  const log = createLogger({ level: 'debug', destination: { write: (l: string) => logs.push(l) }, redactor });
  const env = sandbox.serviceEnv();
  const service = await startService({
    loadSecret: () =>
      resolveSecret({ flags: { benchlingSecrets: env.BENCHLING_SECRETS }, env: {} }, {
        readFile: async () => '',
        secretStore: () => {
          throw new Error('not used');
        },
      }),
    queue,
    log,
    redactor,
    version: '0.0.0-test',
    host: '127.0.0.1',
    port: 0,
    apiUrl: env.BENCHLING_API_URL,
    jwksUrl: env.BENCHLING_JWKS_URL,
    registryDir: join(dir, 'registry'),
    ...overrides,
  });
  return {
    sandbox,
    queue,
    service,
    logs,
    dir,
    close: async () => {
      await service.close();
      await queue.close();
      await sandbox.stop();
      captured('service log', logs.join(''));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
