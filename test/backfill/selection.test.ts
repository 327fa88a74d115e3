import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { backfillJob } from '../../src/backfill/backfill-run.ts';
import { etaMs, progressLine } from '../../src/backfill/progress.ts';
import { EntryJobSchema } from '../../src/jobs/job.ts';
import { listQuery, parseSelection, selectionKey } from '../../src/backfill/selection.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { realId, refusedId } from '../support/id-arbitraries.ts';

const usage = (code: string) => (e: unknown) => e instanceof AppError && e.code === code && e.exitCode === 2;

test('--since takes a date or an RFC 3339 time, and refuses anything else with BACKFILL_SINCE_INVALID', () => {
  assert.equal(parseSelection({ since: '2024-01-01' }).since, '2024-01-01T00:00:00.000Z');
  assert.equal(parseSelection({ since: '2024-01-01T12:30:00+02:00' }).since, '2024-01-01T10:30:00.000Z');
  for (const bad of ['yesterday', '2024-13-01', '01/02/2024', '2024-01-01 12:00', '']) {
    assert.throws(() => parseSelection({ since: bad }), usage('BACKFILL_SINCE_INVALID'), bad);
  }
});

test('every id flag takes Benchling ids only (BACKFILL_ID_INVALID); --entry takes repeats and comma lists', () => {
  fc.assert(
    fc.property(realId, refusedId, fc.constantFrom('project', 'folder', 'schema', 'entry'), (good, bad, flag) => {
      // --entry splits on commas and trims: what is left of such a value is checked piece by piece.
      fc.pre(flag !== 'entry' || !/[,\s]/.test(bad));
      const value = flag === 'entry' ? [bad] : bad;
      assert.throws(() => parseSelection({ [flag]: value }), usage('BACKFILL_ID_INVALID'));
      const ok = parseSelection({ [flag]: flag === 'entry' ? [`${good},${good}`] : good });
      assert.ok(JSON.stringify(ok).includes(good));
    }),
    { seed: 5, numRuns: 200 },
  );
});

test('the list query starts at the later of --since and the checkpoint position, a millisecond early', () => {
  const selection = parseSelection({ since: '2024-01-01', schema: 'ts_Abc123' });
  assert.equal(listQuery(selection, undefined, 100).modifiedAt, '> 2024-01-01T00:00:00.000Z');
  assert.equal(listQuery(selection, '2024-02-01T00:00:00.000Z', 100).modifiedAt, '> 2024-01-31T23:59:59.999Z');
  assert.equal(listQuery(selection, '2023-02-01T00:00:00.000Z', 100).modifiedAt, '> 2024-01-01T00:00:00.000Z');
  assert.equal(listQuery(parseSelection({}), undefined, 100).modifiedAt, undefined);
  assert.equal(listQuery(selection, undefined, 100).schemaId, 'ts_Abc123');
  assert.equal(selectionKey(parseSelection({ entry: ['etr_B', 'etr_A'] })), selectionKey(parseSelection({ entry: ['etr_A,etr_B'] })));
});

test('the ETA is what is left at the pace so far, and unknown before anything is done', () => {
  const counts = { listed: 150, unchanged: 0, queued: 150, packaged: 30, failed: 0 };
  assert.equal(etaMs(counts, 60_000), 240_000);
  assert.equal(etaMs({ ...counts, packaged: 0 }, 60_000), undefined);
  assert.equal(etaMs({ ...counts, packaged: 150 }, 60_000), 0);
  assert.equal(progressLine(counts, 60_000, true), 'listed 150 · unchanged 0 · queued 150 · packaged 30 · failed 0 · ETA 4m00s');
  assert.equal(progressLine(counts, 60_000, false), 'listed 150 · unchanged 0 · queued 150');
});

test('a backfill job is a webhook job of the entry, deduplicated by its state; it coalesces only when the entry was just edited', () => {
  const now = '2024-06-01T12:00:00.000Z';
  const old = backfillJob({ id: 'etr_A1', modifiedAt: '2024-06-01T11:58:00.000Z' }, now);
  assert.deepEqual(old, {
    groupId: 'etr_A1',
    dedupId: 'backfill:etr_A1:2024-06-01T11:58:00.000Z',
    coalesce: false,
    body: { kind: 'entry', entryId: 'etr_A1', messageType: 'backfill', webhookId: 'backfill:etr_A1:2024-06-01T11:58:00.000Z', receivedAt: now },
  });
  assert.equal(backfillJob({ id: 'etr_A1', modifiedAt: '2024-06-01T11:59:30.000Z' }, now).coalesce, true);
  assert.equal(backfillJob({ id: 'etr_A1', modifiedAt: undefined }, now).coalesce, true);
  assert.ok(EntryJobSchema.safeParse(old.body).success);
});
