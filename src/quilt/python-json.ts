import { AppError } from '../errors/app-error.ts';
import { compareCodePoints } from './code-point-order.ts';
import type { JsonValue } from './json-value.ts';
import { formatPythonNumber } from './python-number.ts';

/**
 * The two JSON dialects of quilt3: manifest lines are `json.JSONEncoder(ensure_ascii=False)`
 * (", " and ": " separators, insertion order, raw UTF-8), the top hash hashes
 * `json.JSONEncoder(sort_keys=True, separators=(',', ':'))` (sorted keys, ASCII only).
 *
 * Values are taken as JSON.stringify would take them (toJSON is honoured, undefined members
 * are left out, undefined array items become null) so that metadata also written to a file
 * with JSON.stringify says the same thing in the manifest; what JSON.stringify would turn
 * into something else silently (NaN, Map, class instances) is refused instead.
 */
interface Dialect {
  readonly itemSeparator: string;
  readonly keySeparator: string;
  readonly sortKeys: boolean;
  readonly asciiOnly: boolean;
}

const MANIFEST: Dialect = { itemSeparator: ', ', keySeparator: ': ', sortKeys: false, asciiOnly: false };
const CANONICAL: Dialect = { itemSeparator: ',', keySeparator: ':', sortKeys: true, asciiOnly: true };

export function encodeManifestJson(value: JsonValue, where = 'value'): string {
  return encodeValue(value, MANIFEST, where);
}

export function encodeCanonicalJson(value: JsonValue, where = 'value'): string {
  return encodeValue(value, CANONICAL, where);
}

function encodeValue(raw: unknown, dialect: Dialect, where: string): string {
  return encodeResolved(withToJson(raw), dialect, where);
}

function encodeResolved(value: unknown, dialect: Dialect, where: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatPythonNumber(value, where);
    case 'string':
      return encodeString(value, dialect.asciiOnly);
    case 'object':
      if (Array.isArray(value)) return encodeArray(value, dialect, where);
      if (isPlainObject(value)) return encodeObject(value, dialect, where);
      throw notJson(where, `a ${value.constructor?.name ?? 'non-plain'} object`);
    default:
      throw notJson(where, typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`);
  }
}

function encodeArray(items: readonly unknown[], dialect: Dialect, where: string): string {
  const parts = items.map((item, index) => {
    const value = withToJson(item);
    return isSkipped(value) ? 'null' : encodeResolved(value, dialect, `${where}[${index}]`);
  });
  return `[${parts.join(dialect.itemSeparator)}]`;
}

function encodeObject(object: object, dialect: Dialect, where: string): string {
  const members = Object.entries(object)
    .map(([key, member]): [string, unknown] => [key, withToJson(member)])
    .filter(([, member]) => !isSkipped(member));
  if (dialect.sortKeys) members.sort(([a], [b]) => compareCodePoints(a, b));
  const parts = members.map(
    ([key, member]) =>
      encodeString(key, dialect.asciiOnly) + dialect.keySeparator + encodeResolved(member, dialect, `${where}.${key}`),
  );
  return `{${parts.join(dialect.itemSeparator)}}`;
}

/**
 * JSON.stringify already escapes exactly what Python escapes with ensure_ascii=False
 * (quote, backslash, C0 controls, with the same short forms and lowercase hex); the ASCII
 * dialect additionally escapes every UTF-16 unit from U+007F up, which turns astral
 * characters into the surrogate-pair escapes Python writes.
 */
function encodeString(text: string, asciiOnly: boolean): string {
  const json = JSON.stringify(text);
  return asciiOnly ? json.replace(/[\u007f-\uffff]/g, escapeUnit) : json;
}

function escapeUnit(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function withToJson(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function') {
    return (value.toJSON as () => unknown)();
  }
  return value;
}

function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function notJson(where: string, what: string): AppError {
  return new AppError('quilt_bad_metadata', `${where} is ${what}, which JSON cannot hold; convert it to plain data`);
}
