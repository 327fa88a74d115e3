import { DedupMemory } from './dedup-memory.ts';
import type { DedupMemoryOptions } from './dedup-memory.ts';
import type { JournalEvent } from './journal-events.ts';
import type { JobBody } from './queue.ts';

export interface JobState {
  readonly id: string;
  readonly groupId: string;
  body: JobBody;
  /** Enqueued with coalesce: later coalescing enqueues of its group may merge into it. */
  readonly coalescible: boolean;
  /** Deliveries so far, however they ended. */
  receiveCount: number;
  /** Deliveries that failed (the handler threw); the failure limit counts these. */
  failures: number;
  /** Epoch ms before which it is not delivered (retry delay); the jobs behind it wait too. */
  visibleAt: number;
  /**
   * Epoch ms before which a coalescible job is still settling (0: not settling). Unlike a
   * retry delay it does not hold up the jobs behind it: until then it has, in effect, not arrived.
   */
  settledAt: number;
  lastReason: string | undefined;
  readonly enqueuedAt: number;
  /** In memory only: a restart voids every lease. */
  lease: { token: number; expiresAt: number } | undefined;
}

export interface DeadJob {
  readonly id: string;
  readonly groupId: string;
  readonly body: JobBody;
  readonly receiveCount: number;
  readonly reason: string;
  readonly at: number;
}

/**
 * The embedded queue's state, built only by applying journal events, so that live
 * operation and replay after a restart cannot disagree. Jobs of a group are kept in
 * enqueue order; one job of a group is delivered at a time.
 */
export class QueueState {
  /** Live jobs in enqueue order. */
  readonly jobs = new Map<string, JobState>();
  readonly groups = new Map<string, JobState[]>();
  readonly dead = new Map<string, DeadJob>();
  readonly dedup: DedupMemory;

  constructor(dedup: DedupMemoryOptions) {
    this.dedup = new DedupMemory(dedup);
  }

  /** The job a coalescing enqueue merges into: the group's last job, if it is a waiting coalescible one. */
  coalesceTarget(groupId: string): JobState | undefined {
    const jobs = this.groups.get(groupId);
    const last = jobs?.[jobs.length - 1];
    return last && last.coalescible && !last.lease ? last : undefined;
  }

  /** Records a compacted journal would hold. */
  liveRecords(): number {
    return this.jobs.size + this.dead.size + this.dedup.size;
  }

  apply(event: JournalEvent): void {
    switch (event.t) {
      case 'journal':
        return;
      case 'enq':
        this.add({ id: event.id, groupId: event.g, body: event.b, coalescible: event.c === true, receiveCount: 0, failures: 0, visibleAt: 0, settledAt: event.s ?? 0, lastReason: undefined, enqueuedAt: event.at, lease: undefined });
        this.dedup.remember(event.d, event.id, event.at);
        return;
      case 'merge':
        this.merge(event.id, event.b, event.s);
        this.dedup.remember(event.d, event.id, event.at);
        return;
      case 'lease':
        this.update(event.id, (job) => (job.receiveCount = event.n));
        return;
      case 'ack':
        this.remove(event.id);
        return;
      case 'retry':
        this.update(event.id, (job) => Object.assign(job, { visibleAt: event.v, lastReason: event.r, failures: event.f ?? job.failures, lease: undefined }));
        return;
      case 'dead':
        this.kill(event.id, event.r, event.at);
        return;
      case 'revive':
        this.revive(event.id, event.at);
        return;
      case 'purge':
        this.dead.delete(event.id);
        return;
      case 'job':
        this.add({ id: event.id, groupId: event.g, body: event.b, coalescible: event.c === true, receiveCount: event.n, failures: event.f ?? 0, visibleAt: event.v, settledAt: event.s ?? 0, lastReason: event.r, enqueuedAt: event.at, lease: undefined });
        return;
      case 'dl':
        this.dead.set(event.id, { id: event.id, groupId: event.g, body: event.b, receiveCount: event.n, reason: event.r, at: event.at });
        return;
      case 'dedup':
        this.dedup.remember(event.d, event.id, event.at);
        return;
    }
  }

  /** Everything a compacted journal must hold, in an order that replays to this state. */
  snapshot(): JournalEvent[] {
    const records: JournalEvent[] = [];
    for (const { dedupId, jobId, at } of this.dedup.list()) records.push({ t: 'dedup', d: dedupId, id: jobId, at });
    for (const job of this.jobs.values()) records.push(jobRecord(job));
    for (const dead of this.dead.values()) {
      records.push({ t: 'dl', id: dead.id, g: dead.groupId, b: dead.body, n: dead.receiveCount, r: dead.reason, at: dead.at });
    }
    return records;
  }

  private add(job: JobState): void {
    this.jobs.set(job.id, job);
    const group = this.groups.get(job.groupId);
    if (group) group.push(job);
    else this.groups.set(job.groupId, [job]);
  }

  private merge(id: string, body: JobBody, settledAt: number | undefined): void {
    this.update(id, (job) => Object.assign(job, { body, settledAt: settledAt ?? job.settledAt }));
  }

  private update(id: string, change: (job: JobState) => void): void {
    const job = this.jobs.get(id);
    if (job) change(job);
  }

  private kill(id: string, reason: string, at: number): void {
    const job = this.remove(id);
    if (job) this.dead.set(id, { id, groupId: job.groupId, body: job.body, receiveCount: job.receiveCount, reason, at });
  }

  /**
   * Back from the dead letters with its counts reset, so it gets the full number of tries again;
   * behind the jobs its group queued meanwhile, since those were enqueued after it died.
   */
  private revive(id: string, at: number): void {
    const dead = this.dead.get(id);
    if (!dead) return;
    this.dead.delete(id);
    this.add({ id, groupId: dead.groupId, body: dead.body, coalescible: false, receiveCount: 0, failures: 0, visibleAt: 0, settledAt: 0, lastReason: undefined, enqueuedAt: at, lease: undefined });
  }

  private remove(id: string): JobState | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    this.jobs.delete(id);
    const group = this.groups.get(job.groupId) ?? [];
    const index = group.indexOf(job);
    if (index >= 0) group.splice(index, 1);
    if (group.length === 0) this.groups.delete(job.groupId);
    return job;
  }
}

function jobRecord(job: JobState): JournalEvent {
  return {
    t: 'job',
    id: job.id,
    g: job.groupId,
    b: job.body,
    ...(job.coalescible ? { c: true } : {}),
    ...(job.settledAt > 0 ? { s: job.settledAt } : {}),
    n: job.receiveCount,
    ...(job.failures > 0 ? { f: job.failures } : {}),
    v: job.visibleAt,
    ...(job.lastReason === undefined ? {} : { r: job.lastReason }),
    at: job.enqueuedAt,
  };
}
