import { randomBytes } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
}

/** The path itself when it exists, else its nearest ancestor that does (what a later mkdir -p would build on). */
async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean } | { problem: string }> {
  let current = path;
  for (;;) {
    try {
      return { path: current, isDirectory: (await stat(current)).isDirectory() };
    } catch (error) {
      // ENOTDIR: some ancestor is a file; walking up finds it.
      if (errnoCode(error) !== 'ENOENT' && errnoCode(error) !== 'ENOTDIR') return { problem: `${current} cannot be read (${errnoCode(error)})` };
      const parent = dirname(current);
      if (parent === current) return { problem: `${path} has no existing parent directory` };
      current = parent;
    }
  }
}

/**
 * Why `path` cannot serve as an output directory, or undefined when it can: it is a directory
 * (or can be made as one) where a file can be written. Checked before any work, so a command
 * refuses at once instead of failing, or hanging, once it first writes. Nothing is created.
 */
export async function directoryProblem(path: string): Promise<string | undefined> {
  const target = resolve(path);
  const found = await nearestExisting(target);
  if ('problem' in found) return found.problem;
  if (!found.isDirectory) {
    return found.path === target ? `${target} is a file, not a directory` : `${found.path} is a file, so ${target} cannot be made under it`;
  }
  // Permission bits do not tell (root, ACLs, read-only mounts, /proc): a probe file does.
  const probe = join(found.path, `.benchling-webhook-write-check-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    const where = found.path === target ? target : `${target} cannot be made: ${found.path}`;
    return `${where} is not writable (${errnoCode(error)})`;
  }
  await rm(probe, { force: true });
  return undefined;
}
