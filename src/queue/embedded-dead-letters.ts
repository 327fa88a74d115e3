import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors/app-error.ts';
import type { DeadLetterAdmin } from './dead-letter-admin.ts';
import { EmbeddedQueue, JOURNAL_FILE } from './embedded-queue.ts';
import type { DeadLetter } from './queue.ts';

/**
 * The embedded queue's dead letters, for `jobs`. The queue directory is one process's at a
 * time, so this takes it while the command runs: a `serve` or `worker` on the same data
 * directory has to be stopped first (its own dead letters are the ones being handled).
 */
export async function openEmbeddedDeadLetters(dir: string): Promise<DeadLetterAdmin> {
  // No journal, no queue yet: nothing to show, and looking must not create one.
  if (!(await exists(join(dir, JOURNAL_FILE)))) return emptyQueue(dir);
  const queue = await EmbeddedQueue.open(dir).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'queue_locked') {
      throw new AppError('queue_locked', `${error.message.replace(/; run one.*$/, '')}: stop that serve/worker, then run this command again (a dead letter can be handled only while no process holds the queue).`);
    }
    throw error;
  });
  const each = async (select: (letter: DeadLetter) => boolean, change: (jobId: string) => Promise<boolean>) => {
    const done: DeadLetter[] = [];
    for (const letter of await queue.deadLetters()) if (select(letter) && (await change(letter.jobId))) done.push(letter);
    return done;
  };
  return {
    source: { kind: 'embedded', location: dir },
    list: () => queue.deadLetters(),
    retry: (select) => each(select, (jobId) => queue.reviveDeadLetter(jobId)),
    purge: (select) => each(select, (jobId) => queue.purgeDeadLetter(jobId)),
    close: () => queue.close(),
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function emptyQueue(dir: string): DeadLetterAdmin {
  return { source: { kind: 'embedded', location: dir }, list: async () => [], retry: async () => [], purge: async () => [], close: async () => undefined };
}
