import { UsageError } from '../errors/app-error.ts';

/** Requests allowed per window of seconds. */
export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

/** Benchling's documented per-tenant API limit. */
export const BENCHLING_TENANT_LIMIT: RateLimit = { requests: 60, windowSeconds: 30 };

/** How each worker process learns its share of the tenant's limit: `<n>/<seconds>s`. */
export const RATE_LIMIT_ENV = 'BENCHLING_RATE_LIMIT';

export function formatRate(rate: RateLimit): string {
  return `${rate.requests}/${rate.windowSeconds}s`;
}

export function parseRate(text: string): RateLimit | undefined {
  const match = /^(\d+)\/(\d+)s$/.exec(text.trim());
  if (!match) return undefined;
  const rate = { requests: Number(match[1]), windowSeconds: Number(match[2]) };
  return rate.requests > 0 && rate.windowSeconds > 0 ? rate : undefined;
}

/**
 * The most tasks a service can run at once: its maximum count, scaled by the deployment's
 * maximum percent (ECS rounds that down), because old and new tasks overlap during a rollout.
 */
export function peakTasks(maxTasks: number, maximumPercent: number): number {
  return Math.max(maxTasks, Math.floor((maxTasks * maximumPercent) / 100));
}

/** The largest whole per-process budget that keeps `peak` processes within the tenant's limit. */
export function budgetPerProcess(limit: RateLimit, peak: number): RateLimit {
  const requests = Math.floor(limit.requests / peak);
  if (requests < 1) {
    throw new UsageError(
      'WORKER_MAX_TOO_HIGH',
      `${peak} worker processes cannot share ${formatRate(limit)}: lower the worker's maximum task count`,
    );
  }
  return { requests, windowSeconds: limit.windowSeconds };
}
