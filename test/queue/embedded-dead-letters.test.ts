import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { tempDirs } from './temp-dirs.ts';

/**
 * An operator's handling of the embedded queue's dead letters (`jobs retry`, `jobs purge`):
 * journaled like every other change, so it holds across a restart and a compaction.
 */

const dirs = tempDirs();
after(() => dirs.removeAll());

/** A queue in a fresh dir whose one job of group g1 died on its first failure. */
async function oneDeadJob(): Promise<{ queue: EmbeddedQueue; dir: string; jobId: string }> {
  const dir = await dirs.make();
  const queue = await EmbeddedQueue.open(dir, { maxFailures: 1 });
  const { jobId } = await queue.enqueue({ groupId: 'g1', dedupId: 'wh_1', body: { n: 1 } });
  const [lease] = await queue.receive();
  await lease!.retry('export failed: 500');
  return { queue, dir, jobId };
}

test('a revived dead letter is delivered again with fresh counts, behind the jobs its group queued meanwhile', async () => {
  const before = Date.now();
  const world = await oneDeadJob();
  const { dir, jobId } = world;
  let { queue } = world;
  const [dead] = await queue.deadLetters();
  assert.ok(dead?.at !== undefined && dead.at >= before && dead.at <= Date.now(), 'the dead letter says when it died');
  const later = await queue.enqueue({ groupId: 'g1', dedupId: 'wh_2', body: { n: 2 } });
  assert.equal(await queue.reviveDeadLetter(jobId), true);
  assert.deepEqual(await queue.deadLetters(), []);
  await queue.close();
  queue = await EmbeddedQueue.open(dir, { maxFailures: 1 });
  assert.deepEqual(await queue.depth(), { waiting: 2, inFlight: 0, dead: 0 });
  const [first] = await queue.receive();
  assert.equal(first?.jobId, later.jobId);
  await first!.ack();
  const [again] = await queue.receive();
  assert.deepEqual([again?.jobId, again?.body, again?.receiveCount, again?.failures], [jobId, { n: 1 }, 1, 0]);
  await again!.ack();
  await queue.close();
});

test('a purged dead letter is gone, also after a reopen and a compaction', async () => {
  const world = await oneDeadJob();
  const { dir, jobId } = world;
  let { queue } = world;
  assert.equal(await queue.purgeDeadLetter(jobId), true);
  assert.equal(await queue.purgeDeadLetter(jobId), false, 'a second purge finds nothing');
  await queue.close();
  queue = await EmbeddedQueue.open(dir);
  assert.deepEqual(await queue.depth(), { waiting: 0, inFlight: 0, dead: 0 });
  await queue.compact();
  await queue.close();
  queue = await EmbeddedQueue.open(dir);
  assert.deepEqual(await queue.deadLetters(), []);
  await queue.close();
});

test('reviving or purging an id that is not a dead letter changes nothing', async () => {
  const { queue, jobId } = await oneDeadJob();
  const live = await queue.enqueue({ groupId: 'g2', dedupId: 'wh_live', body: {} });
  assert.equal(await queue.reviveDeadLetter(live.jobId), false);
  assert.equal(await queue.purgeDeadLetter(live.jobId), false);
  assert.equal(await queue.reviveDeadLetter('no-such-job'), false);
  assert.deepEqual(await queue.depth(), { waiting: 1, inFlight: 0, dead: 1 });
  assert.equal((await queue.deadLetters())[0]?.jobId, jobId);
  await queue.close();
});
