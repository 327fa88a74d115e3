import { BenchlingClient } from '../benchling/benchling-client.ts';
import type { Permits, RateLimiter } from '../benchling/rate-limiter.ts';
import { MessageType, normaliseMessageType } from '../benchling/webhook-envelope.ts';
import { UsageError } from '../errors/app-error.ts';
import { Refusal } from '../errors/refusal.ts';
import type { ExportLimits } from '../config/export-limits.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretRedactor } from '../secret/redact.ts';
import type { CanvasJob, Job } from '../jobs/job.ts';
import type { SecretState } from '../secret/secret-state.ts';
import type { WaitForTaskOptions } from '../benchling/task-polling.ts';
import { defaultApiBase } from '../benchling/tenant-urls.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { parseS3Url } from '../storage/s3-url.ts';
import { catalogHost } from '../canvas/urls.ts';
import type { CanvasContext } from '../canvas/inputs.ts';
import { CanvasJobs, type CanvasJobsOptions } from './canvas-jobs.ts';
import { entryPackageName } from './entry-package-name.ts';
import { EntryCanvases } from './entry-canvases.ts';
import { LinkedPackageIndex } from './linked-index.ts';
import { EntryJobs } from './entry-jobs.ts';
import type { EntrySettle } from './entry-settle.ts';
import { packageEntry, packageFetchedEntry, type PackagedEntry, type PackagingEngine } from './package-entry.ts';
import { dispatchJobs } from './job-dispatch.ts';
import { PackageRevisions } from './package-revisions.ts';
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
  /** QUILT_CATALOG: the host the canvas links to; without it the canvas shows no links. */
  quiltCatalog?: string | undefined;
  /** PACKAGE_LINK_KEY: the user_meta key that links other packages to an entry (default `experiment_id`). */
  packageLinkKey?: string | undefined;
  /**
   * The Benchling app id (`app_…`), for creating canvases on `v2.canvas.initialized` when the
   * job body does not carry the envelope's `app.id`.
   */
  appId?: string | undefined;
  /** ENTRY_SETTLE: the worker's part of it (see EntryJobs); without it entry jobs are never deferred. */
  entrySettle?: EntrySettle | undefined;
  /** EXPORT_MAX_*: what one export may cost; the defaults of DEFAULT_EXPORT_LIMITS when not given. */
  exportLimits?: ExportLimits | undefined;
  /** How export tasks are polled; the client's defaults (from 250 ms, doubling) when not given. */
  taskWait?: WaitForTaskOptions | undefined;
  /** The process's redactor: the Benchling client adds the access tokens it is issued to it. */
  redactor?: SecretRedactor | undefined;
  /** Queues a job on the entry lane: an Update click hands its packaging over (see CanvasJobsOptions.handOver). */
  handOver?: CanvasJobsOptions['handOver'];
  /** Called after a package is written. */
  onPackaged?: (result: PackagedEntry, job: Job) => Promise<void>;
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

/**
 * The worker's job handler: entry jobs package the entry they name; canvas jobs also draw the
 * canvas around it (see canvas-jobs.ts).
 */
export async function createPackagingHandler(options: PackagingHandlerOptions): Promise<JobHandler<Job>> {
  return (await createPackagingWorker(options)).jobs;
}

export interface PackagingWorker {
  jobs: JobHandler<Job>;
  /**
   * Quilt's package-revision events (PACKAGE_EVENT_QUEUE): they redraw the canvases once the
   * packaging engine has committed. Undefined for a registry that is not on S3, where no engine
   * commits and no such event can name it.
   */
  revisions: PackageRevisions | undefined;
}

