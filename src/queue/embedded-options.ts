import { AppError } from '../errors/app-error.ts';
import { JOB_FAILURE_LIMIT, JOB_RECEIVE_LIMIT } from '../config/dead-letter-limits.ts';

export interface EmbeddedQueueOptions {
  /** A lease neither acked nor retried within this time is delivered again. Default 5 min. */
  visibilityTimeoutMs?: number;
  /** Failures (retries) after which a job goes to the dead letters. Default 5 (JOB_FAILURE_LIMIT). */
  maxFailures?: number;
  /**
   * Deliveries after which a job goes to the dead letters however they ended: cut short by a
   * restart, by an expired lease, or deferred. Default 20 (JOB_RECEIVE_LIMIT).
   */
  maxReceives?: number;
  /** How long a dedupId is remembered. Default 24 h. */
  dedupTtlMs?: number;
  /** Cap on remembered dedupIds (oldest forgotten first), so memory stays bounded. Default 1,000,000. */
  dedupMaxEntries?: number;
  /** No compaction below this many journal records. Default 4096. */
  compactMinRecords?: number;
  /**
   * Wait for fdatasync before answering an enqueue. Default false: the answer comes once the
   * kernel holds the journal bytes, which survives a killed process; the flush to disk follows
   * within syncIntervalMs, so only a power cut in that window can lose an answered job.
   */
  syncBeforeAck?: boolean;
  /** Without syncBeforeAck: at most one background fdatasync per this many ms. Default 100. */
  syncIntervalMs?: number;
  /**
   * A coalescible job is delivered only once its group has had no new coalescing enqueue for
   * this long (each merge pushes it back), so a burst of edits costs one export, not one per
   * export-length slice of the burst. Default 0: delivered at once.
   */
  settleMs?: number;
  /** ...but never later than this after the job's first enqueue, so an entry edited non-stop still gets packaged. Default 30 s. */
  settleMaxMs?: number;
}

export type EmbeddedSettings = Required<EmbeddedQueueOptions>;

const DEFAULTS: EmbeddedSettings = {
  visibilityTimeoutMs: 5 * 60_000,
  maxFailures: JOB_FAILURE_LIMIT,
  maxReceives: JOB_RECEIVE_LIMIT,
  dedupTtlMs: 24 * 60 * 60_000,
  dedupMaxEntries: 1_000_000,
  compactMinRecords: 4096,
  syncBeforeAck: false,
  syncIntervalMs: 100,
  settleMs: 0,
  settleMaxMs: 30_000,
};

/** Options that may be 0 (off); every other number must be at least 1. */
const MAY_BE_ZERO = new Set<string>(['settleMs']);

export function embeddedSettings(options: EmbeddedQueueOptions): EmbeddedSettings {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value === 'boolean') continue;
    const least = MAY_BE_ZERO.has(name) ? 0 : 1;
    if (!Number.isFinite(value) || value < least) {
      throw new AppError('queue_bad_option', `Embedded queue option ${name} must be a number ≥ ${least} (got ${value}).`, 2);
    }
  }
  return settings;
}

function definedOnly(options: EmbeddedQueueOptions): EmbeddedQueueOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
