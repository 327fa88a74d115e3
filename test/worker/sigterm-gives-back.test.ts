import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { JOB_RECEIVE_LIMIT } from '../../src/config/dead-letter-limits.ts';
import type { Job } from '../../src/jobs/job.ts';
import { SqsQueue } from '../../src/queue/sqs-queue.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { eventually } from '../support/registry-audit.ts';
import { ServeProcess } from '../support/serve-process.ts';

/**
 * The `worker` process as ECS stops it: SIGTERM while it is in the middle of an export. The
 * job it held goes back to the SQS queue at once (ChangeMessageVisibility 0), so the next
 * worker gets it within seconds rather than when the 30 s lease would have lapsed.
 */

const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));
const LEASE_S = 30;

class WorkerProcess extends ServeProcess {
  override async start(timeoutMs = 15_000): Promise<this> {
    this.launch([BIN, 'worker'], 'ignore');
    await this.waitFor(/^worker running$/m, timeoutMs);
    return this;
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }
}

const made: string[] = [];
let sandbox: SandboxTenant;
let emulator: QueueEmulator;
let exportStarted = false;
before(async () => {
  // The export stays RUNNING far longer than the test: the SIGTERM lands mid-job.
  sandbox = await new SandboxTenant({
    rateLimit: false,
    exportTiming: { polls: 0, ms: 120_000 },
    onRequest: (request) => {
      if (request.route === 'POST /api/v2/exports') exportStarted = true;
    },
  }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  emulator = await QueueEmulator.start();
});
after(async () => {
  await emulator.stop();
  await sandbox.stop();
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-sigterm-'));
  made.push(dir);
  return dir;
}

test('SIGTERM mid-job: the worker gives the job back to SQS at once, and the next receive gets it', async (t) => {
  const { queueUrl, deadLetterQueueUrl } = await emulator.fifoPair({ maxReceiveCount: JOB_RECEIVE_LIMIT, visibilityTimeoutS: LEASE_S });
  const entry = sandbox.addEntry({ attachments: { 'data/run.csv': 'a,1\n' } });
  const queue = new SqsQueue({ client: emulator.client, queueUrl, deadLetterQueueUrl });
  const job: Job = { kind: 'entry', entryId: entry.id, messageType: 'v2.entry.created', webhookId: 'wh_sigterm', receivedAt: new Date().toISOString() };
  const { jobId } = await queue.enqueue({ groupId: entry.id, dedupId: job.webhookId, body: job });
  const worker = new WorkerProcess({
    ...sandbox.serviceEnv(),
    AWS_ENDPOINT_URL_SQS: process.env.AWS_ENDPOINT_URL_SQS!,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    QUEUE: queueUrl,
    REGISTRY: await tempDir(),
    XDG_CONFIG_HOME: await tempDir(),
    XDG_DATA_HOME: await tempDir(),
    TMPDIR: await tempDir(),
    ENTRY_SETTLE: '0s/30s',
    LOG_LEVEL: 'info',
  });
  try {
    await worker.start();
    await eventually(() => exportStarted, 'the worker in the middle of the export', 15_000);
    const signalledAt = Date.now();
    worker.signal('SIGTERM');
    const handBack = await worker.message('worker stopping: job handed back to run again at once', 10_000);
    let leases: Awaited<ReturnType<SqsQueue['receive']>> = [];
    await eventually(async () => (leases = await queue.receive({ waitMs: 1000 })).length > 0, 'the job back in the queue', (LEASE_S / 2) * 1000);
    const backAfterMs = Date.now() - signalledAt;
    t.diagnostic(`worker logged ${JSON.stringify({ msg: handBack.msg, job: handBack.job })}; received again ${backAfterMs} ms after SIGTERM (lease ${LEASE_S} s), receive ${leases[0]!.receiveCount}`);
    // Not taken again by the worker's other slot on its way out, which would spend a delivery.
    assert.equal(worker.messages('worker stopping: job handed back to run again at once').length, 1);
    assert.equal(handBack.job, jobId);
    assert.equal(leases[0]!.jobId, jobId);
    assert.equal(leases[0]!.receiveCount, 2, 'the worker had it once; this is the next delivery');
    assert.ok(backAfterMs < 10_000, `back ${backAfterMs} ms after SIGTERM, well within the ${LEASE_S} s lease`);
    await leases[0]!.ack();
  } finally {
    await worker.kill('SIGKILL');
  }
});
