import type { Logger } from 'pino';
import { parseJob, type Job } from '../jobs/job.ts';
import { parsedQueue } from '../queue/parsed-queue.ts';
import type { Queue } from '../queue/queue.ts';

/** The queue as the worker takes jobs from it: each body read by the job schema, a misfit dead-lettered and logged. */
export function jobQueue(queue: Queue, log: Logger): Queue<Job> {
  return parsedQueue(queue, parseJob, {
    onRefused: (lease, reason) => log.error({ job: lease.jobId, group: lease.groupId, reason }, 'not a job this worker knows: dead-lettered, not retried'),
  });
}
