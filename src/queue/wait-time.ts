/** setTimeout's limit: a longer (or infinite) wait would fire at once and spin. */
const MAX_WAIT_MS = 2 ** 31 - 1;

/** A receive's waitMs made safe: NaN, negative or missing → 0; huge or Infinity → the timer limit. */
export function waitTime(waitMs: number | undefined): number {
  if (waitMs === undefined || !(waitMs > 0)) return 0;
  return Math.min(waitMs, MAX_WAIT_MS);
}

/** A receive's max made safe: at least 1, a whole number, at most limit. */
export function batchSize(max: number | undefined, limit = Number.MAX_SAFE_INTEGER): number {
  if (max === undefined || !(max >= 1)) return 1;
  return Math.min(Math.floor(max), limit);
}
