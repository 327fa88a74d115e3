/** The counts a backfill reports as it goes, and at the end. */
export interface BackfillCounts {
  /** Entries the listing returned that the selection keeps. */
  listed: number;
  /** Listed, but queued by an earlier run or already packaged, and unchanged since: nothing to do. */
  unchanged: number;
  queued: number;
  packaged: number;
  failed: number;
}

export const NO_COUNTS: BackfillCounts = { listed: 0, unchanged: 0, queued: 0, packaged: 0, failed: 0 };

/**
 * Milliseconds until every queued entry is packaged, at the pace so far; undefined until one
 * is done (no pace yet) or when nothing is left. Entries still being listed are not known yet,
 * so an estimate made while listing is a lower bound.
 */
export function etaMs(counts: BackfillCounts, elapsedMs: number): number | undefined {
  const done = counts.packaged + counts.failed;
  const left = counts.queued - done;
  if (done === 0 || left <= 0 || elapsedMs <= 0) return left <= 0 ? 0 : undefined;
  return Math.round((left * elapsedMs) / done);
}

function duration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** One progress line: `listed 150 · unchanged 0 · queued 150 · packaged 37 · failed 0 · ETA 2m10s`. */
export function progressLine(counts: BackfillCounts, elapsedMs: number, packagedHere: boolean): string {
  const eta = packagedHere ? etaMs(counts, elapsedMs) : undefined;
  const done = packagedHere ? ` · packaged ${counts.packaged} · failed ${counts.failed}` : '';
  return `listed ${counts.listed} · unchanged ${counts.unchanged} · queued ${counts.queued}${done}${eta === undefined ? '' : ` · ETA ${duration(eta)}`}`;
}
