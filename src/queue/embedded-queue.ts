import { randomUUID } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors/app-error.ts';
import { lockDirectory } from './dir-lock.ts';
import { openPrivateDir } from './private-dir.ts';
import type { DirLock } from './dir-lock.ts';
import { DeadlineTimer } from './deadline-timer.ts';
import { embeddedSettings } from './embedded-options.ts';
import type { EmbeddedQueueOptions, EmbeddedSettings } from './embedded-options.ts';
import { QueueState } from './embedded-state.ts';
import type { JobState } from './embedded-state.ts';
import { bodyCopy, checkJob } from './job-input.ts';
import { Journal } from './journal.ts';
import type { JournalEvent } from './journal-events.ts';
import { readJournal } from './journal-file.ts';
import type { DeadLetter, EnqueueResult, Lease, NewJob, Queue, QueueDepth } from './queue.ts';
import { settleOnce } from './settle-once.ts';
import { batchSize, waitTime } from './wait-time.ts';
import { Waiters } from './waiters.ts';

export type { EmbeddedQueueOptions } from './embedded-options.ts';

export const JOURNAL_FILE = 'queue.jsonl';

/** What open() had to repair in the journal, for the caller to log. */
export interface JournalRecovery {
  tornBytes: number;
  skippedLines: number[];
}

type Due = { kind: 'expiry'; jobId: string; token: number } | { kind: 'visible'; groupId: string };

/**
 * The durable queue of a single process: a journal in a directory, replayed on open.
 * Every state change is applied in memory and appended to the journal in the same tick, so
 * the journal's order is the state's order; callers are answered once their event is on disk.
 */
