import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JOB_RECEIVE_LIMIT } from '../../src/config/dead-letter-limits.ts';
import { SqsQueue } from '../../src/queue/sqs-queue.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { queueContract } from './queue-contract.ts';

let emulator: QueueEmulator;
before(async () => {
  emulator = await QueueEmulator.start();
});
after(() => emulator.stop());

queueContract({
  name: 'SQS FIFO (fauxqs)',
  shortMs: 1000,
  async open(options = {}) {
    const urls = await emulator.fifoPair({ maxReceiveCount: options.maxReceives ?? JOB_RECEIVE_LIMIT });
    return new SqsQueue({ client: emulator.client, ...urls, maxFailures: options.maxFailures, visibilityTimeoutMs: options.visibilityTimeoutMs ?? 30_000 });
  },
});

describe('SQS specifics', () => {
  test('ids SQS would refuse are hashed, and the lease still carries the original groupId', async () => {
    const urls = await emulator.fifoPair({ maxReceiveCount: 5 });
    const queue = new SqsQueue({ client: emulator.client, ...urls });
    const groupId = `entry ü/${'x'.repeat(200)}`;
    const dedupId = `webhook ${'y'.repeat(300)}`;
    const { jobId } = await queue.enqueue({ groupId, dedupId, body: { n: 1 } });
    // Another process remembers nothing; SQS's own dedup (on the hashed id) drops its copy.
    const otherProcess = new SqsQueue({ client: emulator.client, ...urls });
    await otherProcess.enqueue({ groupId, dedupId, body: { n: 1 } });
    const leases = await queue.receive({ max: 10, waitMs: 1000 });
    assert.deepEqual(
      leases.map((lease) => [lease.jobId, lease.groupId]),
      [[jobId, groupId]],
    );
    await leases[0]!.ack();
  });

  test('coalesce is accepted and ignored: every enqueue is its own message', async () => {
    const queue = new SqsQueue({ client: emulator.client, ...(await emulator.fifoPair({ maxReceiveCount: 5 })) });
    const results = await Promise.all([1, 2, 3].map((n) => queue.enqueue({ groupId: 'g', dedupId: `c${n}`, body: { n }, coalesce: true })));
    assert.deepEqual(
      results.map((result) => result.coalesced),
      [false, false, false],
    );
    assert.equal((await queue.depth()).waiting, 3);
  });

  test('check names what is wrong when the queue is not there', async () => {
    const queue = new SqsQueue({ client: emulator.client, queueUrl: 'http://127.0.0.1:1/000000000000/missing.fifo' });
    const result = await queue.check();
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /GetQueueAttributes/);
    await assert.rejects(queue.enqueue({ groupId: 'g', dedupId: 'd', body: {} }), { code: 'queue_sqs_failed' });
  });
});
