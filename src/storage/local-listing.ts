import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ABSENT, errorCode } from './local-files.ts';
import { keyProblem } from './object-key.ts';

/**
 * Keys under root starting with prefix, in S3's order (UTF-8 bytes of the whole key), one
 * directory read at a time. Sorting each directory's children with directory names suffixed
 * by `/` gives exactly that order: a child's key can only tie with a sibling's on the
 * sibling's own name, and names in one directory are unique.
 */
export async function* listLocalKeys(root: string, prefix: string): AsyncGenerator<string> {
  const cut = prefix.lastIndexOf('/');
  yield* walk(root, prefix.slice(0, cut + 1), prefix.slice(cut + 1));
}

async function* walk(root: string, dirKey: string, namePrefix = ''): AsyncGenerator<string> {
  for (const child of await children(join(root, dirKey), namePrefix)) {
    const key = dirKey + child.name;
    if (child.isDirectory()) yield* walk(root, `${key}/`);
    // Temp files, and files a person dropped in with names no key can have, are not objects.
    else if (keyProblem(key) === undefined) yield key;
  }
}

async function children(dir: string, namePrefix: string): Promise<Dirent[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    // The folder went away (or never was): no keys there, as on S3.
    if (ABSENT.has(errorCode(error) ?? '')) return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.name.startsWith(namePrefix) && (entry.isFile() || entry.isDirectory()))
    .map((entry) => ({ entry, order: Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name) }))
    .sort((a, b) => Buffer.compare(a.order, b.order))
    .map(({ entry }) => entry);
}
