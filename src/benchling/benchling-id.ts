import { z } from 'zod';

/**
 * The shape of a Benchling id, checked before an id names anything: a webhook's entry or
 * canvas, an app, or a task that Benchling's own answer named.
 *
 * Benchling ids are a type prefix and a base62 tail (`etr_IWLMtEvN`, `cnvs_Q4mPJ34a`,
 * `app_e59sjL23Pqn30xHg`); task ids are UUIDs (`f438d656-c2c3-40a4-b3fd-d7e58db78242`) or
 * `task_` and a padded base64 tail. So: a letter or digit, then letters, digits, `_` and `-`,
 * then at most two `=`. That alphabet has no `.`, `/`, `%`, `?`, `#` or space, so an id that
 * passes is always exactly one path segment and cannot become `..`, `.` or an encoded slash;
 * percent-encoding alone would let `..` through, and a URL parser then climbs out of the
 * collection (`/api/v2/entries/..` is `/api/v2/`).
 */

/** Longer than any documented id (the longest, a base64 task id, is under 100 characters). */
export const MAX_BENCHLING_ID_LENGTH = 200;

const ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_-]*={0,2}$/;

/** For messages: what a valid id looks like, without quoting the one that failed. */
export const BENCHLING_ID_RULE = `a Benchling id is letters, digits, "_" and "-" (like etr_AbC123 or a UUID), at most ${MAX_BENCHLING_ID_LENGTH} characters`;

export function isBenchlingId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_BENCHLING_ID_LENGTH && ID_SHAPE.test(value);
}

/** A required id in a zod schema; the issue names the rule, never the value. */
export const benchlingIdSchema = z.string().refine(isBenchlingId, { message: `not a Benchling id (${BENCHLING_ID_RULE})` });

/** At most this much of a refused id is quoted in an error, escaped, so a log line stays one short line. */
const QUOTED_LENGTH = 40;

/** A refused id as an error may show it: JSON-escaped and cut short. */
export function quoteRefusedId(value: string): string {
  const head = value.length > QUOTED_LENGTH ? `${value.slice(0, QUOTED_LENGTH)}…` : value;
  return JSON.stringify(head);
}
