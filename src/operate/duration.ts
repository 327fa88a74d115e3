import { UsageError } from '../errors/app-error.ts';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(?:\d+[smhd])+$/;
const PART = /(\d+)([smhd])/g;

/**
 * `30s`, `10m`, `2h`, `1d`, or parts added up (`1h30m`) → milliseconds. `where` names the
 * flag in the error, so the message says exactly what to change.
 */
export function parseDuration(text: string, where: string): number {
  const trimmed = text.trim();
  const ms = DURATION.test(trimmed)
    ? [...trimmed.matchAll(PART)].reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS], 0)
    : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError('DURATION_INVALID', `${where} ${JSON.stringify(text)} is not a duration: use a number and a unit, e.g. ${where} 30s, 10m, 2h or 1d`);
  }
  return ms;
}