/** The job handler, and the package-revision handler that shares its Benchling client and canvas registry. */
export async function createPackagingWorker(options: PackagingHandlerOptions): Promise<PackagingWorker> {
  let client: BenchlingClient | undefined;
  let clickClient: BenchlingClient | undefined;
  // A rotated secret (new client secret, tenant) gets a new client; the rate budget stays shared.
  options.secret.follow((secret) => {
    const clientOf = (rateLimiter: Permits) =>
      new BenchlingClient({
        apiBase: options.apiUrl ?? defaultApiBase(secret),
        clientId: secret.client_id,
        clientSecret: secret.client_secret,
        rateLimiter,
        log: options.log,
        redactor: options.redactor,
        taskWait: options.taskWait,
      });
    client = clientOf(options.rateLimiter);
    // Clicks take the limiter's reserve, so exports that spent their share never hold one up.
    clickClient = clientOf(options.rateLimiter.forClicks());
  });
  const engine = await engineFor(options);
  const catalog = catalogHost(options.quiltCatalog);
  const canvases = new EntryCanvases(options.store, options.log);
  const deps = () => ({ client: client!, store: options.store, prefix: options.prefix, log: options.log, registry: options.registry, canvasOf: (entryId: string) => firstCanvas(canvases, entryId), engine, catalog, limits: options.exportLimits });
  const pack = (entryId: string) => packageEntry(entryId, deps());
  const canvasOptions: CanvasJobsOptions = {
    client: () => client!,
    store: options.store,
    index: new LinkedPackageIndex(options.store, { linkKey: options.packageLinkKey ?? 'experiment_id', log: options.log }),
    canvases,
    ctx: canvasContext(options),
    appId: options.appId,
    log: options.log,
    packageEntry: pack,
    handOver: options.handOver,
    describeEntry: async (entryId) => {
      const entry = await client!.getEntry(entryId);
      return { name: entryPackageName(options.prefix, entry), displayId: entry.displayId ?? '' };
    },
  };
  const canvas = new CanvasJobs(canvasOptions);
  const clicks = new CanvasJobs({ ...canvasOptions, client: () => clickClient! });
  const entries = new EntryJobs({
    client: () => client!,
    packageEntry: (entry) => packageFetchedEntry(entry, deps()),
    settle: options.entrySettle,
    log: options.log,
  });
  const jobs = dispatchJobs({
    async entry(job, lease) {
      const { entryId } = job;
      const outcome = await entries.handle({ entryId, receivedAt: job.receivedAt, receiveCount: lease.receiveCount, maxReceives: lease.maxReceives }).catch(async (error: unknown) => {
        // Canvas jobs show their own failures; a refused entry job is never retried, so its canvases are told now.
        if (error instanceof Refusal) await canvas.showRefusal(entryId, error, lease.jobId);
        throw error;
      });
      if (outcome.kind === 'deferred') return outcome.deferral;
      if (outcome.kind === 'packaged') {
        await canvas.redraw(entryId, outcome.result);
        await options.onPackaged?.(outcome.result, job);
      }
    },
    async canvas(job, lease) {
      const result = await (isClick(job) ? clicks : canvas).handle(job, lease.jobId);
      if (result !== undefined) await options.onPackaged?.(result, job);
    },
  });
  const revisions = options.registry.startsWith('s3://')
    ? new PackageRevisions({
        store: options.store,
        bucket: parseS3Url(options.registry).bucket,
        prefix: options.prefix,
        log: options.log.child({ lane: 'package-events' }),
        redraw: (entryId, packaged) => canvas.refresh(entryId, packaged),
      })
    : undefined;
  return { jobs, revisions };
}

/**
 * The entry's canvas for entry.json: the lowest id when several show it, so every job of the
 * entry names the same one.
 */
async function firstCanvas(canvases: EntryCanvases, entryId: string): Promise<string | undefined> {
  return (await canvases.of(entryId)).map((c) => c.canvasId).sort()[0];
}

/** A click as Benchling sent it (not the packaging an Update click handed over): it takes the clicks' rate budget. */
function isClick(job: CanvasJob): boolean {
  return job.step === undefined && normaliseMessageType(job.messageType) === MessageType.canvasUserInteracted;
}

/** Links name the bucket; a local registry has none, so its directory stands in. */
function canvasContext(options: PackagingHandlerOptions): CanvasContext {
  const bucket = options.registry.startsWith('s3://') ? parseS3Url(options.registry).bucket : options.registry;
  return { bucket, catalog: catalogHost(options.quiltCatalog) };
}
