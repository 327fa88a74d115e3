import { access, mkdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import type { Logger } from 'pino';
import { JwksCache, httpFetchJwks, type FetchJwks } from '../benchling/jwks-cache.ts';
import { WebhookVerifier } from '../benchling/webhook-verifier.ts';
import { defaultApiBase, defaultJwksUrl } from '../benchling/tenant-urls.ts';
import type { HttpLimits } from '../config/http-limits.ts';
import type { ReadinessCheck } from './readiness.ts';
import type { SecretState } from '../secret/secret-state.ts';
import { buildServer, type JobSink } from './server.ts';

export interface ServiceOptions {
  /** Opened (and so validated) by the caller: nothing listens before the secret is known good. */
  secret: SecretState;
  queue: JobSink;
  log: Logger;
  version: string;
  host: string;
  port: number;
  /** BENCHLING_API_URL; default https://{tenant}.benchling.com. */
  apiUrl?: string | undefined;
  /** BENCHLING_JWKS_URL; default the app definition's JWKS at apps.benchling.com. */
  jwksUrl?: string | undefined;
  /** Local registry directory to check for readiness; S3 registries are checked by the worker. */
  registryDir?: string | undefined;
  insecureSkipVerify?: boolean;
  fetchJwks?: FetchJwks;
  /** Timeouts and the connection cap; default DEFAULT_HTTP_LIMITS. */
  http?: HttpLimits;
}

export interface RunningService {
  url: string;
  close(): Promise<void>;
}

async function directoryWritable(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The service's composition root. The secret is read and validated before anything
 * listens: an incomplete secret ends here with every missing field named, and the port
 * never opens.
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const jwks = new JwksCache({ fetchJwks: options.fetchJwks ?? ((url) => httpFetchJwks(url)), log: options.log });
  const { secret } = options;
  secret.follow((current) => jwks.setUrl(options.jwksUrl ?? defaultJwksUrl(current)));
  // Warming is best effort: a JWKS outage shows in /health/ready and as 503s, not as a crash.
  await jwks.warm().catch(() => undefined);

  const checks: Record<string, ReadinessCheck> = {
    secret: async () => {
      const status = secret.status;
      return status.ok ? { ok: true } : { ok: false, detail: status.problems };
    },
    jwks: async () => {
      const status = jwks.status();
      return status.ok ? { ok: true } : { ok: false, detail: status.reason };
    },
    queue: async () => {
      const status = await options.queue.check();
      return status.ok ? { ok: true } : { ok: false, detail: status.reason };
    },
  };
  const registryDir = options.registryDir;
  if (registryDir !== undefined) {
    checks.registry = async () =>
      (await directoryWritable(registryDir)) ? { ok: true } : { ok: false, detail: `${registryDir} is not writable` };
  }

  const app = buildServer({
    log: options.log,
    version: options.version,
    verifier: options.insecureSkipVerify ? undefined : new WebhookVerifier({ jwks }),
    queue: options.queue,
    apiBase: () => options.apiUrl ?? defaultApiBase(secret.current),
    checks,
    http: options.http,
  });
  const url = await app.listen({ host: options.host, port: options.port });
  return { url, close: () => app.close() };
}
