import type { BenchlingClient } from '../benchling/benchling-client.ts';
import type { BenchlingEntry } from '../benchling/api-schemas.ts';
import type { Logger } from '../log/logger.ts';
import { settleDelay, type EntrySettle } from './entry-settle.ts';
import { PackagedReads } from './packaged-reads.ts';
import type { PackagedEntry } from './package-entry.ts';
import type { Deferral } from './worker-loop.ts';

export interface EntryJobsOptions {
  /** The current client (it is replaced when the secret rotates). */
  client: () => BenchlingClient;
  /** Packages an entry just read, with the worker's own dependencies. */
  packageEntry: (entry: BenchlingEntry) => Promise<PackagedEntry>;
  /** Undefined: never deferred (a queue that holds jobs back itself, as the embedded one does, needs no more). */
  settle?: EntrySettle | undefined;
  log: Logger;
}

export interface EntryJob {
  entryId: string;
  /** When the service received the event (ISO 8601). */
  receivedAt: string;
  /** Deliveries so far, this one included. */
  receiveCount: number;
  /** The queue's dead-letter limit (Lease.maxReceives). */
  maxReceives: number | undefined;
}

export type EntryOutcome =
  | { kind: 'packaged'; result: PackagedEntry }
  /** An earlier package already shows the entry as it was after this job's event. */
  | { kind: 'covered' }
  | { kind: 'deferred'; deferral: Deferral };

/**
 * Entry jobs: read the entry, package it. Two rules keep a burst of edits cheap where the
 * queue cannot merge the burst's jobs (SQS): a job whose event an earlier package already
 * covers is skipped, and an entry still being edited is handed back for a moment.
 */
export class EntryJobs {
  private readonly reads = new PackagedReads();

  constructor(private readonly options: EntryJobsOptions) {}

  async handle(job: EntryJob): Promise<EntryOutcome> {
    const { entryId, receivedAt } = job;
    if (this.reads.covers(entryId, Date.parse(receivedAt))) {
      this.options.log.info({ entryId }, 'entry already packaged from a read made after this event: skipped');
      return { kind: 'covered' };
    }
    const readAt = Date.now();
    const entry = await this.options.client().getEntry(entryId);
    const settle = this.options.settle;
    const wait = settle && settleDelay({ ...job, modifiedAt: entry.modifiedAt, now: Date.now() }, settle);
    if (wait !== undefined) {
      return { kind: 'deferred', deferral: { retryInMs: wait, reason: `entry ${entryId} is still being edited (modified ${entry.modifiedAt})` } };
    }
    const result = await this.options.packageEntry(entry);
    this.reads.remember(entryId, readAt);
    return { kind: 'packaged', result };
  }
}
