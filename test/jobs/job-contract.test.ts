import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { parseJob, type CanvasJob, type EntryJob, type Job } from '../../src/jobs/job.ts';
import { createLogger } from '../../src/log/logger.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { jobForMessage } from '../../src/service/jobs.ts';
import { dispatchJobs } from '../../src/worker/job-dispatch.ts';
import { jobQueue } from '../../src/worker/job-queue.ts';
import { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { tempDirs } from '../queue/temp-dirs.ts';
import { eventually } from '../support/registry-audit.ts';

/**
 * One typed job contract from webhook to worker: what the service queues is what the worker's
 * schema reads; the worker parses each job as it takes it and hands it to the handler of its
 * kind; a body that is not a job is dead-lettered once, with the schema's reason, and never
 * reaches a handler.
 */

const dirs = tempDirs();
after(() => dirs.removeAll());

const NOW = new Date('2026-12-05T08:00:00Z');
const entryMessage = (resourceId: string) => ({ type: 'v2.entry.created', resourceId });
const canvasMessage = { type: 'v2.canvas.userInteracted', canvasId: 'cnvs_1', resourceId: 'etr_abc', buttonId: 'x', userId: 'ent_u' };

test('every job the service builds from a webhook is one the worker reads back, through JSON, unchanged', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^etr_[A-Za-z0-9]{1,12}$/), fc.uuid(), (entryId, webhookId) => {
      for (const [category, message] of [['entry', entryMessage(entryId)], ['canvas', { ...canvasMessage, resourceId: entryId }]] as const) {
        const job = jobForMessage(category, message, webhookId, NOW, 'app_1');
        assert.ok(!('invalid' in job));
        const read = parseJob(JSON.parse(JSON.stringify(job.body)));
        assert.deepEqual(read, { ok: true, body: job.body });
      }
    }),
    { seed: 5, numRuns: 200 },
  );
});

test('a body that is not a job is refused with the path of what is wrong, whatever it holds', () => {
  const notAJob = fc.oneof(
    fc.dictionary(fc.string(), fc.jsonValue()).filter((body) => body.kind !== 'entry' && body.kind !== 'canvas'),
    fc.record({ kind: fc.constant('entry'), entryId: fc.oneof(fc.constant(''), fc.integer(), fc.constant(null)) }),
    fc.record({ kind: fc.constant('canvas'), messageType: fc.integer() }),
  );
  fc.assert(
    fc.property(notAJob, (body) => {
      const read = parseJob(body);
      assert.equal(read.ok, false);
      if (!read.ok) assert.match(read.reason, /^(kind|entryId|messageType|webhookId|receivedAt)\b/);
    }),
    { seed: 7, numRuns: 300 },
  );
});

test('the worker hands each job to the handler of its kind, and dead-letters a misfit once without running it', async () => {
  const queue = await EmbeddedQueue.open(await dirs.make(), {});
  const lines: string[] = [];
  const log = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) }, redactor: new SecretRedactor() });
  const seen: { entry: EntryJob[]; canvas: CanvasJob[] } = { entry: [], canvas: [] };
  const worker = new WorkerLoop<Job>({
    queue: jobQueue(queue, log),
    log,
    receiveWaitMs: 20,
    handle: dispatchJobs({
      entry: async (job) => void seen.entry.push(job),
      canvas: async (job) => void seen.canvas.push(job),
    }),
  });
  const entry = jobForMessage('entry', entryMessage('etr_one'), 'wh_1', NOW);
  const canvas = jobForMessage('canvas', canvasMessage, 'wh_2', NOW, 'app_1');
  assert.ok(!('invalid' in entry) && !('invalid' in canvas));
  await queue.enqueue({ groupId: 'etr_bad', dedupId: 'wh_0', body: { kind: 'entry', messageType: 'v2.entry.created' } });
  await queue.enqueue(entry);
  await queue.enqueue(canvas);
  worker.start();
  try {
    await eventually(() => seen.entry.length + seen.canvas.length === 2, 'both good jobs handled', 5000);
  } finally {
    await worker.stop();
  }
  assert.deepEqual(seen, { entry: [entry.body], canvas: [canvas.body] });
  const dead = await queue.deadLetters();
  assert.equal(dead.length, 1);
  assert.equal(dead[0]!.receiveCount, 1, 'a misfit is not retried');
  assert.match(dead[0]!.reason, /^job_schema: entryId: .*; webhookId: .*; receivedAt: /);
  assert.equal(lines.filter((line) => line.includes('not a job this worker knows')).length, 1);
  await queue.close();
});