export class EmbeddedQueue implements Queue {
  /** Groups whose head may be deliverable; receive checks and removes them. Insertion order keeps groups fair. */
  private readonly ready = new Set<string>();
  private readonly timers = new DeadlineTimer<Due>((due) => this.onDue(due));
  private readonly waiters = new Waiters();
  private journal!: Journal;
  private nextToken = 1;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly settings: EmbeddedSettings,
    private readonly state: QueueState,
    private readonly lock: DirLock,
    readonly recovery: JournalRecovery,
  ) {}

  static async open(dir: string, options: EmbeddedQueueOptions = {}): Promise<EmbeddedQueue> {
    const settings = embeddedSettings(options);
    await openPrivateDir(dir);
    const lock = await lockDirectory(dir);
    try {
      return await EmbeddedQueue.replay(dir, settings, lock);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  private static async replay(dir: string, settings: EmbeddedSettings, lock: DirLock): Promise<EmbeddedQueue> {
    const path = join(dir, JOURNAL_FILE);
    const contents = await readJournal(path);
    const state = new QueueState({ ttlMs: settings.dedupTtlMs, maxEntries: settings.dedupMaxEntries });
    for (const event of contents.events) state.apply(event);
    state.dedup.expire(Date.now());
    const recovery = { tornBytes: contents.size - contents.validBytes, skippedLines: contents.skippedLines };
    const queue = new EmbeddedQueue(dir, settings, state, lock, recovery);
    queue.journal = await Journal.open(path, contents, {
      shouldCompact: (records) => queue.shouldCompact(records),
      snapshot: () => state.snapshot(),
      syncBeforeAck: settings.syncBeforeAck,
      syncIntervalMs: settings.syncIntervalMs,
    });
    for (const groupId of state.groups.keys()) queue.ready.add(groupId);
    // Damaged lines stay skipped only until the file is rewritten without them.
    if (queue.shouldCompact(contents.events.length) || contents.skippedLines.length > 0) {
      await queue.journal.compact().catch(async (error: unknown) => {
        await queue.journal.close();
        throw error;
      });
    }
    return queue;
  }

  async enqueue(job: NewJob): Promise<EnqueueResult> {
    this.assertOpen();
    // After a failed write memory is ahead of the disk: even "duplicate" could be a lie.
    if (this.journal.failure) throw this.journal.failure;
    checkJob(job);
    const now = Date.now();
    const seen = this.state.dedup.get(job.dedupId, now);
    if (seen !== undefined) {
      // The first enqueue may still be on its way to disk; "duplicate" must not be said earlier.
      await this.journal.flush();
      return { jobId: seen, duplicate: true, coalesced: false };
    }
    const body = bodyCopy(job.body);
    const target = job.coalesce ? this.state.coalesceTarget(job.groupId) : undefined;
    if (target) {
      await this.commit([{ t: 'merge', id: target.id, d: job.dedupId, b: body, ...this.settling(target.enqueuedAt, now), at: now }]);
      return { jobId: target.id, duplicate: false, coalesced: true };
    }
    const id = randomUUID();
    const coalescing = job.coalesce ? { c: true, ...this.settling(now, now) } : {};
    const written = this.commit([{ t: 'enq', id, g: job.groupId, d: job.dedupId, b: body, ...coalescing, at: now }]);
    // Not only when it is the head: the jobs ahead of it may all be settling.
    this.makeReady(job.groupId);
    await written;
    return { jobId: id, duplicate: false, coalesced: false };
  }

  async receive(options: { max?: number; waitMs?: number } = {}): Promise<Lease[]> {
    this.assertOpen();
    const max = batchSize(options.max);
    const deadline = Date.now() + waitTime(options.waitMs);
    for (;;) {
      if (this.closed) return [];
      const { leases, events } = this.take(max);
      if (events.length > 0) await this.journal.append(events);
      if (leases.length > 0) return leases;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      await this.waiters.wait(remaining);
    }
  }

  async depth(): Promise<QueueDepth> {
    let inFlight = 0;
    for (const job of this.state.jobs.values()) if (job.lease) inFlight++;
    return { waiting: this.state.jobs.size - inFlight, inFlight, dead: this.state.dead.size };
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return [...this.state.dead.values()].map(({ id, groupId, body, receiveCount, reason, at }) => ({ jobId: id, groupId, body, receiveCount, reason, at }));
  }

  /** Sends a dead letter back to be run again (`jobs retry`); false when there is no such dead letter. */
  async reviveDeadLetter(jobId: string): Promise<boolean> {
    this.assertOpen();
    const dead = this.state.dead.get(jobId);
    if (!dead) return false;
    const written = this.commit([{ t: 'revive', id: jobId, at: Date.now() }]);
    this.makeReady(dead.groupId);
    await written;
    return true;
  }

  /** Removes a dead letter for good (`jobs purge`); false when there is no such dead letter. */
  async purgeDeadLetter(jobId: string): Promise<boolean> {
    this.assertOpen();
    if (!this.state.dead.has(jobId)) return false;
    await this.commit([{ t: 'purge', id: jobId }]);
    return true;
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (this.closed) return { ok: false, reason: 'the queue is closed' };
    if (this.journal.failure) return { ok: false, reason: this.journal.failure.message };
    try {
      await access(this.dir, constants.W_OK);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `the queue directory ${this.dir} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }

  /** Rewrites the journal as a snapshot now; it also happens on its own when the journal is mostly finished jobs. */
  async compact(): Promise<void> {
    this.assertOpen();
    await this.journal.compact();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.stop();
    this.waiters.wakeAll();
    try {
      await this.journal.close();
    } finally {
      await this.lock.release();
    }
  }

  /** Leases up to max jobs, one per group, dead-lettering jobs that were delivered maxReceives times. */
  private take(max: number): { leases: Lease[]; events: JournalEvent[] } {
    const now = Date.now();
    const leases: Lease[] = [];
    const events: JournalEvent[] = [];
    for (const groupId of this.ready) {
      if (leases.length >= max) break;
      this.ready.delete(groupId);
      const job = this.deliverable(groupId, now, events);
      if (job) leases.push(this.lease(job, now, events));
    }
    return { leases, events };
  }

  /**
   * The group's first job that may run now. Settling jobs are passed over (a canvas job behind
   * an entry's settling edits must not wait for them); a lease or a retry delay holds the group.
   */
  private deliverable(groupId: string, now: number, events: JournalEvent[]): JobState | undefined {
    const jobs = this.state.groups.get(groupId) ?? [];
    if (jobs.some((job) => job.lease)) return undefined;
    for (const job of [...jobs]) {
      if (job.settledAt > now) {
        this.timers.add(job.settledAt, { kind: 'visible', groupId });
        continue;
      }
      if (job.visibleAt > now) {
        this.timers.add(job.visibleAt, { kind: 'visible', groupId });
        return undefined;
      }
      if (job.receiveCount < this.settings.maxReceives) return job;
      events.push(this.apply({ t: 'dead', id: job.id, r: unackedReason(job), at: now }));
    }
    return undefined;
  }

  /** When a coalescible job first enqueued at firstAt, with an event now, has settled; nothing when settling is off. */
  private settling(firstAt: number, now: number): { s?: number } {
    const { settleMs, settleMaxMs } = this.settings;
    return settleMs > 0 ? { s: Math.min(now + settleMs, firstAt + settleMaxMs) } : {};
  }

  private lease(job: JobState, now: number, events: JournalEvent[]): Lease {
    events.push(this.apply({ t: 'lease', id: job.id, n: job.receiveCount + 1 }));
    const token = this.nextToken++;
    const expiresAt = now + this.settings.visibilityTimeoutMs;
    job.lease = { token, expiresAt };
    this.timers.add(expiresAt, { kind: 'expiry', jobId: job.id, token });
    const settle = settleOnce(job.id);
    return {
      jobId: job.id,
      groupId: job.groupId,
      body: job.body,
      receiveCount: job.receiveCount,
      maxReceives: this.settings.maxReceives,
      failures: job.failures,
      maxFailures: this.settings.maxFailures,
      ack: async () => {
        settle();
        await this.ack(job.id, token);
      },
      retry: async (reason, delayMs = 0) => {
        settle();
        await this.handBack(job.id, token, reason, delayMs, 'failed');
      },
      defer: async (reason, delayMs) => {
        settle();
        await this.handBack(job.id, token, reason, delayMs, 'deferred');
      },
      deadLetter: async (reason) => {
        settle();
        await this.handBack(job.id, token, reason, 0, 'dead');
      },
      leaseMs: this.settings.visibilityTimeoutMs,
      extend: async () => this.extend(job.id, token),
    };
  }

  /** Leases are not journaled (a restart voids them all), so an extension is a new deadline in memory. */
  private extend(jobId: string, token: number): void {
    const job = this.holderJob(jobId, token);
    if (!job?.lease) return;
    job.lease.expiresAt = Date.now() + this.settings.visibilityTimeoutMs;
    this.timers.add(job.lease.expiresAt, { kind: 'expiry', jobId, token });
  }

  private async ack(jobId: string, token: number): Promise<void> {
    const job = this.holderJob(jobId, token);
    if (!job) return;
    const written = this.commit([{ t: 'ack', id: jobId }]);
    this.makeReady(job.groupId);
    await written;
  }

  /** A failure counts towards maxFailures and dead-letters the job on the last one; a deferral does not. */
  private async handBack(jobId: string, token: number, reason: string, delayMs: number, outcome: 'failed' | 'deferred' | 'dead'): Promise<void> {
    const job = this.holderJob(jobId, token);
    if (!job) return;
    const now = Date.now();
    const visibleAt = now + Math.max(0, delayMs);
    const failures = job.failures + 1;
    const event: JournalEvent =
      outcome === 'deferred'
        ? { t: 'retry', id: jobId, r: reason, v: visibleAt }
        : outcome === 'dead' || failures >= this.settings.maxFailures
          ? { t: 'dead', id: jobId, r: reason, at: now }
          : { t: 'retry', id: jobId, r: reason, v: visibleAt, f: failures };
    const written = this.commit([event]);
    this.makeReady(job.groupId);
    await written;
  }

  /**
   * The job a lease may still settle: undefined when it is gone (acked by a later lease, or
   * dead); refused when it was delivered again meanwhile, so two workers cannot both settle it.
   */
  private holderJob(jobId: string, token: number): JobState | undefined {
    this.assertOpen();
    const job = this.state.jobs.get(jobId);
    if (job?.lease && job.lease.token !== token) {
      throw new AppError('queue_lease_lost', `The lease on job ${jobId} expired and the job was delivered again; this worker's result is discarded.`);
    }
    return job;
  }

  private onDue(due: Due): void {
    if (due.kind === 'visible') return this.makeReady(due.groupId);
    const job = this.state.jobs.get(due.jobId);
    // An extended lease leaves its earlier deadlines behind: only the latest one ends it.
    if (job?.lease?.token !== due.token || job.lease.expiresAt > Date.now()) return;
    job.lease = undefined;
    this.makeReady(job.groupId);
  }

  private makeReady(groupId: string): void {
    if (!this.state.groups.has(groupId)) return;
    this.ready.add(groupId);
    this.waiters.wakeAll();
  }

  private apply(event: JournalEvent): JournalEvent {
    this.state.apply(event);
    return event;
  }

  /** Applies now, durable when the promise resolves. */
  private commit(events: JournalEvent[]): Promise<void> {
    for (const event of events) this.state.apply(event);
    return this.journal.append(events);
  }

  /** Mostly finished jobs: the file holds more than twice what a rewrite would. */
  private shouldCompact(records: number): boolean {
    return records >= this.settings.compactMinRecords && records > 2 * (this.state.liveRecords() + 1);
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('queue_closed', 'The queue is closed.');
  }
}

function unackedReason(job: JobState): string {
  const last = job.lastReason === undefined ? '' : `; last reason: ${job.lastReason}`;
  return (
    `delivered ${job.receiveCount} times without finishing (${job.failures} failed; the others were cut short by a restart ` +
    `or an expired lease, or deferred)${last}`
  );
}
