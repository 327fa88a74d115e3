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
 * Jobs longer than their lease keep it (the worker extends it while the handler runs), so a
 * long export is done once; a handler stuck for good is abandoned at JOB_DEADLINE and its job
 * retried as a failure. Both queues: embedded, and SQS on fauxqs.
 */

const dirs = tempDirs();
let emulator: QueueEmulator;
before(async () => {
  emulator = await QueueEmulator.start();
});
after(async () => {
  await emulator.stop();
  await dirs.removeAll();
});

const quietLog = () => createLogger({ level: 'info', destination: { write: () => undefined }, redactor: new SecretRedactor() });

const QUEUES: [string, number, () => Promise<Queue>][] = [
  ['embedded', 300, async () => EmbeddedQueue.open(await dirs.make(), { visibilityTimeoutMs: 300 })],
  ['SQS (fauxqs)', 1000, async () => new SqsQueue({ client: emulator.client, ...(await emulator.fifoPair({ maxReceiveCount: JOB_RECEIVE_LIMIT })), visibilityTimeoutMs: 1000 })],
];

for (const [name, leaseMs, open] of QUEUES) {
  test(`${name}: a job that runs three times its lease is delivered once and acked once`, async () => {
    const queue = await open();
    const deliveries: number[] = [];
    const worker = new WorkerLoop({
      queue,
      log: quietLog(),
      receiveWaitMs: 50,
      concurrency: 2,
      handle: async (_body, lease) => {
        deliveries.push(lease.receiveCount);
        await new Promise((resolve) => setTimeout(resolve, leaseMs * 3));
      },
    });
    await queue.enqueue({ groupId: 'etr_long', dedupId: `long-${name}`, body: { n: 1 } });
    worker.start();
    try {
      await eventually(async () => (await queue.depth()).waiting + (await queue.depth()).inFlight === 0 && deliveries.length > 0, 'the job done', leaseMs * 10);
      // Had the lease lapsed, the second loop would have taken the job again meanwhile.
      await new Promise((resolve) => setTimeout(resolve, leaseMs));
    } finally {
      await worker.stop();
      await queue.close();
    }
    assert.deepEqual(deliveries, [1]);
  });

  test(`${name}: a handler that never returns is abandoned at the deadline, and the job retried as a failure`, async () => {
    const queue = await open();
    const deliveries: { receive: number; failures: number }[] = [];
    const worker = new WorkerLoop({
      queue,
      log: quietLog(),
      receiveWaitMs: 50,
      retryBaseMs: 0,
      jobDeadlineMs: leaseMs,
      handle: async (_body, lease) => {
        deliveries.push({ receive: lease.receiveCount, failures: lease.failures });
        if (lease.receiveCount === 1) await new Promise(() => undefined);
      },
    });
    await queue.enqueue({ groupId: 'etr_stuck', dedupId: `stuck-${name}`, body: { n: 1 } });
    worker.start();
    try {
      await eventually(() => deliveries.length === 2, 'the retry', leaseMs * 10);
      assert.ok(worker.isHealthy, 'the abandoned job no longer holds its slot');
    } finally {
      await worker.stop();
      await queue.close();
    }
    assert.deepEqual(deliveries, [{ receive: 1, failures: 0 }, { receive: 2, failures: 1 }]);
  });
}
