import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors/app-error.ts';
import { PRIVATE_FILE_MODE } from './private-dir.ts';

export interface DirLock {
  release(): Promise<void>;
}

const LOCK_FILE = 'queue.lock';
/** Directories locked by this process: its own pid in a lock file is no proof of that (pid 1 in containers). */
const heldHere = new Set<string>();

/**
 * One queue per directory: two processes appending to one journal would interleave and
 * deliver each other's jobs twice. A lock file holds the owner's pid; a lock whose process is
 * gone (killed, crashed) is taken over.
 */
export async function lockDirectory(dir: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  if (heldHere.has(path)) throw locked(dir, 'this process');
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(path)) {
      heldHere.add(path);
      return { release: () => release(path) };
    }
    const owner = await readOwner(path);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw locked(dir, `process ${owner}`);
    await rm(path, { force: true });
  }
  throw locked(dir, 'another process');
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(String(process.pid));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readOwner(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function release(path: string): Promise<void> {
  if (!heldHere.delete(path)) return;
  await rm(path, { force: true });
}

function locked(dir: string, owner: string): AppError {
  return new AppError('queue_locked', `The queue directory ${dir} is in use by ${owner}; run one serve/worker per data directory.`);
}
