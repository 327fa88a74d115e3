import type { Logger } from 'pino';
import type { ManifestEntry } from '../quilt/manifest.ts';
import { listRevisionTimestamps, readLatest, readPointer, readRevision } from '../quilt/read-package.ts';
import { revisionPointerKey } from '../quilt/registry-layout.ts';
import type { ObjectStore } from '../storage/object-store.ts';

/** A physical key names this store key (with or without a versionId). */
export function names(store: ObjectStore, physicalKey: string, key: string): boolean {
  const at = store.physicalKey(key);
  return physicalKey === at || physicalKey.startsWith(`${at}?`);
}

/**
 * The keys one packaging attempt writes (data under the package's prefix and staged copies),
 * so that a failed attempt can take back what nothing names: a file written before the
 * failure would otherwise stay under the package's prefix with no manifest pointing at it.
 */
export class AttemptWrites {
  private readonly written = new Set<string>();
  /** Revisions published from this second on may be this attempt's (see removeUnnamed). */
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(
    private readonly store: ObjectStore,
    private readonly name: string,
  ) {}

  /** Noted before the write starts: a write that fails half-way may still leave an object on some stores. */
  note(key: string): string {
    this.written.add(key);
    return key;
  }

  /**
   * Deletes each written key that no revision names: neither `latest` nor any revision
   * published since the attempt started (a publish that failed after its revision pointer
   * still names this attempt's files). Older revisions need no look: on a versioned bucket
   * they name their own object versions, which a delete leaves readable, and elsewhere this
   * attempt's write already replaced their bytes. A key that cannot be deleted is logged and
   * left: the job's own failure is what the caller reports.
   */
  async removeUnnamed(log: Logger): Promise<void> {
    if (this.written.size === 0) return;
    let named: ManifestEntry[];
    try {
      named = await this.namedEntries();
    } catch (err) {
      // Without knowing what the registry names, deleting could break a published revision.
      log.warn({ err, package: this.name, files: this.written.size }, 'packaging failed; its files stay, since the registry could not be read');
      return;
    }
    let removed = 0;
    for (const key of this.written) {
      if (named.some((e) => names(this.store, e.physicalKey, key))) continue;
      try {
        await this.store.delete(key);
        removed++;
      } catch (err) {
        log.warn({ err, package: this.name, key }, 'packaging failed; one of its files could not be removed');
      }
    }
    if (removed > 0) log.info({ package: this.name, removed }, 'packaging failed; removed the files it had started to write');
  }

  private async namedEntries(): Promise<ManifestEntry[]> {
    const topHashes = new Set<string>();
    const latest = await readLatest(this.store, this.name);
    if (latest) topHashes.add(latest.topHash);
    for (const revision of await listRevisionTimestamps(this.store, this.name)) {
      if (revision < this.startedAt) continue;
      const pointer = await readPointer(this.store, revisionPointerKey(this.name, revision));
      if (pointer !== undefined) topHashes.add(pointer);
    }
    const entries: ManifestEntry[] = latest?.manifest.entries.slice() ?? [];
    for (const topHash of topHashes) {
      if (topHash !== latest?.topHash) entries.push(...(await readRevision(this.store, topHash)).manifest.entries);
    }
    return entries;
  }
}
