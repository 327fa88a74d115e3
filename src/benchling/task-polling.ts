import { BenchlingError, BenchlingErrorCode } from './api-errors.ts';
import type { BenchlingTask } from './api-schemas.ts';
import type { Now, Sleep } from './clock.ts';

export interface WaitForTaskOptions {
  /** Wait before the first poll; exports never finish at once. Default 250 ms. */
  firstPollMs?: number;
  /** The gap between polls doubles up to this. Default 5 s. */
  maxPollMs?: number;
  /** Overall; default 30 min, the upstream project's limit. */
  timeoutMs?: number;
}

export const DEFAULT_TASK_WAIT = { firstPollMs: 250, maxPollMs: 5_000, timeoutMs: 30 * 60_000 } as const;

export interface TaskPollDeps {
  getTask: () => Promise<BenchlingTask>;
  now: Now;
  sleep: Sleep;
}

/**
 * Polls until SUCCEEDED (returned) or FAILED (thrown). Any other status, including ones the
 * docs do not list such as QUEUED, counts as still running.
 */
export async function pollTask(taskId: string, deps: TaskPollDeps, options: WaitForTaskOptions = {}): Promise<BenchlingTask> {
  const { firstPollMs, maxPollMs, timeoutMs } = { ...DEFAULT_TASK_WAIT, ...options };
  const deadline = deps.now() + timeoutMs;
  let gapMs = firstPollMs;
  let lastStatus = 'not polled';
  for (;;) {
    const remaining = deadline - deps.now();
    if (remaining <= 0) throw timedOut(taskId, timeoutMs, lastStatus);
    await deps.sleep(Math.min(gapMs, remaining));
    const task = await deps.getTask();
    if (task.status === 'SUCCEEDED') return task;
    if (task.status === 'FAILED') throw failed(taskId, task);
    lastStatus = task.status;
    gapMs = Math.min(maxPollMs, gapMs * 2);
  }
}

function failed(taskId: string, task: BenchlingTask): BenchlingError {
  const reasons = [task.message, ...(task.errors ?? []).map((e) => e.message)].filter((m): m is string => typeof m === 'string' && m !== '');
  const detail = [...new Set(reasons)].join('; ') || 'no reason given';
  return new BenchlingError(BenchlingErrorCode.EXPORT_FAILED, `Benchling task ${taskId} failed: ${detail}`, false);
}

function timedOut(taskId: string, timeoutMs: number, lastStatus: string): BenchlingError {
  const message = `Benchling task ${taskId} did not finish within ${Math.round(timeoutMs / 1000)} s (last status: ${lastStatus})`;
  return new BenchlingError(BenchlingErrorCode.EXPORT_TIMEOUT, message, true);
}
