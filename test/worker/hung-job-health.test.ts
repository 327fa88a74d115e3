import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HEARTBEAT_CHECK_SCRIPT, HEARTBEAT_FILE_NAME } from '../../src/config/worker-health-check.ts';
import { jobSubject, type Job } from '../../src/jobs/job.ts';
import { createLogger } from '../../src/log/logger.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { startHeartbeat } from '../../src/worker/heartbeat.ts';
import { jobQueue } from '../../src/worker/job-queue.ts';
import { WorkerLanes } from '../../src/worker/worker-lanes.ts';
import { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { tempDirs } from '../queue/temp-dirs.ts';
import { eventually } from '../support/registry-audit.ts';

/**
 * A handler whose call never returns is abandoned at JOB_DEADLINE and its job retried (the
 * retry succeeds); the abandoned call still holds whatever it holds, so the worker container's
 * health check (the command the stack's task definition runs) fails, naming the job, until the
 * call returns. Wired as `worker` wires it: the lanes, the job schema, the heartbeat.
 */

const dirs = tempDirs();
after(() => dirs.removeAll());

/** The container's health check, run as ECS runs it, with this directory as its /tmp. */
function check(dir: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['-e', HEARTBEAT_CHECK_SCRIPT], { env: { PATH: process.env.PATH, TMPDIR: dir }, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

test('a hung handler: the job is retried at its deadline, and the health check fails naming it until the call returns', async (t) => {
  const queueDir = await dirs.make();
  const tmp = await dirs.make();
  const queue = await EmbeddedQueue.open(queueDir, { visibilityTimeoutMs: 2000 });
  const log = createLogger({ level: 'info', destination: { write: () => undefined }, redactor: new SecretRedactor() });
  let unhang!: () => void;
  const hanging = new Promise<void>((resolve) => (unhang = resolve));
  const deliveries: { receive: number; failures: number; outcome: string }[] = [];
  const lanes = new WorkerLanes([
    new WorkerLoop<Job>({
      queue: jobQueue(queue, log),
      log,
      receiveWaitMs: 50,
      retryBaseMs: 0,
      jobDeadlineMs: 300,
      describe: jobSubject,
      handle: async (_job, lease) => {
        const first = lease.receiveCount === 1;
        deliveries.push({ receive: lease.receiveCount, failures: lease.failures, outcome: first ? 'hangs' : 'done' });
        if (first) await hanging;
      },
    }),
  ]);
  lanes.start();
  const heartbeat = await startHeartbeat({ path: join(tmp, HEARTBEAT_FILE_NAME), everyMs: 20, alive: () => lanes.isHealthy, hung: () => lanes.hungJobs });
  const job: Job = { kind: 'entry', entryId: 'etr_hung', messageType: 'v2.entry.created', webhookId: 'wh_hung', receivedAt: new Date().toISOString() };
  try {
    assert.deepEqual(check(tmp), { status: 0, output: '' }, 'healthy before any job');
    const { jobId } = await queue.enqueue({ groupId: job.entryId, dedupId: job.webhookId, body: job });
    await eventually(async () => deliveries.length === 2 && (await queue.depth()).waiting + (await queue.depth()).inFlight === 0, 'the retry done', 10_000);
    assert.deepEqual(deliveries, [
      { receive: 1, failures: 0, outcome: 'hangs' },
      { receive: 2, failures: 1, outcome: 'done' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const unhealthy = check(tmp);
    t.diagnostic(`health check while the abandoned call is pending: exit ${unhealthy.status}: ${unhealthy.output}`);
    assert.equal(unhealthy.status, 1);
    assert.match(unhealthy.output, new RegExp(`^worker unhealthy: job ${jobId} \\(kind entry, entry etr_hung\\) hung for [1-9]\\d* s: abandoned at JOB_DEADLINE, its call still pending$`));
    assert.ok(lanes.isRunning, 'the worker itself goes on taking jobs meanwhile');

    unhang();
    await eventually(() => check(tmp).status === 0, 'the health check passing again', 5000);
    t.diagnostic(`health check once the call returned: exit ${check(tmp).status}`);
    assert.deepEqual(lanes.hungJobs, []);
  } finally {
    unhang();
    await heartbeat.stop();
    await lanes.stop();
    await queue.close();
  }
});
