export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** Cap of the computed backoff; a wait the server asks for may be longer. */
  maxDelayMs: number;
  /** [0, 1); injectable so a test can pin the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 15_000, random: Math.random };

/** A bogus or hostile header must not park a worker for hours; past this we retry and ask again. */
export const MAX_SERVER_WAIT_MS = 120_000;

/**
 * Full jitter (a uniform pick in [0, cap]) rather than a fixed doubling, so that the workers of
 * a tenant that were all refused together do not all come back together.
 */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(policy.random() * ceiling);
}

/** The delay before the next try: the backoff, but never less than what the server asked for. */
export function retryDelayMs(attempt: number, policy: RetryPolicy, serverWait: number | undefined): number {
  const backoff = backoffMs(attempt, policy);
  return serverWait === undefined ? backoff : Math.max(backoff, Math.min(serverWait, MAX_SERVER_WAIT_MS));
}

/**
 * What the server asked us to wait, in ms: `x-rate-limit-reset` (seconds left in Benchling's
 * window, meaningful only on a 429 since every answer carries it) or `Retry-After` (seconds
 * or an HTTP date). The longer of the two wins.
 */
export function serverWaitMs(status: number, headers: Headers, nowMs: number): number | undefined {
  const waits = [retryAfterMs(headers.get('retry-after'), nowMs)];
  if (status === 429) waits.push(secondsMs(headers.get('x-rate-limit-reset')));
  const known = waits.filter((w): w is number => w !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}

/** 501 and 505 say the server never will, so only the transient 5xx are retried. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

function secondsMs(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  const seconds = secondsMs(value);
  if (seconds !== undefined || value === null) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
