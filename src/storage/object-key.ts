import { AppError } from '../errors/app-error.ts';

/**
 * Key rules shared by both stores. The local store needs them so a key can never name a
 * path outside its directory; S3 applies the same rules so a registry behaves the same
 * whichever store holds it. They match Quilt's logical-key rules (no empty, `.` or `..`
 * segments) plus what a file system or S3's XML listings cannot hold.
 */

/** Temp files of the local store start with this; no key segment may, so none is ever listed. */
export const TEMP_MARK = '.~tmp-';

/** S3's limit, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

// Control characters break S3's XML listings; lone surrogates have no UTF-8 form.
// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f\\]|\p{Cs}/u;

/** Why key is not a valid object key, or undefined when it is. */
export function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') return 'it is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  if (FORBIDDEN_CHARS.test(key)) return 'it contains a backslash, a control character or an unpaired surrogate';
  if (key.startsWith('/')) return 'it is absolute';
  return key.split('/').map(segmentProblem).find((problem) => problem !== undefined);
}

function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'it has an empty path segment';
  if (segment === '.' || segment === '..') return `it has a "${segment}" path segment`;
  if (segment.startsWith(TEMP_MARK)) return `a path segment starts with "${TEMP_MARK}" (reserved for temp files)`;
  return undefined;
}

export function assertObjectKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined) throw invalidKey('Object key', key, problem);
}

/**
 * A listing prefix: '' or a run of whole valid segments, optionally followed by the start of
 * one more (`.quilt/named_packages/` and `.quilt/named_pack` are both fine).
 */
export function assertKeyPrefix(prefix: string): void {
  if (prefix === '') return;
  const cut = prefix.lastIndexOf('/');
  const partial = prefix.slice(cut + 1);
  const problem =
    (cut >= 0 ? keyProblem(prefix.slice(0, cut)) : undefined) ?? (FORBIDDEN_CHARS.test(partial) ? 'it contains a backslash, a control character or an unpaired surrogate' : undefined);
  if (problem !== undefined) throw invalidKey('Key prefix', prefix, problem);
}

function invalidKey(what: string, key: string, problem: string): AppError {
  const shown = JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key);
  return new AppError('storage_key_invalid', `${what} ${shown} is not allowed: ${problem}.`);
}
