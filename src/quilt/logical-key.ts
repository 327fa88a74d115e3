import { AppError } from '../errors/app-error.ts';
import { codeUnitSortRank } from './code-point-order.ts';

const SLASH = 0x2f;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * quilt3's rules for an entry's logical key (validate_key plus Package.set): not empty, no
 * trailing `/` (that names a directory), no empty, `.` or `..` segment. Text must also be
 * valid Unicode, since S3 keys and quilt3's quote() need UTF-8.
 */
export function validateLogicalKey(key: string): void {
  if (key === '') throw badKey(key, 'it is empty');
  if (key.endsWith('/')) throw badKey(key, 'it ends with "/", which names a directory, not a file');
  const segment = key.split('/').find((part) => part === '' || part === '.' || part === '..');
  if (segment !== undefined) {
    throw badKey(key, segment === '' ? 'it has an empty path segment ("//" or a leading "/")' : `it has a "${segment}" path segment`);
  }
  if (LONE_SURROGATE.test(key)) throw badKey(key, 'it holds an unpaired UTF-16 surrogate, which is not valid text');
}

/**
 * quilt3's walk order: at every directory level children are sorted by name and a
 * subdirectory's contents come where its name sorts. Comparing whole keys by code point with
 * `/` ranked below every character gives the same order: the first difference either lies
 * inside two same-level names (code point decides) or ends one name (the shorter name, a
 * prefix of the other, sorts first). So `a/b` comes before `a-c`, unlike a plain sort.
 */
export function compareWalkOrder(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return walkRank(x) - walkRank(y);
  }
  return a.length - b.length;
}

function walkRank(unit: number): number {
  return unit === SLASH ? -1 : codeUnitSortRank(unit);
}

function badKey(key: string, why: string): AppError {
  return new AppError('quilt_bad_logical_key', `logical key ${JSON.stringify(key)} is not allowed: ${why}`);
}
