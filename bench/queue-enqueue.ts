/**
 * Embedded queue enqueue throughput at 10 concurrent callers, against a floor measured in the
 * same run on the same disk: one append + fdatasync per item, serialized (what the queue would
 * cost without group commit). Prints both rates and their ratio.
 *
 *   node --import tsx bench/queue-enqueue.ts [seconds-per-measurement]
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedQueue } from '../src/queue/embedded-queue.ts';

const SECONDS = Number(process.argv[2] ?? 3);
const CONCURRENCY = 10;
const BODY = { entryId: 'etr_0123456789', event: 'v2.entry.updated.fields', webhookId: 'msg_2c5bUnwBh2XK8Bc1p6VdV7rA3qk' };

async function floor(dir: string): Promise<number> {
  const handle = await open(join(dir, 'floor.jsonl'), 'a');
  const until = Date.now() + SECONDS * 1000;
  let n = 0;
  for (; Date.now() < until; n++) {
    await handle.appendFile(`${JSON.stringify({ n, ...BODY })}\n`);
    await handle.datasync();
  }
  await handle.close();
  return n / SECONDS;
}

async function queueRate(dir: string): Promise<number> {
  const queue = await EmbeddedQueue.open(join(dir, 'queue'));
  const until = Date.now() + SECONDS * 1000;
  let n = 0;
  const caller = async () => {
    while (Date.now() < until) {
      const i = n++;
      await queue.enqueue({ groupId: `etr_${i % 100}`, dedupId: `wh_${i}`, body: { n: i, ...BODY } });
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, caller));
  const rate = n / ((Date.now() - started) / 1000);
  await queue.close();
  return rate;
}

const dir = await mkdtemp(join(tmpdir(), 'queue-bench-'));
try {
  const base = await floor(dir);
  const rate = await queueRate(dir);
  const line = (label: string, value: number) => process.stdout.write(`${label.padEnd(44)}${Math.round(value).toLocaleString('en-US').padStart(10)} /s\n`);
  line('floor: append + fdatasync per item, serial', base);
  line(`embedded queue: enqueue, concurrency ${CONCURRENCY}`, rate);
  process.stdout.write(`ratio ${(rate / base).toFixed(1)}x\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
