import { BenchlingClient } from '../benchling/benchling-client.ts';
import type { RateLimiter } from '../benchling/rate-limiter.ts';
import { UsageError } from '../errors/app-error.ts';
import type { Logger } from '../log/logger.ts';
import type { JobBody } from '../queue/queue.ts';
import type { SecretState } from '../service/secret-state.ts';
import { defaultApiBase } from '../benchling/tenant-urls.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { parseS3Url } from '../storage/s3-url.ts';
import { packageEntry, type PackagedEntry, type PackagingEngine } from './package-entry.ts';
import type { JobHandler } from './worker-loop.ts';

export interface PackagingHandlerOptions {
  secret: SecretState;
  store: ObjectStore;
  rateLimiter: RateLimiter;
  log: Logger;
  registry: string;
  prefix: string;
  /** `direct`, or the packaging engine's SQS queue URL. */
  packager: string;
  apiUrl?: string | undefined;
  region?: string | undefined;
  sqsEndpoint?: string | undefined;
  /** Called after a package is written (the canvas refresh). */
  onPackaged?: (result: PackagedEntry, job: JobBody) => Promise<void>;
}

async function engineFor(options: PackagingHandlerOptions): Promise<PackagingEngine | undefined> {
  if (options.packager === 'direct') return undefined;
  if (!options.registry.startsWith('s3://')) {
    throw new UsageError('PACKAGER_NEEDS_S3', 'PACKAGER (the packaging engine) reads from S3: set REGISTRY to s3://bucket');
  }
  const [{ SQSClient }, { SqsPackagingEngine }] = await Promise.all([import('@aws-sdk/client-sqs'), import('./packaging-engine.ts')]);
  const sqs = new SQSClient({ region: options.region, useQueueUrlAsEndpoint: options.sqsEndpoint === undefined });
  return new SqsPackagingEngine({ sqs, queueUrl: options.packager, store: options.store, location: parseS3Url(options.registry) });
}

/** The worker's job handler: entry and canvas jobs both package the entry they name. */
export async function createPackagingHandler(options: PackagingHandlerOptions): Promise<JobHandler> {
  let client: BenchlingClient | undefined;
  // A rotated secret (new client secret, tenant) gets a new client; the rate budget stays shared.
  options.secret.follow((secret) => {
    client = new BenchlingClient({
      apiBase: options.apiUrl ?? defaultApiBase(secret),
      clientId: secret.client_id,
      clientSecret: secret.client_secret,
      rateLimiter: options.rateLimiter,
      log: options.log,
    });
  });
  const engine = await engineFor(options);
  return async (body) => {
    const entryId = body.kind === 'entry' ? body.entryId : body.resourceId;
    if (typeof entryId !== 'string') {
      options.log.info({ job: body }, 'canvas job without an entry: nothing to package yet');
      return;
    }
    const result = await packageEntry(entryId, {
      client: client!,
      store: options.store,
      prefix: options.prefix,
      log: options.log,
      engine,
    });
    await options.onPackaged?.(result, body);
  };
}
