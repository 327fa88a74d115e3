import { AppError } from '../errors/app-error.ts';
import { isJsonObject } from './json-value.ts';
import { compareWalkOrder, validateLogicalKey } from './logical-key.ts';
import type { DirectoryMeta, Manifest, ManifestEntry } from './manifest.ts';

export interface OrderedManifest {
  readonly entries: readonly ManifestEntry[];
  readonly directories: readonly DirectoryMeta[];
}

/**
 * Checks a manifest against what quilt3 can hold and returns its lines in quilt3's order:
 * directory lines in tree order, then entries in walk order. quilt3 keeps packages as trees,
 * so a name that is both a file and a directory (`a` beside `a/b`) cannot exist there.
 */
export function orderManifest(manifest: Manifest): OrderedManifest {
  checkPackageMeta(manifest);
  manifest.entries.forEach(checkEntry);
  const directories = manifest.directories ?? [];
  directories.forEach(checkDirectory);
  checkTree(manifest.entries, directories);
  return {
    entries: [...manifest.entries].sort((a, b) => compareWalkOrder(a.logicalKey, b.logicalKey)),
    directories: [...directories].sort((a, b) => compareWalkOrder(a.logicalKey, b.logicalKey)),
  };
}

function checkPackageMeta({ meta }: Manifest): void {
  if (!isJsonObject(meta)) throw bad('the package metadata line must be a JSON object');
  if (meta.version !== 'v0') throw bad(`the package metadata must have "version": "v0", not ${JSON.stringify(meta.version)}`);
  if ('top_hash' in meta) throw bad('the package metadata has the legacy "top_hash" key, which quilt3 drops; remove it');
}

function checkEntry(entry: ManifestEntry): void {
  validateLogicalKey(entry.logicalKey);
  const name = JSON.stringify(entry.logicalKey);
  if (typeof entry.physicalKey !== 'string' || entry.physicalKey === '') throw bad(`entry ${name} has no physical key`);
  if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw bad(`entry ${name} has size ${String(entry.size)}; a size is a whole number of bytes`);
  const { hash } = entry;
  if (!isJsonObject(hash) || typeof hash.type !== 'string' || hash.type === '' || typeof hash.value !== 'string' || hash.value === '') {
    throw bad(`entry ${name} needs a hash {"type": …, "value": …} with non-empty strings`);
  }
  if (!isJsonObject(entry.meta)) throw bad(`entry ${name} has meta that is not a JSON object`);
}

function checkDirectory(directory: DirectoryMeta): void {
  const key = directory.logicalKey;
  if (!key.endsWith('/')) throw bad(`directory line ${JSON.stringify(key)} must end with "/"`);
  validateLogicalKey(key.slice(0, -1));
}

function checkTree(entries: readonly ManifestEntry[], directories: readonly DirectoryMeta[]): void {
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const { logicalKey } of entries) {
    if (files.has(logicalKey)) throw bad(`logical key ${JSON.stringify(logicalKey)} appears twice`);
    files.add(logicalKey);
    addParents(folders, logicalKey);
  }
  const seen = new Set<string>();
  for (const { logicalKey } of directories) {
    if (seen.has(logicalKey)) throw bad(`directory line ${JSON.stringify(logicalKey)} appears twice`);
    seen.add(logicalKey);
    addParents(folders, logicalKey);
  }
  for (const file of files) {
    if (folders.has(file)) throw bad(`${JSON.stringify(file)} is both a file and a directory`);
  }
}

/** Adds every directory on the key's path: `a/b/c` and `a/b/` both add `a` and `a/b`. */
function addParents(folders: Set<string>, logicalKey: string): void {
  for (let slash = logicalKey.indexOf('/'); slash >= 0; slash = logicalKey.indexOf('/', slash + 1)) {
    folders.add(logicalKey.slice(0, slash));
  }
}

function bad(why: string): AppError {
  return new AppError('quilt_bad_manifest', why);
}
