import type { Logger } from '../log/logger.ts';
import { parsedQueue } from '../queue/parsed-queue.ts';
import type { Queue } from '../queue/queue.ts';
import { parsePackageRevisionEvent, type PackageRevisionEvent } from './package-revision-event.ts';
import type { PackageRevisions } from './package-revisions.ts';
import type { WorkerLane } from './worker-lanes.ts';
import { WorkerLoop, type WorkerLoopOptions } from './worker-loop.ts';

/**
 * One slot: an event costs a registry read and a canvas write or two, and a burst of events
 * for one package only needs its last one drawn (each redraw reads `latest`, not the event).
 */
export const PACKAGE_EVENT_SLOTS = 1;

export interface PackageEventLaneOptions extends Pick<WorkerLoopOptions, 'redactor' | 'jobDeadlineMs'> {
  queue: Queue;
  revisions: PackageRevisions;
  log: Logger;
}

/**
 * The worker's lane for Quilt's package-revision events (PACKAGE_EVENT_QUEUE). A message that
 * is not such an event can never be acted on: it is dead-lettered with the schema's reason at
 * once. A failure that may pass (registry unreadable, Benchling busy) hands the event back
 * with the worker loop's growing delay until JOB_MAX_FAILURES dead-letters it. The queue is
 * the lane's own, closed when the lane stops.
 */
export function packageEventLane(options: PackageEventLaneOptions): WorkerLane {
  const { queue, revisions, log } = options;
  const events = parsedQueue<PackageRevisionEvent>(queue, parsePackageRevisionEvent, {
    onRefused: (lease, reason) => log.error({ message: lease.jobId, reason }, 'not a package-revision event: dead-lettered, not retried'),
  });
  const loop = new WorkerLoop<PackageRevisionEvent>({
    queue: events,
    handle: async (event) => {
      await revisions.handle(event);
    },
    log,
    concurrency: PACKAGE_EVENT_SLOTS,
    ...(options.redactor === undefined ? {} : { redactor: options.redactor }),
    ...(options.jobDeadlineMs === undefined ? {} : { jobDeadlineMs: options.jobDeadlineMs }),
  });
  return {
    start: () => loop.start(),
    stop: async () => {
      await loop.stop();
      await queue.close();
    },
    get isRunning() {
      return loop.isRunning;
    },
    get isHealthy() {
      return loop.isHealthy;
    },
    get hungJobs() {
      return loop.hungJobs;
    },
  };
}
