import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { JOB_RECEIVE_LIMIT } from '../../src/config/dead-letter-limits.ts';
import { createLogger } from '../../src/log/logger.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import type { Queue } from '../../src/queue/queue.ts';
import { SqsQueue } from '../../src/queue/sqs-queue.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { tempDirs } from '../queue/temp-dirs.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { eventually } from '../support/registry-audit.ts';

/**
 * A worker that stops (SIGTERM on ECS) gives back the jobs its handlers are still running, so
 * another worker takes them at once instead of after the lease lapses, and the stop does not
 * count as one of the job's failures. Both queues: embedded, and SQS on fauxqs. The lease is
 * 30 s, so a delivery within a few seconds can only come from the hand-back.
 */

const LEASE_MS = 30_000;
const dirs = tempDirs();
let emulator: QueueEmulator;
before(async () => {
  emulator = await QueueEmulator.start();
});
after(async () => {
  await emulator.stop();
  await dirs.removeAll();
});

function capturedLog(lines: string[]) {
  return createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) }, redactor: new SecretRedactor() });
}

const QUEUES: [string, () => Promise<Queue>][] = [
  ['embedded', async () => EmbeddedQueue.open(await dirs.make(), { visibilityTimeoutMs: LEASE_MS })],
  ['SQS (fauxqs)', async () => new SqsQueue({ client: emulator.client, ...(await emulator.fifoPair({ maxReceiveCount: JOB_RECEIVE_LIMIT })), visibilityTimeoutMs: LEASE_MS })],
];

for (const [name, open] of QUEUES) {
  test(`${name}: a job held by a worker stopped mid-handler goes to a second worker at once, its failures unchanged`, async (t) => {
    const queue = await open();
    const logA: string[] = [];
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    const seenByA: { receive: number; failures: number }[] = [];
    const a = new WorkerLoop({
      queue,
      log: capturedLog(logA),
      receiveWaitMs: 50,
      retryBaseMs: 0,
      // A second slot, idle and asking for jobs when the stop comes, must not take the job back.
      concurrency: 2,
      handle: async (_body, lease) => {
        seenByA.push({ receive: lease.receiveCount, failures: lease.failures });
        // One real failure first, so that "unchanged" is a count above zero that a stop must not raise.
        if (lease.receiveCount === 1) throw new Error('the first delivery fails');
        held();
        await blocked;
      },
    });
    const seenByB: { receive: number; failures: number; afterStopMs: number }[] = [];
    let stoppedAt = 0;
    const b = new WorkerLoop({
      queue,
      log: capturedLog([]),
      receiveWaitMs: 50,
      concurrency: 1,
      handle: async (_body, lease) => {
        seenByB.push({ receive: lease.receiveCount, failures: lease.failures, afterStopMs: Date.now() - stoppedAt });
      },
    });
    const { jobId } = await queue.enqueue({ groupId: 'etr_held', dedupId: `held-${name}`, body: { n: 1 } });
    a.start();
    try {
      await holding;
      b.start();
      stoppedAt = Date.now();
      await a.stop();
      const stopMs = Date.now() - stoppedAt;
      assert.ok(stopMs < 3000, `the stop does not wait for the handler (took ${stopMs} ms)`);
      await eventually(() => seenByB.length > 0, 'the second worker takes the job', LEASE_MS / 3);
      await eventually(async () => {
        const depth = await queue.depth();
        return depth.waiting + depth.inFlight === 0;
      }, 'the second worker done with it', 5000);
      // The stopped worker's handler returns late: its result is discarded, nothing is settled twice.
      unblock();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(await queue.depth(), { waiting: 0, inFlight: 0, dead: 0 });
    } finally {
      unblock();
      await a.stop();
      await b.stop();
      await queue.close();
    }
    t.diagnostic(`${name}: A saw ${JSON.stringify(seenByA)}; B saw ${JSON.stringify(seenByB)} (lease ${LEASE_MS} ms)`);
    const handBack = logA.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => /handed back/.test(String(line.msg)));
    t.diagnostic(`${name}: stopped worker logged ${JSON.stringify({ msg: handBack?.msg, job: handBack?.job })}`);
    assert.deepEqual(seenByA, [
      { receive: 1, failures: 0 },
      { receive: 2, failures: 1 },
    ]);
    assert.equal(seenByB.length, 1);
    assert.deepEqual({ receive: seenByB[0]!.receive, failures: seenByB[0]!.failures }, { receive: 3, failures: 1 }, 'a delivery more, no failure more');
    assert.ok(seenByB[0]!.afterStopMs < 5000, `delivered ${seenByB[0]!.afterStopMs} ms after the stop, well within the ${LEASE_MS} ms lease`);
    assert.equal(handBack?.job, jobId);
  });
}
