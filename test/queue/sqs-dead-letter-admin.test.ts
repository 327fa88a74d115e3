import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SqsDeadLetters } from '../../src/queue/sqs-dead-letter-admin.ts';
import { SqsQueue } from '../../src/queue/sqs-queue.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';

/**
 * The SQS dead-letter queue under `jobs`, on fauxqs. The FIFO dead-letter queue shows one
 * message of a group while another of it is held, so handling several of one group takes
 * several receives; every one not handled must be visible again afterwards.
 */

let emulator: QueueEmulator;
before(async () => {
  emulator = await QueueEmulator.start();
});
after(() => emulator.stop());

/** A job queue whose jobs die on their first failure, with `count` dead jobs of group g1 (n = 1…count) and one of g2. */
async function deadJobs(count: number) {
  const urls = await emulator.fifoPair({ maxReceiveCount: 10 });
  const queue = new SqsQueue({ client: emulator.client, queueUrl: urls.queueUrl, maxFailures: 1 });
  for (let n = 1; n <= count; n++) await queue.enqueue({ groupId: 'g1', dedupId: `d${n}`, body: { n } });
  await queue.enqueue({ groupId: 'g2 with spaces', dedupId: 'other', body: { n: 0 } });
  for (let left = count + 1; left > 0; ) {
    for (const lease of await queue.receive({ max: 10, waitMs: 1000 })) {
      left--;
      await lease.retry(`failure of ${String(lease.body.n)}`);
    }
  }
  return { urls, queue, admin: new SqsDeadLetters({ client: emulator.client, ...urls }) };
}

test('retry of every dead job of one group sends them all back, in their order, into their group; the others stay, visible', async () => {
  const { queue, admin } = await deadJobs(3);
  const retried = await admin.retry((letter) => letter.groupId === 'g1');
  assert.deepEqual(retried.map((letter) => letter.body.n), [1, 2, 3]);
  const back: unknown[] = [];
  for (;;) {
    const [lease] = await queue.receive({ waitMs: 500 });
    if (!lease) break;
    assert.equal(lease.groupId, 'g1');
    back.push(lease.body.n);
    await lease.ack();
  }
  assert.deepEqual(back, [1, 2, 3]);
  const left = await admin.list();
  assert.deepEqual(left.map((letter) => [letter.groupId, letter.body.n]), [['g2 with spaces', 0]]);
  assert.match(left[0]!.reason, /failure of 0/);
  assert.deepEqual((await queue.depth()).waiting, 0);
});

test('a group carried in an attribute (SQS refuses its characters) goes back under its own name', async () => {
  const { queue, admin } = await deadJobs(1);
  assert.equal((await admin.retry((letter) => letter.groupId === 'g2 with spaces')).length, 1);
  const [lease] = await queue.receive({ waitMs: 1000 });
  assert.deepEqual([lease?.groupId, lease?.body.n], ['g2 with spaces', 0]);
  await lease!.ack();
});

test('purge deletes only the selected ones; list reads without consuming', async () => {
  const { admin } = await deadJobs(2);
  assert.equal((await admin.list()).length, 2, 'FIFO: the second dead job of g1 stays hidden while the first is held, so a list shows one per group');
  assert.deepEqual((await admin.purge((letter) => letter.body.n === 1 || letter.body.n === 0)).map((letter) => letter.body.n).sort(), [0, 1]);
  assert.deepEqual((await admin.list()).map((letter) => letter.body.n), [2]);
  assert.deepEqual((await admin.list()).map((letter) => letter.body.n), [2]);
});
