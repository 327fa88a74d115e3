import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BenchlingError, BenchlingErrorCode } from '../../src/benchling/api-errors.ts';
import { ExportRefusalReason } from '../../src/benchling/export-refusals.ts';
import { errorView } from '../../src/canvas/error-view.ts';
import { Refusal } from '../../src/errors/refusal.ts';
import { problemOf } from '../../src/worker/canvas-problem.ts';
import { PACKAGE_OWNED_BY_OTHER_ENTRY } from '../../src/worker/package-owner.ts';

const markdownOf = (view: ReturnType<typeof errorView>) => view.blocks.map((b) => ('value' in b ? String(b.value) : '')).join('\n');

test('every refusal reason has its own canvas problem, which shows the reason and none of the message', () => {
  const reasons = [...Object.values(ExportRefusalReason), PACKAGE_OWNED_BY_OTHER_ENTRY];
  const problems = new Set<string>();
  for (const reason of reasons) {
    const problem = problemOf(new Refusal(reason, `secret detail /tmp/bw-job-1/etr_1.zip for ${reason}`));
    assert.notEqual(problem, 'internal', reason);
    problems.add(problem);
    const markdown = markdownOf(errorView({ entryId: 'etr_1', problem, reference: 'job_1' }));
    assert.ok(markdown.includes(`*Reason: \`${reason}\`*`), markdown);
    assert.ok(!markdown.includes('secret detail') && !markdown.includes('/tmp'), markdown);
  }
  assert.equal(problems.size, reasons.length);
  // A reason the canvas has no words for is no free text either.
  assert.equal(problemOf(new Refusal('unheard_of', 'x')), 'internal');
});

test("a Benchling answer the app cannot use is its own problem, not 'Benchling could not be reached'", () => {
  const unusable = new BenchlingError(BenchlingErrorCode.BAD_RESPONSE, "Benchling's answer to GET /api/v2/entries/etr_1 describes \"etr_2\", not etr_1", false);
  assert.equal(problemOf(unusable), 'benchling-answer-unusable');
  const markdown = markdownOf(errorView({ entryId: 'etr_1', problem: problemOf(unusable) }));
  assert.ok(markdown.includes("Benchling's answer could not be used") && markdown.includes('`BENCHLING_BAD_RESPONSE`'), markdown);
  assert.ok(!markdown.includes('etr_2'), 'none of the message');
  assert.equal(problemOf(new BenchlingError(BenchlingErrorCode.UNAVAILABLE, 'HTTP 503', true)), 'benchling-unavailable');
});
