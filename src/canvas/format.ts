/** Human-readable numbers and times for the canvas (always UTC: viewers sit in any zone). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

export function formatBytes(size: number): string {
  if (!Number.isFinite(size) || size < 0) return 'unknown size';
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `2025-01-31 14:05 UTC`; undefined for a string that is not a time. */
export function formatTime(iso: string): string | undefined {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return undefined;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Enough of a top hash to tell revisions apart at a glance. */
export const shortHash = (topHash: string) => topHash.slice(0, 12);
