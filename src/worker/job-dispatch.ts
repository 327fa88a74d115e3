import type { CanvasJob, EntryJob, Job } from '../jobs/job.ts';
import type { Lease } from '../queue/queue.ts';
import type { Deferral, JobHandler } from './worker-loop.ts';

/** One handler per job kind, each given its own kind of job. */
export interface JobHandlers {
  entry(job: EntryJob, lease: Lease<Job>): Promise<Deferral | void>;
  canvas(job: CanvasJob, lease: Lease<Job>): Promise<Deferral | void>;
}

/** The worker loop's handler: a job goes to the handler of its kind (a new kind fails to compile here until it has one). */
export function dispatchJobs(handlers: JobHandlers): JobHandler<Job> {
  return (job, lease) => {
    switch (job.kind) {
      case 'entry':
        return handlers.entry(job, lease);
      case 'canvas':
        return handlers.canvas(job, lease);
    }
  };
}
