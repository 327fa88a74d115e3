import { open, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { AppError } from '../errors/app-error.ts';
import { deferred } from './deferred.ts';
import type { Deferred } from './deferred.ts';
import { JOURNAL_HEADER } from './journal-events.ts';
import type { JournalEvent } from './journal-events.ts';
import { syncDirectory, truncateDurably, writeAll, writeAllSync } from './journal-file.ts';
import type { JournalContents } from './journal-file.ts';
import { PRIVATE_FILE_MODE } from './private-dir.ts';

export interface JournalHooks {
  /** Asked before each write with the number of records the file would then hold. */
  shouldCompact(records: number): boolean;
  /** The whole live state as records; called synchronously, so it matches every event appended so far. */
  snapshot(): JournalEvent[];
  /**
   * true: an append resolves after fdatasync (survives power loss). false: it resolves once
   * the kernel has the bytes (survives the process being killed) and an fdatasync follows in
   * the background, so callers do not wait a disk flush per request.
   */
  syncBeforeAck: boolean;
  /**
   * Background fdatasyncs start at most this often. Under load one per write cost as much
   * CPU (the kernel's flush work) as the whole queue; a power cut can lose what was written
   * in the last interval, which syncBeforeAck exists to rule out.
   */
  syncIntervalMs: number;
}

interface Batch {
  events: JournalEvent[];
  compact: boolean;
  done: Deferred<void>;
}

/**
 * The append-only journal file with group commit: one write (+ fdatasync) carries every event
 * appended while the previous one was in flight, so concurrent callers share the cost.
 * A compaction takes the place of a batch: the snapshot then already contains that batch's
 * events (they were applied to the state before being appended), and later events go to
 * the new file.
 */
export class Journal {
  private next: Batch | undefined;
  private inFlight: Promise<void> | undefined;
  private failed: AppError | undefined;
  private closed = false;
  /** The background fdatasync in flight, the one waiting for its turn, and whether more was written since the last began. */
  private syncing: Promise<void> | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  private syncs = 0;

  private constructor(
    private readonly path: string,
    private handle: FileHandle,
    private records: number,
    private readonly hooks: JournalHooks,
  ) {}

  /** Opens for appending after replay: drops a torn tail, starts a new file with its header. */
  static async open(path: string, contents: JournalContents, hooks: JournalHooks): Promise<Journal> {
    if (contents.validBytes < contents.size) await truncateDurably(path, contents.validBytes);
    const handle = await open(path, 'a', PRIVATE_FILE_MODE);
    const journal = new Journal(path, handle, contents.events.length, hooks);
    if (contents.validBytes === 0) await journal.startFile();
    return journal;
  }

  get failure(): AppError | undefined {
    return this.failed;
  }

  /** Background fdatasyncs started so far. */
  get backgroundSyncs(): number {
    return this.syncs;
  }

  /** Resolves once the events are on disk. */
  async append(events: JournalEvent[]): Promise<void> {
    const batch = this.batch();
    for (const event of events) batch.events.push(event);
    return batch.done.promise;
  }

  /** Rewrites the file as a snapshot of the live state. */
  async compact(): Promise<void> {
    const batch = this.batch();
    batch.compact = true;
    return batch.done.promise;
  }

  /** Resolves once everything appended so far is on disk. */
  async flush(): Promise<void> {
    if (this.next) return this.next.done.promise;
    await this.inFlight;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush().catch(() => undefined);
    await this.inFlight;
    await this.syncing;
    // What waited for its turn is flushed now: close is when an orderly shutdown expects it on disk.
    if (this.syncTimer) {
      clearTimeout(this.syncTimer);
      this.syncTimer = undefined;
      this.startSync();
      await this.syncing;
    }
    await this.handle.close();
  }

  private batch(): Batch {
    if (this.failed) throw this.failed;
    if (this.closed) throw new AppError('queue_closed', 'The queue journal is closed.');
    if (!this.next) {
      this.next = { events: [], compact: false, done: deferred() };
      // A microtask lets every append of the current tick join the same write.
      if (!this.inFlight) queueMicrotask(() => this.startDrain());
    }
    return this.next;
  }

  private startDrain(): void {
    if (this.inFlight || !this.next) return;
    this.inFlight = this.drain().finally(() => {
      this.inFlight = undefined;
      // Appends made between the loop's last check and now would otherwise wait forever.
      this.startDrain();
    });
  }

  private async drain(): Promise<void> {
    while (this.next) {
      const batch = this.next;
      this.next = undefined;
      const compact = batch.compact || this.hooks.shouldCompact(this.records + batch.events.length);
      const snapshot = compact ? this.hooks.snapshot() : undefined;
      try {
        await (snapshot ? this.rewrite(snapshot) : this.write(batch.events));
        batch.done.resolve();
      } catch (error) {
        this.fail(error, batch);
        return;
      }
      // Let the callers just answered enqueue their next events, so they share the next fsync.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async write(events: JournalEvent[]): Promise<void> {
    if (this.hooks.syncBeforeAck) {
      await writeAll(this.handle, encode(events));
      await this.handle.datasync();
    } else {
      writeAllSync(this.handle.fd, encode(events));
      this.syncSoon();
    }
    this.records += events.length;
  }

  private syncSoon(): void {
    if (this.syncing || this.syncTimer) {
      this.dirty = true;
      return;
    }
    const wait = this.lastSyncAt + this.hooks.syncIntervalMs - Date.now();
    if (wait <= 0) return this.startSync();
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.startSync();
    }, wait);
    this.syncTimer.unref();
  }

  private startSync(): void {
    this.dirty = false;
    this.lastSyncAt = Date.now();
    this.syncs++;
    this.syncing = this.handle
      .datasync()
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.failed ??= new AppError('queue_write_failed', `Flushing the queue journal ${this.path} failed: ${reason}`);
      })
      .finally(() => {
        this.syncing = undefined;
        if (this.dirty) {
          this.dirty = false;
          this.syncSoon();
        }
      });
  }

  /** temp file + fsync + rename + directory fsync: a crash leaves either the old file or the new one. */
  private async rewrite(snapshot: JournalEvent[]): Promise<void> {
    // The old handle is about to close: its flush must finish first. One still waiting is
    // not needed: the snapshot below holds everything and is synced itself.
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    this.dirty = false;
    while (this.syncing) await this.syncing;
    const temp = `${this.path}.tmp`;
    const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
    try {
      await writeAll(handle, encode([JOURNAL_HEADER, ...snapshot]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path);
    await syncDirectory(this.path);
    const old = this.handle;
    this.handle = await open(this.path, 'a', PRIVATE_FILE_MODE);
    this.records = snapshot.length + 1;
    await old.close();
  }

  private async startFile(): Promise<void> {
    await this.write([JOURNAL_HEADER]);
    await syncDirectory(this.path);
  }

  /** After a failed write or fsync the file's state is unknown: refuse everything from now on. */
  private fail(error: unknown, batch: Batch): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.failed = new AppError('queue_write_failed', `Writing the queue journal ${this.path} failed: ${reason}`);
    batch.done.reject(this.failed);
    const waiting = this.next;
    this.next = undefined;
    waiting?.done.reject(this.failed);
  }
}

function encode(events: JournalEvent[]): Buffer {
  let text = '';
  for (const event of events) text += `${JSON.stringify(event)}\n`;
  return Buffer.from(text, 'utf8');
}
