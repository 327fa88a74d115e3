import { isJsonObject } from '../quilt/json-value.ts';
import type { ObjectStore } from '../quilt/object-store.ts';
import { readPointer, readRevision } from '../quilt/read-package.ts';
import { LATEST_POINTER, NAMED_PACKAGES_PREFIX } from '../quilt/registry-layout.ts';
import type { Logger } from '../log/logger.ts';

/**
 * Packages linked to an entry: any package in the registry (ours or another tool's) whose
 * latest `user_meta[linkKey]` equals the entry's display id. Manifests can be large and a
 * registry holds thousands of packages, so each refresh reads only the `latest` pointers and
 * re-reads a manifest only when its package's pointer moved since the previous refresh.
 */

/** Pointer reads at once: enough to hide S3 latency, few enough not to hit request limits. */
const POINTER_READS_AT_ONCE = 16;

interface Known {
  topHash: string;
  /** The link value of that revision, or undefined when it has none (or not a string). */
  linkValue: string | undefined;
}

export interface LinkedIndexOptions {
  /** The user_meta key that names the entry (PACKAGE_LINK_KEY, default `experiment_id`). */
  linkKey: string;
  log?: Logger | undefined;
}

const SUFFIX = `/${LATEST_POINTER}`;

export class LinkedPackageIndex {
  private readonly known = new Map<string, Known>();
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: LinkedIndexOptions,
  ) {}

  /** Brings the index up to date; concurrent callers share one pass. */
  refresh(): Promise<void> {
    this.refreshing ??= this.pass().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Names of packages linked to displayId, sorted, without `exclude` (the entry's own package). */
  linkedTo(displayId: string, exclude?: string): string[] {
    if (displayId === '') return [];
    const names: string[] = [];
    for (const [name, known] of this.known) if (known.linkValue === displayId && name !== exclude) names.push(name);
    return names.sort();
  }

  get size(): number {
    return this.known.size;
  }

  private async pass(): Promise<void> {
    const names = await this.packageNames();
    for (const name of this.known.keys()) if (!names.has(name)) this.known.delete(name);
    const queue = [...names];
    const worker = async () => {
      for (let name = queue.pop(); name !== undefined; name = queue.pop()) await this.update(name);
    };
    await Promise.all(Array.from({ length: Math.min(POINTER_READS_AT_ONCE, queue.length) }, worker));
  }

  private async packageNames(): Promise<Set<string>> {
    const names = new Set<string>();
    for await (const key of this.store.listKeys(NAMED_PACKAGES_PREFIX)) {
      if (key.endsWith(SUFFIX)) names.add(key.slice(NAMED_PACKAGES_PREFIX.length, -SUFFIX.length));
    }
    return names;
  }

  /** One broken package (a bad pointer, a missing manifest) must not hide all the others. */
  private async update(name: string): Promise<void> {
    try {
      const topHash = await readPointer(this.store, `${NAMED_PACKAGES_PREFIX}${name}${SUFFIX}`);
      if (topHash === undefined) {
        this.known.delete(name);
        return;
      }
      if (this.known.get(name)?.topHash === topHash) return;
      const { manifest } = await readRevision(this.store, topHash);
      const userMeta = manifest.meta.user_meta;
      const value = isJsonObject(userMeta) ? userMeta[this.options.linkKey] : undefined;
      this.known.set(name, { topHash, linkValue: typeof value === 'string' ? value : undefined });
    } catch (err) {
      this.known.delete(name);
      this.options.log?.warn({ err, package: name }, 'linked-package index: package skipped');
    }
  }
}
