import { writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../errors/app-error.ts';
import { JOURNAL_HEADER, parseEvent } from './journal-events.ts';
import type { JournalEvent } from './journal-events.ts';

/** What replay found, including what it had to leave out (for the caller to report). */
export interface JournalContents {
  events: JournalEvent[];
  /** Bytes up to the end of the last valid line: everything after is a torn tail. */
  validBytes: number;
  size: number;
  /** 1-based numbers of invalid lines that valid lines follow (corruption, not a torn write). */
  skippedLines: number[];
}

const NEWLINE = 0x0a;

/**
 * Reads every valid event. A crash can leave the last write incomplete, so invalid lines at
 * the end are cut off; invalid lines followed by valid ones are skipped and reported rather
 * than refusing to start, since every event is safe to lose except by redelivery.
 */
export async function readJournal(path: string): Promise<JournalContents> {
  const buf = await readIfExists(path);
  refuseOtherVersions(path, buf);
  const events: JournalEvent[] = [];
  const pendingBad: number[] = [];
  const skippedLines: number[] = [];
  let validBytes = 0;
  let offset = 0;
  for (let lineNo = 1; ; lineNo++) {
    const end = buf.indexOf(NEWLINE, offset);
    if (end === -1) break;
    const event = parseEvent(buf.toString('utf8', offset, end));
    offset = end + 1;
    if (!event) {
      pendingBad.push(lineNo);
      continue;
    }
    skippedLines.push(...pendingBad.splice(0));
    events.push(event);
    validBytes = offset;
  }
  return { events, validBytes, size: buf.length, skippedLines };
}

/** A journal from a newer release must not be read as damage and "repaired" away. */
function refuseOtherVersions(path: string, buf: Buffer): void {
  const end = buf.indexOf(NEWLINE);
  let header: unknown;
  try {
    header = JSON.parse(buf.toString('utf8', 0, end === -1 ? buf.length : end));
  } catch {
    return;
  }
  const { t, v } = (header ?? {}) as { t?: unknown; v?: unknown };
  if (t === 'journal' && v !== JOURNAL_HEADER.v) {
    throw new AppError('queue_journal_version', `The queue journal ${path} has format version ${String(v)}, which this release cannot read.`);
  }
}

async function readIfExists(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  }
}

/** write() may write less than asked (disk nearly full); keep going until all is written. */
export async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written);
    written += bytesWritten;
  }
}

/**
 * The same, blocking: a few KB into the page cache costs microseconds, far less than a round
 * trip through the thread pool, and the next tick's batch can start at once.
 */
export function writeAllSync(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written);
}

/** A new, renamed or removed file is only durable once its directory entry is. */
export async function syncDirectory(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export async function truncateDurably(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
