import type { Manifest } from './manifest.ts';
import { writeManifest } from './manifest-writer.ts';
import type { ObjectStore } from './object-store.ts';
import { readPointer } from './read-package.ts';
import { latestPointerKey, manifestKey, revisionPointerKey } from './registry-layout.ts';
import { validatePackageName } from './package-name.ts';
import { topHash as computeTopHash } from './top-hash.ts';

export interface PublishRequest {
  readonly name: string;
  readonly manifest: Manifest;
  /** Unix time in whole seconds, for the revision pointer; defaults to the system clock. */
  readonly unixSeconds?: () => number;
}

export type PublishResult =
  | { readonly changed: false; readonly topHash: string }
  | { readonly changed: true; readonly topHash: string; readonly revision: number };

/**
 * Adds a revision the way quilt3's push_manifest does: the manifest, then the timestamp
 * pointer, then `latest`, so a reader that finds a pointer always finds its manifest. The
 * data the entries point to must already be stored. A manifest whose top hash is already
 * `latest` writes nothing: re-packaging unchanged content adds no revision.
 */
export async function publishPackage(store: ObjectStore, request: PublishRequest): Promise<PublishResult> {
  validatePackageName(request.name);
  const bytes = writeManifest(request.manifest);
  const topHash = computeTopHash(request.manifest);
  const latestKey = latestPointerKey(request.name);
  if ((await readPointer(store, latestKey)) === topHash) return { changed: false, topHash };
  const revision = await unusedRevision(store, request.name, (request.unixSeconds ?? systemUnixSeconds)());
  await store.putObject(manifestKey(topHash), bytes);
  await store.putObject(revisionPointerKey(request.name, revision), topHash);
  await store.putObject(latestKey, topHash);
  return { changed: true, topHash, revision };
}

/**
 * quilt3 would overwrite the pointer of a revision published in the same second, leaving that
 * revision out of the history; taking the next free second keeps every revision listed.
 */
async function unusedRevision(store: ObjectStore, name: string, unixSeconds: number): Promise<number> {
  let revision = unixSeconds;
  while ((await store.getObject(revisionPointerKey(name, revision))) !== undefined) revision += 1;
  return revision;
}

function systemUnixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
