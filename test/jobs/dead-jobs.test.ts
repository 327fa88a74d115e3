import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatDeadJob, formatDeadJobList } from '../../src/jobs/dead-job-format.ts';
import { deadJob, deadJobSelection, DEAD_JOB_KINDS, type DeadJob, type DeadLetterFacts } from '../../src/jobs/dead-jobs.ts';
import { parseJob } from '../../src/jobs/job.ts';

/** How `jobs` shows a dead letter and which ones a command acts on: pure, over any body a queue may hold. */

const entryId = fc.stringMatching(/^etr_[A-Za-z0-9]{1,8}$/);
const jobBody = fc.oneof(
  fc.record({ kind: fc.constant('entry'), entryId, messageType: fc.constant('v2.entry.created'), webhookId: fc.uuid(), receivedAt: fc.constant('2026-12-05T08:00:00Z') }),
  fc.record(
    { kind: fc.constant('canvas'), resourceId: entryId, canvasId: fc.constant('cnvs_1'), messageType: fc.constant('v2.canvas.created'), webhookId: fc.uuid(), receivedAt: fc.constant('2026-12-05T08:00:00Z') },
    { requiredKeys: ['kind', 'messageType', 'webhookId', 'receivedAt'] },
  ),
  fc.dictionary(fc.string(), fc.jsonValue()),
);
const letter: fc.Arbitrary<DeadLetterFacts> = fc.record({
  jobId: fc.uuid(),
  groupId: fc.string({ minLength: 1 }),
  body: jobBody,
  receiveCount: fc.integer({ min: 1, max: 20 }),
  reason: fc.string(),
  at: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: undefined }),
});

test('every dead letter is shown: unreadable exactly when its body is not a job, with the reason; else its kind and entry', () => {
  fc.assert(
    fc.property(letter, (facts) => {
      const job = deadJob(facts);
      const parsed = parseJob(facts.body);
      assert.equal(job.kind === 'unreadable', !parsed.ok);
      if (!parsed.ok) assert.deepEqual([job.unreadable, job.entry], [parsed.reason, null]);
      else assert.equal(job.entry, parsed.body.kind === 'entry' ? parsed.body.entryId : (parsed.body.resourceId ?? null));
      assert.deepEqual([job.id, job.receiveCount, job.lastError, job.at], [facts.jobId, facts.receiveCount, facts.reason, facts.at === undefined ? null : new Date(facts.at).toISOString()]);
      assert.ok(formatDeadJob(job).includes(job.id));
      assert.ok(formatDeadJobList([job], 'q').split('\n')[1]!.startsWith(job.id));
    }),
    { seed: 14, numRuns: 300 },
  );
});

test('--all with --kind and --entry selects exactly the jobs matching both; an id selects that job alone', () => {
  fc.assert(
    fc.property(fc.array(letter, { maxLength: 8 }), fc.option(fc.constantFrom(...DEAD_JOB_KINDS), { nil: undefined }), fc.option(entryId, { nil: undefined }), (letters, kind, entry) => {
      const jobs = letters.map(deadJob);
      const all = jobs.filter(deadJobSelection({ all: true, kind, entry }, 'jobs retry'));
      assert.deepEqual(all, jobs.filter((job: DeadJob) => (kind === undefined || job.kind === kind) && (entry === undefined || job.entry === entry)));
      for (const job of jobs) assert.ok(jobs.filter(deadJobSelection({ id: job.id }, 'jobs retry')).every((chosen) => chosen.id === job.id));
    }),
    { seed: 15, numRuns: 200 },
  );
});

test('a list with nothing in it says so, and where it looked', () => {
  assert.equal(formatDeadJobList([], 'the embedded queue at /q'), 'no dead jobs in the embedded queue at /q');
});
