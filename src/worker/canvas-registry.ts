import type { PackageListing, PackageMetadata, PackageRevision } from '../canvas/inputs.ts';
import type { ObjectStore } from '../quilt/object-store.ts';
import { listRevisionTimestamps, readLatest } from '../quilt/read-package.ts';
import { isPackageName } from '../quilt/package-name.ts';

/** What the canvas reads of a package in the registry: its latest revision, files and metadata. */

export interface LatestPackage {
  revision: PackageRevision;
  listing: PackageListing;
  metadata: PackageMetadata;
}

/** The latest revision of a package, or undefined when it has none (or the name is not one). */
export async function readLatestPackage(store: ObjectStore, name: string): Promise<LatestPackage | undefined> {
  if (!isPackageName(name)) return undefined;
  const latest = await readLatest(store, name);
  if (latest === undefined) return undefined;
  // quilt3 writes a timestamp pointer with every `latest`; the newest one dates the revision.
  const newest = (await listRevisionTimestamps(store, name)).at(-1);
  const updatedAt = newest === undefined ? '' : new Date(newest * 1000).toISOString();
  return {
    revision: { name, topHash: latest.topHash, updatedAt },
    listing: { name, files: latest.manifest.entries.map((e) => ({ logicalKey: e.logicalKey, size: e.size })) },
    metadata: { name, userMeta: latest.manifest.meta.user_meta },
  };
}
