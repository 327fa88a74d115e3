/**
 * Child process for the durability test: enqueues 200 jobs from 10 concurrent callers into
 * the queue in argv[2] and prints each job id once its enqueue has resolved, as the service
 * would answer 202. Stdout to a pipe is synchronous on Linux, so a printed id was promised.
 * Small pauses spread the run out so the parent's SIGKILL lands mid-way.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';

const [dir, tag = 'run'] = process.argv.slice(2);
if (!dir) throw new Error('usage: enqueue-child.ts <dir> [tag]');
const queue = await EmbeddedQueue.open(dir);
process.stdout.write('ready\n');

let next = 0;
async function caller(): Promise<void> {
  for (let n = next++; n < 200; n = next++) {
    const { jobId } = await queue.enqueue({ groupId: `etr_${n % 13}`, dedupId: `${tag}-${n}`, body: { tag, n } });
    process.stdout.write(`${jobId}\n`);
    if (n % 10 === 0) await sleep(2);
  }
}
await Promise.all(Array.from({ length: 10 }, caller));
await queue.close();
process.stdout.write('done\n');
