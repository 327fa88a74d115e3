import { AppError } from '../errors/app-error.ts';

/**
 * A lease ends once, by ack or by retry. A second ending is a worker bug (acking a job it
 * already handed back, say), and silently accepting it would hide that.
 */
export function settleOnce(jobId: string): () => void {
  let settled = false;
  return () => {
    if (settled) throw new AppError('queue_lease_settled', `The lease on job ${jobId} was already acked or retried.`);
    settled = true;
  };
}
