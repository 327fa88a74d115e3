import { Transform, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { getFileNameLowLevel, openPromise, type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../errors/app-error.ts';
import { BenchlingError, BenchlingErrorCode } from './api-errors.ts';
import type { ZipLimits } from '../config/export-limits.ts';
import { ZipBudget } from './zip-budget.ts';

export interface ZipEntry {
  /** Relative, `/`-separated, no `.`, `..` or empty segments. */
  path: string;
  /** Uncompressed bytes, as the ZIP declares them; open() fails if the data disagrees. */
  size: number;
  /**
   * The file's bytes. Call it before asking the iterator for the next entry: the ZIP is
   * closed once iteration ends. The stream errors with EXPORT_ZIP_CORRUPT when the data is
   * short, long or fails its CRC.
   */
  open(): Promise<Readable>;
}

/**
 * The files of an export ZIP, one at a time, without extracting anything: entries are read
 * from the central directory as the caller asks for them, and each file is streamed out on
 * demand. Directory entries are skipped. A name that could escape a target directory fails
 * the whole ZIP (EXPORT_ZIP_UNSAFE_PATH) rather than being skipped, since an export that
 * carries one is not what Benchling produces.
 */
export async function* readZipEntries(path: string): AsyncGenerator<ZipEntry, void, undefined> {
  const zip = await openZip(path);
  const entries = zip.eachEntry();
  try {
    for (;;) {
      const next = await nextEntry(entries, path);
      if (next === undefined) return;
      const name = safeEntryPath(next, path);
      if (name.endsWith('/')) continue;
      yield { path: name, size: next.uncompressedSize, open: () => openEntry(zip, next, name, path) };
    }
  } finally {
    // Closes the ZIP when the caller stops early; streams already open keep the file until they end.
    await entries.return?.();
  }
}

/**
 * Reads the whole central directory and each entry's local header (no file data): a cheap
 * completeness check, and the place where the export limits are enforced before anything is
 * written. Files (folders not counted) and their uncompressed total.
 */
export async function checkZip(path: string, limits: ZipLimits = UNLIMITED): Promise<{ files: number; bytes: number }> {
  const zip = await openZip(path);
  const budget = new ZipBudget(limits);
  const entries = zip.eachEntry();
  try {
    budget.checkEntryCount(zip.entryCount);
    for (;;) {
      const entry = await nextEntry(entries, path);
      if (entry === undefined) return budget.finish();
      const name = safeEntryPath(entry, path);
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true }).catch((error: unknown) => {
        throw corrupt(path, error, name);
      });
      const { relativeOffsetOfLocalHeader: headerStart, compressedSize, uncompressedSize } = entry;
      budget.admit({ name, headerStart, dataStart: fileDataStart, compressedSize, uncompressedSize });
    }
  } finally {
    // Closes the ZIP (autoClose), also after a refusal part-way.
    await entries.return?.();
  }
}

const UNLIMITED: ZipLimits = { maxUncompressedBytes: Infinity, maxFiles: Infinity, maxRatio: Infinity };

async function openZip(path: string): Promise<ZipFile> {
  try {
    // Raw names, so that our own check decides about unsafe paths (with its own error code).
    return await openPromise(path, { lazyEntries: true, decodeStrings: false, autoClose: true, validateEntrySizes: true });
  } catch (error) {
    throw corrupt(path, error);
  }
}

async function nextEntry(entries: AsyncIterator<Entry>, path: string): Promise<Entry | undefined> {
  try {
    const next = await entries.next();
    return next.done ? undefined : next.value;
  } catch (error) {
    throw corrupt(path, error);
  }
}

/** Non-strict decoding reads `\` as `/` (some Windows tools write those), before the checks below. */
function safeEntryPath(entry: Entry, zipPath: string): string {
  const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  const unsafe =
    name === '' ||
    name.includes('\0') ||
    name.startsWith('/') ||
    /^[a-zA-Z]:/.test(name) ||
    segments.some((s) => s === '' || s === '.' || s === '..');
  if (unsafe) {
    throw new BenchlingError(BenchlingErrorCode.ZIP_UNSAFE_PATH, `The export ZIP ${zipPath} holds an entry with an unsafe path: ${JSON.stringify(name)}`, false);
  }
  return name;
}

async function openEntry(zip: ZipFile, entry: Entry, name: string, zipPath: string): Promise<Readable> {
  if (!zip.isOpen) throw new AppError('EXPORT_ZIP_ENTRY_STALE', `open() of ${name} came after the iteration over ${zipPath} moved on`);
  let raw: Readable;
  try {
    raw = await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw corrupt(zipPath, error, name);
  }
  return verified(raw, entry, name, zipPath);
}

/** yauzl checks the length but not the CRC; a bit flipped in transit must not reach a package. */
function verified(raw: Readable, entry: Entry, name: string, zipPath: string): Readable {
  const crc32 = typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;
  let crc = 0;
  let bytes = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (crc32) crc = crc32(chunk, crc);
      callback(null, chunk);
    },
    flush(callback) {
      if (bytes !== entry.uncompressedSize) return callback(corrupt(zipPath, `${bytes} bytes instead of ${entry.uncompressedSize}`, name));
      if (crc32 && crc >>> 0 !== entry.crc32 >>> 0) return callback(corrupt(zipPath, 'CRC-32 mismatch', name));
      callback();
    },
  });
  raw.on('error', (error) => out.destroy(corrupt(zipPath, error, name)));
  out.on('close', () => raw.destroy());
  raw.pipe(out);
  return out;
}

function corrupt(zipPath: string, cause: unknown, entryName?: string): AppError {
  // Our own errors (an unsafe path, a refusal) keep their code.
  if (cause instanceof AppError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  const where = entryName === undefined ? '' : ` (entry ${entryName})`;
  return new BenchlingError(BenchlingErrorCode.ZIP_CORRUPT, `The export ZIP ${zipPath} is truncated or corrupt${where}: ${detail}`, true);
}
