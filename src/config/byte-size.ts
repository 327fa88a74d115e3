import { z } from 'zod';

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/;

/**
 * A size setting: bytes as a whole number (a profile may hold a JSON number), or a number with
 * a unit, `5GiB`, `500 MB`, `1.5TiB` (KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024).
 */
export const byteSize = z
  .union([z.number(), z.string().trim()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const match = SIZE.exec(value);
    const unit = match === null ? undefined : UNITS[match[2] || 'B'];
    if (match === null || unit === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a size such as 5GiB, 500MB or 1048576 (units ${Object.keys(UNITS).join(', ')})` });
      return z.NEVER;
    }
    return Math.floor(Number(match[1]) * unit);
  })
  .pipe(z.number().int('must be a whole number of bytes').min(1, 'must be at least 1 byte').max(Number.MAX_SAFE_INTEGER));
