import { jobSubject, type Job } from '../jobs/job.ts';
import { DEFAULT_EXPORT_LIMITS, type ExportLimits } from '../config/export-limits.ts';
import type { CliIo } from './io.ts';
import type { Runtime, RuntimeSettings } from './runtime.ts';
import { UsageError } from '../errors/app-error.ts';
import type { Logger } from '../log/logger.ts';
import { openPackageEventQueue } from '../queue/open-queue.ts';
import { packageEventLane } from '../worker/package-event-lane.ts';
import type { PackageRevisions } from '../worker/package-revisions.ts';
import { createPackagingWorker } from '../worker/packaging-handler.ts';
import { jobQueue } from '../worker/job-queue.ts';
import { INTERACTIVE_SLOTS, WorkerLanes, type WorkerLane } from '../worker/worker-lanes.ts';
import { WorkerLoop, type JobHandler, type WorkerLoopOptions } from '../worker/worker-loop.ts';

/**
 * How a job's run ended: done (packaged, or found already packaged), deferred, or failed —
 * `retrying` when the queue will deliver it again, `failed` when this failure dead-letters it.
 */
export type JobOutcome = 'done' | 'deferred' | 'retrying' | 'failed';
export type JobObserver = (job: Job, outcome: JobOutcome) => void;

/** The handler, telling `observe` how each run ended. */
function observed(handle: JobHandler<Job>, observe: JobObserver | undefined): JobHandler<Job> {
  if (!observe) return handle;
  return async (body, lease) => {
    try {
      const deferral = await handle(body, lease);
      observe(body, deferral ? 'deferred' : 'done');
      return deferral;
    } catch (error) {
      observe(body, lease.failures + 1 >= lease.maxFailures ? 'failed' : 'retrying');
      throw error;
    }
  };
}

/**
 * Starts the packaging worker on an opened runtime; `serve` and `worker` both run it. Exports
 * take the WORKER_CONCURRENCY slots of the entry lane; navigation clicks have their own loop
 * and slots on the interactive queue (unless the stack has one queue for both).
 */
export async function startWorker(runtime: Runtime, io: CliIo, observe?: JobObserver): Promise<WorkerLanes> {
  const { settings } = runtime;
  // From the command's base logger: a child of runtime.log would carry `component` twice.
  const log = runtime.context.log.child({ component: 'worker' }, { level: runtime.log.level });
  const packaging = await createPackagingWorker({
    secret: runtime.secret,
    store: runtime.store,
    rateLimiter: runtime.rateLimiter,
    log,
    registry: settings.registry ?? './quilt-registry',
    prefix: settings.packagePrefix ?? 'benchling',
    packager: settings.packager ?? 'direct',
    apiUrl: settings.benchlingApiUrl,
    quiltCatalog: settings.quiltCatalog,
    packageLinkKey: settings.packageLinkKey,
    entrySettle: settings.entrySettle,
    exportLimits: exportLimits(settings),
    region: runtime.context.region,
    sqsEndpoint: io.env.AWS_ENDPOINT_URL_SQS,
    redactor: runtime.context.redactor,
    // An Update click's packaging goes to the entry lane, behind the entry's other jobs.
    handOver: (job) => runtime.queue.enqueue(job),
  });
  const shared: Omit<WorkerLoopOptions<Job>, 'queue' | 'concurrency' | 'log'> = {
    handle: observed(packaging.jobs, observe),
    redactor: runtime.context.redactor,
    jobDeadlineMs: (settings.jobDeadline ?? 900) * 1000,
    describe: jobSubject,
  };
  const loops: WorkerLane[] = [new WorkerLoop({ ...shared, queue: jobQueue(runtime.queue, log), log, concurrency: settings.workerConcurrency })];
  if (runtime.interactiveQueue !== runtime.queue) {
    const laneLog = log.child({ lane: 'interactive' });
    loops.push(new WorkerLoop({ ...shared, queue: jobQueue(runtime.interactiveQueue, laneLog), log: laneLog, concurrency: INTERACTIVE_SLOTS }));
  }
  if (settings.packageEventQueue !== undefined) loops.push(await eventLane(runtime, io, packaging.revisions, log, shared.jobDeadlineMs));
  const worker = new WorkerLanes(loops);
  worker.start();
  return worker;
}

/**
 * PACKAGE_EVENT_QUEUE's lane: Quilt's package-revision events redraw the canvases once the
 * packaging engine has committed (docs/architecture.md, "Integrated mode").
 */
async function eventLane(runtime: Runtime, io: CliIo, revisions: PackageRevisions | undefined, log: Logger, jobDeadlineMs: number | undefined): Promise<WorkerLane> {
  const { settings } = runtime;
  if (revisions === undefined) {
    throw new UsageError('PACKAGE_EVENT_QUEUE_NEEDS_S3', 'PACKAGE_EVENT_QUEUE carries events of an S3 registry: set REGISTRY to s3://bucket, or unset PACKAGE_EVENT_QUEUE');
  }
  const queue = await openPackageEventQueue(settings.packageEventQueue!, { region: runtime.context.region, sqsEndpoint: io.env.AWS_ENDPOINT_URL_SQS, maxFailures: settings.jobMaxFailures });
  return packageEventLane({ queue, revisions, log: log.child({ lane: 'package-events' }), redactor: runtime.context.redactor, jobDeadlineMs });
}

function exportLimits(settings: RuntimeSettings): ExportLimits {
  return {
    maxDownloadBytes: settings.exportMaxDownload ?? DEFAULT_EXPORT_LIMITS.maxDownloadBytes,
    maxUncompressedBytes: settings.exportMaxUncompressed ?? DEFAULT_EXPORT_LIMITS.maxUncompressedBytes,
    maxFiles: settings.exportMaxFiles ?? DEFAULT_EXPORT_LIMITS.maxFiles,
    maxRatio: settings.exportMaxRatio ?? DEFAULT_EXPORT_LIMITS.maxRatio,
  };
}
