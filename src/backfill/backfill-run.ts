import type { BenchlingEntry } from '../benchling/api-schemas.ts';
import type { EntryListQuery, EntryPage } from '../benchling/benchling-client.ts';
import type { EntryJob } from '../jobs/job.ts';
import type { NewJob, QueueDepth } from '../queue/queue.ts';
import type { BackfillCheckpoint } from './checkpoint.ts';
import { NO_COUNTS, type BackfillCounts } from './progress.ts';
import { isSelected, listQuery, selectionKey, type BackfillSelection } from './selection.ts';

/** The Benchling message type backfill jobs carry, so the worker and the logs can tell them from webhooks. */
export const BACKFILL_MESSAGE_TYPE = 'backfill';

/** What a backfill needs of the queue: the same queue, and the same jobs, as the webhooks. */
export interface BackfillQueue {
  enqueue(job: NewJob<EntryJob>): Promise<unknown>;
  depth(): Promise<QueueDepth>;
}

export interface BackfillDeps {
  listEntries(query: EntryListQuery): Promise<EntryPage>;
  queue: BackfillQueue;
  checkpoint: BackfillCheckpoint;
  /**
   * Whether the registry already holds the entry as it is now (its latest package was made
   * from this modifiedAt): packaged by a webhook, or before there was a checkpoint. Such an
   * entry is not queued. Without it, only the checkpoint decides.
   */
  isPackaged?: (entry: BenchlingEntry) => Promise<boolean>;
  /** Told after every change of the counts. */
  onProgress?: (counts: BackfillCounts) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface BackfillOptions {
  selection: BackfillSelection;
  /** List and count only: nothing queued, the checkpoint untouched. */
  dryRun?: boolean;
  /**
   * The most jobs left waiting in the queue before the backfill queues another. The queue is
   * first in, first out, so a webhook arriving during a backfill finds at most this many jobs
   * ahead of it (plus other webhooks'), never the whole backfill: live edits are packaged
   * within a few jobs' time, and the backfill takes what the rate budget has left. Marking
   * backfill jobs as lower priority would need priorities in both queues, which SQS FIFO
   * does not have; a bounded queue works the same on both.
   */
  maxWaiting?: number;
  /** How often to look at the queue's depth while it is full. */
  pollMs?: number;
  pageSize?: number;
}

export interface BackfillResult {
  counts: BackfillCounts;
  /** The entries queued (or, with dryRun, that would be). */
  entries: { id: string; displayId: string | undefined; modifiedAt: string | undefined }[];
}

export const DEFAULT_MAX_WAITING = 4;
const DEFAULT_POLL_MS = 250;
const DEFAULT_PAGE_SIZE = 100;

/**
 * An entry edited within this long may still be in a burst of edits: its job coalesces, as a
 * webhook's does. An older one has no burst to merge, and a coalescible job is held by the
 * embedded queue until its entry has been quiet for ENTRY_SETTLE, which would only slow the
 * backfill down.
 */
export const RECENT_EDIT_MS = 60_000;

/** The job a webhook for this entry would have queued, marked as a backfill's. */
export function backfillJob(entry: Pick<BenchlingEntry, 'id' | 'modifiedAt'>, receivedAt: string): NewJob<EntryJob> {
  const modified = entry.modifiedAt === undefined ? NaN : Date.parse(entry.modifiedAt);
  const recent = Number.isNaN(modified) || Date.parse(receivedAt) - modified < RECENT_EDIT_MS;
  // The same entry in the same state is the same job: a re-run after a kill is a duplicate the queue drops.
  const dedupId = `backfill:${entry.id}:${entry.modifiedAt ?? 'unknown'}`;
  return {
    groupId: entry.id,
    dedupId,
    coalesce: recent,
    body: { kind: 'entry', entryId: entry.id, messageType: BACKFILL_MESSAGE_TYPE, webhookId: dedupId, receivedAt },
  };
}

/**
 * Lists the selection page by page, oldest first, and queues one entry job for each entry not
 * queued before in the state it is in now, recording each in the checkpoint as it goes.
 */
export async function runBackfill(deps: BackfillDeps, options: BackfillOptions): Promise<BackfillResult> {
  const run = new BackfillPass(deps, options);
  await run.listAll();
  return { counts: run.counts, entries: run.entries };
}

class BackfillPass {
  counts: BackfillCounts = { ...NO_COUNTS };
  readonly entries: BackfillResult['entries'] = [];
  /** This run's own: a page read again from the position must not count an entry twice. */
  private readonly seen = new Set<string>();
  private readonly key: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly deps: BackfillDeps,
    private readonly options: BackfillOptions,
  ) {
    this.key = selectionKey(options.selection);
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * After each page the next is read from the last entry's modifiedAt, not through the page's
   * token: an entry edited meanwhile moves to the end of the list, which would shift an
   * offset-based token past an entry never seen. The token is followed only when a whole page
   * shares one modifiedAt (the position cannot move on).
   */
  async listAll(): Promise<void> {
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    let position = this.options.dryRun ? undefined : this.deps.checkpoint.position(this.key);
    let nextToken: string | undefined;
    for (;;) {
      const page = await this.deps.listEntries({ ...listQuery(this.options.selection, position, pageSize), nextToken });
      for (const entry of page.entries) await this.consider(entry);
      if (!page.nextToken) return;
      const last = page.entries.at(-1)?.modifiedAt;
      if (last !== undefined && last !== position) {
        position = last;
        nextToken = undefined;
      } else nextToken = page.nextToken;
    }
  }

  private async consider(entry: BenchlingEntry): Promise<void> {
    const mark = `${entry.id}@${entry.modifiedAt ?? ''}`;
    if (this.seen.has(mark) || !isSelected(entry, this.options.selection)) return;
    this.seen.add(mark);
    this.counts.listed++;
    const { checkpoint } = this.deps;
    if (checkpoint.covers(entry.id, entry.modifiedAt) || (await this.deps.isPackaged?.(entry))) this.counts.unchanged++;
    else {
      if (!this.options.dryRun) await this.enqueue(entry);
      this.counts.queued += this.options.dryRun ? 0 : 1;
      this.entries.push({ id: entry.id, displayId: entry.displayId, modifiedAt: entry.modifiedAt });
    }
    if (!this.options.dryRun) {
      checkpoint.advance(this.key, entry.modifiedAt);
      await checkpoint.save();
    }
    this.deps.onProgress?.({ ...this.counts });
  }

  private async enqueue(entry: BenchlingEntry): Promise<void> {
    await this.roomInQueue();
    await this.deps.queue.enqueue(backfillJob(entry, new Date(this.now()).toISOString()));
    this.deps.checkpoint.recordQueued(entry.id, entry.modifiedAt);
  }

  private async roomInQueue(): Promise<void> {
    const max = this.options.maxWaiting ?? DEFAULT_MAX_WAITING;
    while ((await this.deps.queue.depth()).waiting >= max) await this.sleep(this.options.pollMs ?? DEFAULT_POLL_MS);
  }
}
