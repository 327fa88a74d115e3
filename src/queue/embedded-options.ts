import { AppError } from '../errors/app-error.ts';

export interface EmbeddedQueueOptions {
  /** A lease neither acked nor retried within this time is delivered again. Default 5 min. */
  visibilityTimeoutMs?: number;
  /** Deliveries before a job that keeps failing goes to the dead letters. Default 5. */
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
   * within about a millisecond, so only a power cut in that window can lose an answered job.
   */
  syncBeforeAck?: boolean;
}

export type EmbeddedSettings = Required<EmbeddedQueueOptions>;

const DEFAULTS: EmbeddedSettings = {
  visibilityTimeoutMs: 5 * 60_000,
  maxReceives: 5,
  dedupTtlMs: 24 * 60 * 60_000,
  dedupMaxEntries: 1_000_000,
  compactMinRecords: 4096,
  syncBeforeAck: false,
};

export function embeddedSettings(options: EmbeddedQueueOptions): EmbeddedSettings {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value === 'boolean') continue;
    if (!Number.isFinite(value) || value < 1) {
      throw new AppError('queue_bad_option', `Embedded queue option ${name} must be a number ≥ 1 (got ${value}).`, 2);
    }
  }
  return settings;
}

function definedOnly(options: EmbeddedQueueOptions): EmbeddedQueueOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
