import { AppError } from '../errors/app-error.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json-value.ts';
import { validateLogicalKey } from './logical-key.ts';
import type { DirectoryMeta, EntryHash, Manifest, ManifestEntry } from './manifest.ts';
import { orderManifest } from './manifest-order.ts';

const NEWLINE = 0x0a;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a manifest (JSON Lines) the way quilt3's Package._load does: line 1 is the package
 * metadata (the legacy `top_hash` key dropped), a line without physical keys is directory
 * metadata, every other line an entry. Unknown keys on line 1, in `meta` and in `hash` are
 * kept; unknown keys elsewhere on an entry line are dropped, as quilt3 drops them. Entries
 * stay in file order. Every error names the line.
 *
 * Numbers are parsed as JavaScript numbers. Manifests written here read back exactly, but one
 * written by Python with an integer-valued float such as `1.0` reads back as `1`, and its top
 * hash is then not reproducible here: for foreign manifests trust the top hash they are
 * stored under rather than recomputing it.
 */
export function readManifest(input: Buffer | string): Manifest {
  const lines = splitLines(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  if (lines.length === 0) throw lineError(1, 'the manifest is empty; line 1 must be the package metadata');
  const meta = readPackageMeta(parseLine(lines[0] as Buffer, 1));
  const entries: ManifestEntry[] = [];
  const directories: DirectoryMeta[] = [];
  const lineOf = new Map<string, number>();
  lines.slice(1).forEach((bytes, index) => {
    const number = index + 2;
    const line = readLine(parseLine(bytes, number), number);
    const previous = lineOf.get(line.logicalKey);
    if (previous !== undefined) throw lineError(number, `logical key ${JSON.stringify(line.logicalKey)} already appeared on line ${previous}`);
    lineOf.set(line.logicalKey, number);
    if ('physicalKey' in line) entries.push(line);
    else directories.push(line);
  });
  const manifest = { meta, entries, directories };
  orderManifest(manifest); // for its checks: a name cannot be both a file and a directory
  return manifest;
}

function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

function parseLine(bytes: Buffer, number: number): JsonObject {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw lineError(number, 'not valid UTF-8');
  }
  if (text.trim() === '') throw lineError(number, 'blank; every line must hold one JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw lineError(number, `not valid JSON (${(error as Error).message})`);
  }
  if (!isJsonObject(value)) throw lineError(number, 'not a JSON object');
  return value;
}

function readPackageMeta(line: JsonObject): JsonObject {
  const { top_hash: _legacy, ...meta } = line;
  if (meta.version !== 'v0') throw lineError(1, `manifest version ${JSON.stringify(meta.version)}; only "v0" is known`);
  return meta;
}

function readLine(line: JsonObject, number: number): ManifestEntry | DirectoryMeta {
  const logicalKey = line.logical_key;
  if (typeof logicalKey !== 'string') throw lineError(number, 'no string "logical_key"');
  const physicalKeys = line.physical_keys;
  const isDirectory = physicalKeys === undefined || physicalKeys === null || (Array.isArray(physicalKeys) && physicalKeys.length === 0);
  return isDirectory ? readDirectory(line, logicalKey, number) : readEntry(line, logicalKey, number);
}

function readDirectory(line: JsonObject, logicalKey: string, number: number): DirectoryMeta {
  if (!logicalKey.endsWith('/')) throw lineError(number, `entry ${JSON.stringify(logicalKey)} has no "physical_keys"`);
  if (!('meta' in line)) throw lineError(number, `directory line ${JSON.stringify(logicalKey)} needs "meta"`);
  atLine(number, () => validateLogicalKey(logicalKey.slice(0, -1)));
  return { logicalKey, meta: line.meta as JsonValue };
}

function readEntry(line: JsonObject, logicalKey: string, number: number): ManifestEntry {
  atLine(number, () => validateLogicalKey(logicalKey));
  const name = JSON.stringify(logicalKey);
  const [physicalKey] = Array.isArray(line.physical_keys) ? (line.physical_keys as readonly JsonValue[]) : [];
  if (typeof physicalKey !== 'string' || physicalKey === '') throw lineError(number, `entry ${name} needs "physical_keys" as a list of URL strings`);
  const { size, hash } = line;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw lineError(number, `entry ${name} needs "size" as a whole number of bytes`);
  if (!isEntryHash(hash)) throw lineError(number, `entry ${name} needs "hash" as {"type": string, "value": string}`);
  const meta = line.meta ?? {};
  if (!isJsonObject(meta)) throw lineError(number, `entry ${name} has "meta" that is not a JSON object`);
  return { logicalKey, physicalKey, size, hash, meta };
}

function isEntryHash(value: JsonValue | undefined): value is EntryHash & JsonObject {
  return isJsonObject(value) && typeof value.type === 'string' && value.type !== '' && typeof value.value === 'string' && value.value !== '';
}

/** Re-raises a validation error with the line it came from. */
function atLine(number: number, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, `manifest line ${number}: ${error.message}`);
    throw error;
  }
}

function lineError(number: number, why: string): AppError {
  return new AppError('quilt_bad_manifest', `manifest line ${number}: ${why}`);
}
