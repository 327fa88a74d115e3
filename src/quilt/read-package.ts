import { AppError } from '../errors/app-error.ts';
import type { Manifest } from './manifest.ts';
import { readManifest } from './manifest-reader.ts';
import type { ObjectStore } from './object-store.ts';
import { latestPointerKey, manifestKey, pointerPrefix, revisionOfPointerKey } from './registry-layout.ts';
import { isTopHash } from './top-hash.ts';

export interface PackageRevision {
  readonly topHash: string;
  readonly manifest: Manifest;
}

/** The latest revision of a package (pointer → top hash → manifest), or undefined if it has none. */
export async function readLatest(store: ObjectStore, name: string): Promise<PackageRevision | undefined> {
  const topHash = await readPointer(store, latestPointerKey(name));
  return topHash === undefined ? undefined : readRevision(store, topHash);
}

export async function readRevision(store: ObjectStore, topHash: string): Promise<PackageRevision> {
  const key = manifestKey(topHash);
  const bytes = await store.getObject(key);
  if (bytes === undefined) {
    throw new AppError('quilt_manifest_missing', `the registry has no manifest ${key}, although a pointer names it`);
  }
  return { topHash, manifest: readManifest(bytes) };
}

/**
 * The top hash a pointer object holds, or undefined if there is no such object. quilt3 writes
 * the bare hash; surrounding whitespace is forgiven because hand-made pointers often end in a
 * newline.
 */
export async function readPointer(store: ObjectStore, key: string): Promise<string | undefined> {
  const bytes = await store.getObject(key);
  if (bytes === undefined) return undefined;
  const text = bytes.toString('utf8').trim();
  if (!isTopHash(text)) {
    throw new AppError('quilt_bad_pointer', `${key} should hold a top hash but holds ${JSON.stringify(text.slice(0, 80))}`);
  }
  return text;
}

/** The Unix-second timestamps of a package's revision pointers, oldest first. */
export async function listRevisionTimestamps(store: ObjectStore, name: string): Promise<number[]> {
  const revisions: number[] = [];
  for await (const key of store.listKeys(pointerPrefix(name))) {
    const revision = revisionOfPointerKey(name, key);
    if (revision !== undefined) revisions.push(revision);
  }
  return revisions.sort((a, b) => a - b);
}
