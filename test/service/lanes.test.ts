import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeButtonId, tryEncodeButtonId, type ButtonAction } from '../../src/canvas/button-id.ts';
import type { Job } from '../../src/jobs/job.ts';
import type { NewJob } from '../../src/queue/queue.ts';
import { jobForMessage } from '../../src/service/jobs.ts';
import { laneOf, laneSink } from '../../src/service/lanes.ts';
import type { JobSink } from '../../src/service/webhook-core.ts';
import { buttonAction } from '../canvas/arbitraries.ts';
import { realId } from '../support/id-arbitraries.ts';

/** Which lane a webhook's job takes, and the group it waits in there. */

const NOW = new Date('2026-01-01T00:00:00Z');
const click = (canvasId: string, entryId: string, buttonId: string | undefined) =>
  jobForMessage('canvas', { type: 'v2.canvas.userInteracted', canvasId, resourceId: entryId, ...(buttonId === undefined ? {} : { buttonId }) }, 'wh_1', NOW);
const queued = (job: ReturnType<typeof jobForMessage>): NewJob<Job> => {
  assert.ok(!('invalid' in job), JSON.stringify(job));
  return job;
};

test('every click takes the interactive lane, grouped by its canvas, whatever its button (ours, the earlier app’s, unknown, none)', () => {
  fc.assert(
    fc.property(realId, realId, buttonAction, (canvasId, entryId, action) => {
      const buttonId = tryEncodeButtonId({ ...action, entryId } as ButtonAction);
      fc.pre(buttonId !== undefined);
      const job = queued(click(canvasId, entryId, buttonId));
      assert.equal(laneOf(job.body), 'interactive', action.action);
      assert.equal(job.groupId, canvasId);
    }),
    { numRuns: 300 },
  );
  for (const buttonId of ['update-package-etr_1', 'browse-files-etr_1-p0-s15', 'something-else', undefined]) {
    const job = queued(click('cnvs_1', 'etr_1', buttonId));
    assert.equal(laneOf(job.body), 'interactive', buttonId);
    assert.equal(job.groupId, 'cnvs_1');
  }
});

test('the packaging an Update click hands over takes the entry lane', () => {
  const job = queued(click('cnvs_1', 'etr_1', encodeButtonId({ action: 'update', entryId: 'etr_1' })));
  assert.ok(job.body.kind === 'canvas');
  assert.equal(laneOf({ ...job.body, step: 'package' }), 'entry');
});

test('entry events and the other canvas events take the entry lane, grouped by the entry', () => {
  const entry = queued(jobForMessage('entry', { type: 'v2.entry.updated.fields', resourceId: 'etr_1' }, 'wh_1', NOW));
  assert.equal(laneOf(entry.body), 'entry');
  for (const type of ['v2.canvas.created', 'v2.canvas.initialized', 'v2-beta.canvas.created']) {
    const job = queued(jobForMessage('canvas', { type, canvasId: 'cnvs_1', resourceId: 'etr_1' }, 'wh_1', NOW));
    assert.equal(laneOf(job.body), 'entry', type);
    assert.equal(job.groupId, 'etr_1');
  }
});

function recordingSink(ready: boolean): JobSink & { jobs: NewJob<Job>[] } {
  const jobs: NewJob<Job>[] = [];
  return {
    jobs,
    enqueue: async (job) => {
      jobs.push(job);
      return { jobId: String(jobs.length), duplicate: false, coalesced: false };
    },
    check: async () => (ready ? { ok: true } : { ok: false, reason: 'closed' }),
  };
}

test('the lane sink puts each job in its lane’s queue, and is ready only when both queues are', async () => {
  const entry = recordingSink(true);
  const interactive = recordingSink(false);
  const sink = laneSink({ entry, interactive });
  await sink.enqueue(queued(click('cnvs_1', 'etr_1', encodeButtonId({ action: 'back', entryId: 'etr_1' }))));
  await sink.enqueue(queued(click('cnvs_1', 'etr_1', encodeButtonId({ action: 'update', entryId: 'etr_1' }))));
  const update = queued(click('cnvs_1', 'etr_1', encodeButtonId({ action: 'update', entryId: 'etr_1' })));
  assert.ok(update.body.kind === 'canvas');
  await sink.enqueue({ ...update, groupId: 'etr_1', body: { ...update.body, step: 'package' } });
  await sink.enqueue(queued(jobForMessage('entry', { type: 'v2.entry.created', resourceId: 'etr_1' }, 'wh_2', NOW)));
  assert.deepEqual(interactive.jobs.map((j) => j.body.kind === 'canvas' && j.body.buttonId?.split('.')[1]), ['h', 'u']);
  assert.deepEqual(entry.jobs.map((j) => (j.body.kind === 'canvas' ? j.body.step : j.body.kind)), ['package', 'entry']);
  assert.deepEqual(await sink.check(), { ok: false, reason: 'interactive queue: closed' });
  assert.deepEqual(await laneSink({ entry, interactive: entry }).check(), { ok: true });
});
