import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jobForMessage } from '../../src/service/jobs.ts';
import { realId, refusedId } from '../support/id-arbitraries.ts';

/**
 * Button ids the earlier app drew name their entry as plain text, so the service checks that
 * entry id before queueing, as it does for ids of ours: only a Benchling id goes on.
 */

const NOW = new Date('2026-01-01T00:00:00Z');
const click = (buttonId: string) => jobForMessage('canvas', { type: 'v2.canvas.userInteracted', canvasId: 'cnvs_1', resourceId: 'etr_1', buttonId }, 'wh_1', NOW);
const earlierIds = (entryId: string) => [
  `update-package-${entryId}`,
  `back-to-package-${entryId}`,
  `browse-files-${entryId}-p0-s15`,
  `next-page-${entryId}-p1-s15`,
  `view-metadata-${entryId}-p0-s15`,
  `browse-linked-${entryId}-pkg-lab--x-p0-s15`,
];

test('an earlier-format button naming a Benchling id is queued as a canvas job', () => {
  fc.assert(
    fc.property(realId.filter((id) => !id.includes('-pkg-')), (entryId) => {
      for (const buttonId of earlierIds(entryId)) {
        const job = click(buttonId);
        assert.ok(!('invalid' in job), buttonId);
        assert.equal(job.body.kind === 'canvas' && job.body.buttonId, buttonId);
      }
    }),
    { numRuns: 300 },
  );
});

test('an earlier-format button whose entry is not a Benchling id is refused, naming the rule', () => {
  fc.assert(
    fc.property(refusedId.filter((id) => id !== ''), (entryId) => {
      for (const buttonId of earlierIds(entryId)) {
        const job = click(buttonId);
        assert.ok('invalid' in job, buttonId);
        assert.match(job.invalid, /buttonId whose entry is not a Benchling id/);
      }
    }),
    { numRuns: 300 },
  );
});

test('a button id that is neither ours nor the earlier app’s is left to the worker (it shows "not recognised")', () => {
  for (const buttonId of ['launch', 'update-package-', 'browse-files-', 'q9.x']) assert.ok(!('invalid' in click(buttonId)), buttonId);
});
