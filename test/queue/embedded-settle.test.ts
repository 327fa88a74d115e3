import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { tempDirs } from './temp-dirs.ts';

/**
 * settleMs / settleMaxMs: a coalescible job waits until its group has been quiet, so a burst of
 * edits spread over seconds still costs one export; jobs behind a settling one are not held up.
 */

const dirs = tempDirs();
after(() => dirs.removeAll());

const edit = (rev: number) => ({ groupId: 'etr_1', dedupId: `wh_${rev}`, body: { rev }, coalesce: true });

describe('settling', () => {
  test('a coalescible job is delivered once its group has had no edit for settleMs, with the last edit', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make(), { settleMs: 300 });
    for (let rev = 1; rev <= 5; rev++) {
      await queue.enqueue(edit(rev));
      assert.deepEqual(await queue.receive({ waitMs: 0 }), [], `held after edit ${rev}`);
      await sleep(150);
    }
    const lastEditAt = Date.now() - 150;
    const [lease, ...more] = await queue.receive({ waitMs: 2000 });
    const quiet = Date.now() - lastEditAt;
    assert.deepEqual([lease?.body, more.length], [{ rev: 5 }, 0]);
    assert.ok(quiet >= 280, `delivered ${quiet} ms after the last edit`);
    await lease!.ack();
    await queue.close();
  });

  test('an entry edited non-stop is still delivered settleMaxMs after its first edit', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make(), { settleMs: 300, settleMaxMs: 800 });
    const firstAt = Date.now();
    let editing = true;
    const edits = (async () => {
      for (let rev = 1; editing; rev++) {
        await queue.enqueue(edit(rev));
        await sleep(100);
      }
    })();
    const [lease] = await queue.receive({ waitMs: 3000 });
    const waited = Date.now() - firstAt;
    editing = false;
    await edits;
    assert.ok(lease, 'delivered while the edits go on');
    assert.ok(waited >= 780 && waited < 1500, `delivered ${waited} ms after the first edit`);
    await lease.ack();
    await queue.close();
  });

  test('the settle time is in the journal: it holds after a reopen and a compaction, whatever the new settings', async () => {
    const dir = await dirs.make();
    let queue = await EmbeddedQueue.open(dir, { settleMs: 60_000, settleMaxMs: 120_000 });
    await queue.enqueue(edit(1));
    await queue.close();
    queue = await EmbeddedQueue.open(dir);
    assert.deepEqual(await queue.receive({ waitMs: 100 }), []);
    await queue.compact();
    await queue.close();
    queue = await EmbeddedQueue.open(dir);
    assert.deepEqual(await queue.receive({ waitMs: 100 }), []);
    assert.deepEqual(await queue.depth(), { waiting: 1, inFlight: 0, dead: 0 });
    await queue.close();
  });

  test('a settling job does not hold up a later job of its group, and the group still runs one job at a time', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make(), { settleMs: 300 });
    await queue.enqueue(edit(1));
    await queue.enqueue({ groupId: 'etr_1', dedupId: 'canvas', body: { canvas: true } });
    const [canvas, ...others] = await queue.receive({ max: 10, waitMs: 0 });
    assert.deepEqual([canvas?.body, others.length], [{ canvas: true }, 0], 'the canvas job goes first, at once');
    await sleep(400);
    assert.deepEqual(await queue.receive({ max: 10, waitMs: 0 }), [], 'the settled edit waits while the canvas job runs');
    await canvas!.ack();
    const [entry] = await queue.receive({ max: 10, waitMs: 1000 });
    assert.deepEqual(entry?.body, { rev: 1 });
    await entry!.ack();
    await queue.close();
  });

  test('an edit after the canvas job does not merge across it, and each settles on its own', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make(), { settleMs: 200 });
    const first = await queue.enqueue(edit(1));
    await queue.enqueue({ groupId: 'etr_1', dedupId: 'canvas', body: { canvas: true } });
    const second = await queue.enqueue(edit(2));
    assert.notEqual(second.jobId, first.jobId);
    const order: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const [lease] = await queue.receive({ waitMs: 2000 });
      order.push(lease?.body);
      await lease?.ack();
    }
    assert.deepEqual(order, [{ canvas: true }, { rev: 1 }, { rev: 2 }]);
    await queue.close();
  });

  test('settleMs must be a number ≥ 0 and settleMaxMs ≥ 1', async () => {
    await assert.rejects(EmbeddedQueue.open(await dirs.make(), { settleMs: -1 }), { code: 'queue_bad_option' });
    await assert.rejects(EmbeddedQueue.open(await dirs.make(), { settleMaxMs: 0 }), { code: 'queue_bad_option' });
  });
});
