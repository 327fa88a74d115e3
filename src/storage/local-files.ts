import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../errors/app-error.ts';
import { TEMP_MARK } from './object-key.ts';

/**
 * Puts a file at target atomically: `write` fills a fresh temp file in the same directory
 * (same file system, so the rename is atomic) and must leave it flushed to disk; the rename
 * then publishes it and the directory is synced so the rename survives a crash too. A reader
 * sees the old object or the new one, never part of one; a failed write leaves neither the
 * object nor the temp file.
 */
export async function commitFile(target: string, key: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw localError('create the directory for', key, error);
  });
  const temp = join(dir, `${TEMP_MARK}${randomBytes(8).toString('hex')}`);
  try {
    await write(temp);
    await rename(temp, target).catch((error: unknown) => {
      throw localError('publish', key, error);
    });
  } catch (error) {
    // The write's failure is the one to report; a temp file left behind is never listed.
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Some file systems cannot fsync a directory; the data itself is already on disk then. */
const UNSYNCABLE_DIR = new Set(['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP', 'EBADF']);

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    if (!UNSYNCABLE_DIR.has(errorCode(error) ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

export function errorCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** A file system is absent here, not broken: the store answers "no object". */
export const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

const HINTS: Record<string, [code: string, hint: string]> = {
  ENOTDIR: ['storage_key_conflict', 'a parent of it is an object (a file), so it cannot also be a folder'],
  EEXIST: ['storage_key_conflict', 'a parent of it is an object (a file), so it cannot also be a folder'],
  EISDIR: ['storage_key_conflict', 'other objects live under it as a folder, which a local registry cannot also hold as a file'],
  ENOTEMPTY: ['storage_key_conflict', 'other objects live under it as a folder, which a local registry cannot also hold as a file'],
  EACCES: ['storage_local_denied', 'this process may not write there: check the directory owner and mode'],
  EPERM: ['storage_local_denied', 'this process may not write there: check the directory owner and mode'],
  EROFS: ['storage_local_denied', 'the file system is read-only'],
  ENOSPC: ['storage_local_full', 'the disk is full'],
  ENAMETOOLONG: ['storage_key_invalid', 'a path segment is too long for this file system'],
};

/** A file-system failure as an AppError naming the key and what to do; other errors pass. */
export function localError(action: string, key: string, error: unknown): unknown {
  const code = errorCode(error);
  if (error instanceof AppError || code === undefined) return error;
  const [appCode, hint] = HINTS[code] ?? ['storage_local_failed', (error as Error).message];
  return new AppError(appCode, `Could not ${action} ${JSON.stringify(key)} in the local registry (${code}): ${hint}.`);
}
