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

test('a navigation click takes the interactive lane, grouped by its canvas; an Update click takes the entry lane, grouped by its entry', () => {
  fc.assert(
    fc.property(realId, realId, buttonAction, (canvasId, entryId, action) => {
      const buttonId = tryEncodeButtonId({ ...action, entryId } as ButtonAction);
      fc.pre(buttonId !== undefined);
      const job = queued(click(canvasId, entryId, buttonId));
      const update = action.action === 'update';
      assert.equal(laneOf(job.body), update ? 'entry' : 'interactive', action.action);
      assert.equal(job.groupId, update ? entryId : canvasId);
    }),
    { numRuns: 300 },
  );
});

test('the earlier app’s Update button takes the entry lane, its other buttons the interactive lane', () => {
  assert.equal(laneOf(queued(click('cnvs_1', 'etr_1', 'update-package-etr_1')).body), 'entry');
  assert.equal(laneOf(queued(click('cnvs_1', 'etr_1', 'browse-files-etr_1-p0-s15')).body), 'interactive');
  assert.equal(laneOf(queued(click('cnvs_1', 'etr_1', 'back-to-package-etr_1')).body), 'interactive');
});

test('an unknown button is answered in the interactive lane (it shows "not recognised" and never exports)', () => {
  assert.equal(laneOf(queued(click('cnvs_1', 'etr_1', 'something-else')).body), 'interactive');
  assert.equal(laneOf(queued(click('cnvs_1', 'etr_1', undefined)).body), 'interactive');
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
  assert.deepEqual(interactive.jobs.map((j) => j.body.kind === 'canvas' && j.body.buttonId?.split('.')[1]), ['h']);
  assert.deepEqual(entry.jobs.map((j) => j.body.kind === 'canvas' && j.body.buttonId?.split('.')[1]), ['u']);
  assert.deepEqual(await sink.check(), { ok: false, reason: 'interactive queue: closed' });
  assert.deepEqual(await laneSink({ entry, interactive: entry }).check(), { ok: true });
});
