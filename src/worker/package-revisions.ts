import type { Logger } from '../log/logger.ts';
import { isJsonObject } from '../quilt/json-value.ts';
import type { ObjectStore } from '../quilt/object-store.ts';
import { isPackageName } from '../quilt/package-name.ts';
import { readLatest } from '../quilt/read-package.ts';
import { entryPackageName } from './entry-package-name.ts';
import type { PackagedEntry } from './package-entry.ts';
import type { PackageRevisionEvent } from './package-revision-event.ts';

export interface PackageRevisionsOptions {
  store: ObjectStore;
  /** The registry's bucket: events of any other bucket are not ours. */
  bucket: string;
  /** PACKAGE_PREFIX: only packages under it are ours. */
  prefix: string;
  log: Logger;
  /**
   * Draws the entry's recorded canvases from the registry's latest revision; throws when a
   * canvas could not be drawn for a reason that may pass (the event is then retried).
   */
  redraw: (entryId: string, packaged: Pick<PackagedEntry, 'name' | 'displayId'>) => Promise<void>;
}

/** What became of one event: only `redrawn` wrote anything. */
export type RevisionOutcome = 'redrawn' | 'foreign-bucket' | 'not-ours' | 'no-revision' | 'stale' | 'no-entry';

/**
 * In integrated mode the packaging engine, not the worker, commits the revision, some time
 * after the worker drew the canvas; Quilt's package-revision event is the only sign that it
 * did. Each event of one of our packages redraws the canvases of the package's entry from
 * `latest`. An event older than `latest` is skipped: a later event draws the newer revision,
 * and drawing the older one first would only flicker. Events come at least once and in any
 * order, which is harmless, since every redraw reads `latest` rather than the event.
 */
export class PackageRevisions {
  constructor(private readonly options: PackageRevisionsOptions) {}

  /** Throws on registry or transient Benchling failures (the event is retried); every other outcome is final. */
  async handle(event: PackageRevisionEvent): Promise<RevisionOutcome> {
    const { bucket, handle, topHash } = event.detail;
    const log = this.options.log.child({ bucket, package: handle, topHash });
    if (bucket !== this.options.bucket) {
      log.debug('package-revision event of another bucket: ignored');
      return 'foreign-bucket';
    }
    if (!handle.startsWith(`${this.options.prefix}/`) || !isPackageName(handle)) {
      log.debug('package-revision event of a package outside PACKAGE_PREFIX: ignored');
      return 'not-ours';
    }
    const latest = await readLatest(this.options.store, handle);
    if (latest === undefined) {
      log.info('package-revision event of a package with no latest revision: ignored');
      return 'no-revision';
    }
    if (topHash !== undefined && topHash !== latest.topHash) {
      log.info({ latest: latest.topHash }, 'package-revision event of a revision that is no longer latest: stale, ignored');
      return 'stale';
    }
    const owner = ownerOf(latest.manifest.meta.user_meta);
    // The name must be the one this app gives the entry's package: metadata alone could point any package at any entry's canvas.
    if (owner === undefined || entryPackageName(this.options.prefix, owner) !== handle) {
      log.info({ entryId: owner?.id }, 'package-revision event of a package that is not an entry of this app: ignored');
      return 'no-entry';
    }
    await this.options.redraw(owner.id, { name: handle, displayId: owner.displayId ?? '' });
    log.info({ entryId: owner.id, latest: latest.topHash }, 'canvases redrawn for the committed revision');
    return 'redrawn';
  }
}

/** The entry a revision was made from, as its entry.json (the package metadata) names it. */
function ownerOf(userMeta: unknown): { id: string; displayId: string | undefined } | undefined {
  if (!isJsonObject(userMeta) || typeof userMeta.entry_id !== 'string' || userMeta.entry_id === '') return undefined;
  const displayId = typeof userMeta.display_id === 'string' && userMeta.display_id !== '' ? userMeta.display_id : undefined;
  return { id: userMeta.entry_id, displayId };
}
