/**
 * How many jobs one worker runs at once. A job spends most of its time waiting on Benchling
 * (an export being prepared, a download) and on S3, so a worker can run several; the
 * Benchling rate budget is shared by all of them (one limiter per process, a share per task
 * on AWS), so more at once never means more calls than the tenant allows.
 */

/** `serve` and `worker` on one machine, when WORKER_CONCURRENCY is not set. */
export const DEFAULT_WORKER_CONCURRENCY = 2;
export const MAX_WORKER_CONCURRENCY = 32;

/** On ECS, when the stack is not told: one job per quarter vCPU (1024 CPU units → 4), from 2 to 8. */
export function workerConcurrencyForCpu(cpuUnits: number): number {
  return Math.min(8, Math.max(DEFAULT_WORKER_CONCURRENCY, Math.floor(cpuUnits / 256)));
}
