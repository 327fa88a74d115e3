import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { UsageError } from '../../src/errors/app-error.ts';
import { openInteractiveQueue, openQueue } from '../../src/queue/open-queue.ts';
import { tempDirs } from './temp-dirs.ts';

/** Which queue INTERACTIVE_QUEUE opens beside QUEUE. */

const dirs = tempDirs();
after(() => dirs.removeAll());

test('beside an embedded QUEUE, unset or `embedded` is a second journal of its own: a job in one is not in the other', async () => {
  for (const setting of [undefined, 'embedded']) {
    const dataDir = await dirs.make();
    const main = await openQueue('embedded', { dataDir });
    const interactive = await openInteractiveQueue(setting, { setting: 'embedded', queue: main }, { dataDir });
    try {
      assert.notEqual(interactive, main);
      await interactive.enqueue({ groupId: 'cnvs_1', dedupId: 'wh_1', body: { kind: 'canvas' } });
      assert.equal((await interactive.depth()).waiting, 1);
      assert.equal((await main.depth()).waiting, 0);
    } finally {
      await interactive.close();
      await main.close();
    }
  }
});

test('beside an SQS QUEUE, unset (or the same URL) is QUEUE itself: a stack with one queue keeps working', async () => {
  const dataDir = await dirs.make();
  const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs.fifo';
  const main = await openQueue('embedded', { dataDir });
  try {
    assert.equal(await openInteractiveQueue(undefined, { setting: url, queue: main }, { dataDir }), main);
    assert.equal(await openInteractiveQueue(url, { setting: url, queue: main }, { dataDir }), main);
  } finally {
    await main.close();
  }
});

test('an INTERACTIVE_QUEUE that is neither `embedded` nor a FIFO queue URL is a usage error naming the setting', async () => {
  const dataDir = await dirs.make();
  const main = await openQueue('embedded', { dataDir });
  try {
    for (const bad of ['https://sqs.eu-west-1.amazonaws.com/1/jobs', 'fast', '']) {
      await assert.rejects(openInteractiveQueue(bad, { setting: 'embedded', queue: main }, { dataDir }), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.equal(error.code, 'INTERACTIVE_QUEUE_INVALID');
        assert.match(error.message, /INTERACTIVE_QUEUE must be `embedded` or the URL of an SQS FIFO queue/);
        return true;
      });
    }
  } finally {
    await main.close();
  }
});
