import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors/app-error.ts';

/** Only this user may list the queue's folder or read its files: jobs and failure reasons are the app's business. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the folder private, or makes an existing one private: a folder created by an older
 * release (0755, a journal of 0644) is tightened on open, files left by a crash (the temp file
 * of a compaction) included. Fails with queue_dir_not_private when the modes cannot be set.
 */
export async function openPrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await tighten(dir, PRIVATE_DIR_MODE);
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    // lstat: a symlink is left alone, chmod would follow it to whatever it points at.
    if ((await lstat(path)).isFile()) await tighten(path, PRIVATE_FILE_MODE);
  }
}

async function tighten(path: string, mode: number): Promise<void> {
  if (((await lstat(path)).mode & 0o777) === mode) return;
  try {
    await chmod(path, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new AppError(
      'queue_dir_not_private',
      `Cannot make ${path} private to this user (${code}): run \`chmod ${mode.toString(8)} ${path}\` as its owner, or point XDG_DATA_HOME at a directory of the user that runs the service.`,
    );
  }
}
