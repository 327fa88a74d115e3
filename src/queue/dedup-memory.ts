/**
 * Recently seen dedup ids and the job each one produced. Entries expire after ttlMs and the
 * oldest are dropped beyond maxEntries, so memory stays bounded however long the process
 * runs. Insertion order is time order, which lets expiry stop at the first live entry.
 */
export interface DedupMemoryOptions {
  ttlMs: number;
  maxEntries: number;
}

export interface DedupEntry {
  dedupId: string;
  jobId: string;
  at: number;
}

export class DedupMemory {
  private readonly entries = new Map<string, { jobId: string; at: number }>();

  constructor(private readonly options: DedupMemoryOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The job a dedup id produced, unless that was longer ago than the ttl. */
  get(dedupId: string, now: number): string | undefined {
    const entry = this.entries.get(dedupId);
    if (!entry) return undefined;
    if (now - entry.at > this.options.ttlMs) {
      this.entries.delete(dedupId);
      return undefined;
    }
    return entry.jobId;
  }

  remember(dedupId: string, jobId: string, at: number): void {
    this.entries.delete(dedupId);
    this.entries.set(dedupId, { jobId, at });
    this.expire(at);
  }

  expire(now: number): void {
    for (const [dedupId, entry] of this.entries) {
      const tooMany = this.entries.size > this.options.maxEntries;
      if (!tooMany && now - entry.at <= this.options.ttlMs) return;
      this.entries.delete(dedupId);
    }
  }

  *list(): Iterable<DedupEntry> {
    for (const [dedupId, { jobId, at }] of this.entries) yield { dedupId, jobId, at };
  }
}
