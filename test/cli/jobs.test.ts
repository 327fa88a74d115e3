import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { RateLimiter } from '../../src/benchling/rate-limiter.ts';
import type { Job } from '../../src/jobs/job.ts';
import type { DeadJob } from '../../src/jobs/dead-jobs.ts';
import { createLogger } from '../../src/log/logger.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import type { Queue } from '../../src/queue/queue.ts';
import { SqsQueue } from '../../src/queue/sqs-queue.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { resolveSecret } from '../../src/secret/resolve.ts';
import { SecretState } from '../../src/secret/secret-state.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { jobQueue } from '../../src/worker/job-queue.ts';
import { createPackagingHandler } from '../../src/worker/packaging-handler.ts';
import { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { commandEnv, mockDeployedStack } from '../operate/deployed-stack.ts';
import { runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { QUICK_EXPORT_POLLS } from '../support/quick-export-polls.ts';
import { eventually } from '../support/registry-audit.ts';

/**
 * `jobs` against both queues it handles: the local embedded queue (where `serve`/`worker`
 * keep it under XDG_DATA_HOME), and with --profile the stack's SQS dead-letter queue on
 * fauxqs, found through the stack's outputs (CloudFormation mocked in-process, as for
 * `status`). A retried job is then taken by a real packaging worker against the sandbox
 * tenant, and packaged.
 */

let sandbox: SandboxTenant;
let emulator: QueueEmulator;
let secret: SecretState;
const made: string[] = [];
const saved = { ...process.env };

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  emulator = await QueueEmulator.start();
  const log = quietLog();
  const benchlingSecrets = sandbox.serviceEnv().BENCHLING_SECRETS;
  secret = await SecretState.open(
    () => resolveSecret({ flags: { benchlingSecrets }, env: {} }, { readFile: async () => '', secretStore: () => assert.fail('no AWS secret here') }),
    log,
  );
});
after(async () => {
  secret.stop();
  await emulator.stop();
  await sandbox.stop();
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
  process.env = saved;
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-jobs-'));
  made.push(dir);
  return dir;
}

function quietLog() {
  return createLogger({ level: 'info', destination: { write: () => undefined }, redactor: new SecretRedactor() });
}

function entryJob(entryId: string, webhookId: string): Job {
  return { kind: 'entry', entryId, messageType: 'v2.entry.created', webhookId, receivedAt: new Date().toISOString() };
}

function canvasJob(entryId: string, webhookId: string): Job {
  return { kind: 'canvas', resourceId: entryId, canvasId: 'cnvs_dead1', messageType: 'v2.canvas.userInteracted', webhookId, receivedAt: new Date().toISOString() };
}

/**
 * Dead letters the way the worker makes them: an entry job that failed its last try, a canvas
 * job that failed its last try, and a body that is no job at all, dead-lettered as such.
 */
async function killThree(queue: Queue, entryId: string): Promise<void> {
  await queue.enqueue({ groupId: entryId, dedupId: `wh-entry-${entryId}`, body: entryJob(entryId, `wh-entry-${entryId}`) });
  await queue.enqueue({ groupId: 'cnvs_dead1', dedupId: `wh-canvas-${entryId}`, body: canvasJob(entryId, `wh-canvas-${entryId}`) });
  await queue.enqueue({ groupId: 'odd', dedupId: `wh-odd-${entryId}`, body: { kind: 'unheard-of', n: 1 } });
  for (let left = 3; left > 0; ) {
    for (const lease of await queue.receive({ max: 3, waitMs: 1000 })) {
      left--;
      if (lease.body.kind === 'unheard-of') await lease.deadLetter('job_schema: kind: not a job kind');
      else await lease.retry(lease.body.kind === 'entry' ? 'export failed: Benchling answered 500' : 'canvas update failed: Benchling answered 503');
    }
  }
}

/** A real packaging worker on `queue`, writing to a local registry, until stop(). */
async function packagingWorker(queue: Queue, registry: string): Promise<WorkerLoop<Job>> {
  const log = quietLog();
  const handle = await createPackagingHandler({
    secret,
    store: await openObjectStore(registry),
    rateLimiter: new RateLimiter({ limit: 10_000, windowMs: 1000 }),
    log,
    registry,
    prefix: 'benchling',
    packager: 'direct',
    apiUrl: sandbox.url,
    appId: sandbox.appId,
    taskWait: QUICK_EXPORT_POLLS,
  });
  const worker = new WorkerLoop({ queue: jobQueue(queue, log), handle, log, retryBaseMs: 100, retryMaxMs: 200, receiveWaitMs: 20 });
  worker.start();
  return worker;
}

/** The retried entry job runs and succeeds: its package appears and the job queue empties. */
async function runsAndSucceeds(queue: Queue, entryId: string): Promise<void> {
  const registry = await tempDir();
  const store = await openObjectStore(registry);
  const worker = await packagingWorker(queue, registry);
  try {
    const entry = sandbox.entry(entryId)!;
    await eventually(async () => (await readLatest(store, `benchling/${entry.displayId}`)) !== undefined, 'the retried entry packaged', 20_000);
    await eventually(async () => {
      const depth = await queue.depth();
      return depth.waiting + depth.inFlight === 0;
    }, 'the job queue empty', 10_000);
  } finally {
    await worker.stop();
  }
}

function listed(stdout: string): DeadJob[] {
  return (JSON.parse(stdout) as { jobs: DeadJob[] }).jobs;
}

describe('jobs on the local embedded queue', () => {
  test('list, show, retry (the job then runs and succeeds), purge', async (t) => {
    const data = await tempDir();
    const env = { XDG_DATA_HOME: data, XDG_CONFIG_HOME: await tempDir() };
    const dir = join(data, 'benchling-webhook', 'queue');
    const entry = sandbox.addEntry();
    let queue = await EmbeddedQueue.open(dir, { maxFailures: 1 });
    await killThree(queue, entry.id);
    await queue.close();

    const list = await runCli(['jobs', 'list'], env);
    t.diagnostic(list.stdout);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^\\S+ +entry +${entry.id} +1 +20\\d\\d-\\S+Z +export failed: Benchling answered 500$`, 'm'));
    assert.match(list.stdout, new RegExp(`^\\S+ +canvas +${entry.id} +1 +\\S+ +canvas update failed`, 'm'));
    assert.match(list.stdout, /^\S+ +unreadable +- +1 +\S+ +unreadable: kind: /m);
    assert.match(list.stdout, new RegExp(`^3 dead job\\(s\\) in the embedded queue at ${dir}$`, 'm'));

    const json = listed((await runCli(['jobs', 'list', '--json'], env)).stdout);
    assert.deepEqual(json.map((job) => [job.kind, job.entry, job.receiveCount]).sort(), [['canvas', entry.id, 1], ['entry', entry.id, 1], ['unreadable', null, 1]]);
    const [entryDead, canvasDead, oddDead] = ['entry', 'canvas', 'unreadable'].map((kind) => json.find((job) => job.kind === kind)!);
    const onlyEntry = listed((await runCli(['jobs', 'list', '--json', '--kind', 'entry'], env)).stdout);
    assert.deepEqual(onlyEntry.map((job) => job.id), [entryDead!.id]);

    const show = await runCli(['jobs', 'show', oddDead!.id], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^kind +unreadable$/m);
    assert.match(show.stdout, /^unreadable +kind: /m);
    assert.match(show.stdout, /^last error +job_schema: kind: not a job kind$/m);
    assert.match(show.stdout, /"kind": "unheard-of"/);

    // Purge asks first: with no terminal and no --yes nothing is deleted.
    const refused = await runCli(['jobs', 'purge', oddDead!.id], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /CONFIRMATION_REQUIRED/);
    assert.equal(listed((await runCli(['jobs', 'list', '--json'], env)).stdout).length, 3);
    const purge = await runCli(['jobs', 'purge', '--all', '--kind', 'unreadable', '--yes', '--json'], env);
    assert.equal(purge.code, 0, purge.stderr);
    assert.deepEqual((JSON.parse(purge.stdout) as { purged: string[] }).purged, [oddDead!.id]);

    const retry = await runCli(['jobs', 'retry', entryDead!.id], env);
    assert.equal(retry.code, 0, retry.stderr);
    assert.match(retry.stdout, /sent 1 job\(s\) back to the queue/);
    assert.deepEqual(listed((await runCli(['jobs', 'list', '--json'], env)).stdout).map((job) => job.id), [canvasDead!.id]);

    queue = await EmbeddedQueue.open(dir);
    try {
      await runsAndSucceeds(queue, entry.id);
      assert.deepEqual(await queue.depth(), { waiting: 0, inFlight: 0, dead: 1 });
    } finally {
      await queue.close();
    }
  });

  test('bad selections are usage errors (exit 2), an unknown id a failed check (exit 1), and nothing changes', async () => {
    const data = await tempDir();
    const env = { XDG_DATA_HOME: data, XDG_CONFIG_HOME: await tempDir() };
    const queue = await EmbeddedQueue.open(join(data, 'benchling-webhook', 'queue'), { maxFailures: 1 });
    await killThree(queue, sandbox.addEntry().id);
    await queue.close();
    for (const [argv, code] of [
      [['jobs', 'retry'], /JOB_SELECTION_INVALID.*give its id/],
      [['jobs', 'retry', 'some-id', '--all'], /JOB_SELECTION_INVALID.*not both/],
      [['jobs', 'purge', 'some-id', '--kind', 'entry'], /JOB_SELECTION_INVALID.*narrow --all/],
      [['jobs', 'retry', '--all', '--kind', 'nonsense'], /JOB_KIND_INVALID.*entry, canvas, unreadable/],
      [['jobs', 'list', '--kind', 'nonsense'], /JOB_KIND_INVALID/],
    ] as const) {
      const run = await runCli([...argv], env);
      assert.equal(run.code, 2, `${argv.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, code);
    }
    for (const verb of ['show', 'retry', 'purge']) {
      const run = await runCli(['jobs', verb, 'no-such-job', '--yes', '--json'].filter((a) => verb === 'purge' || a !== '--yes'), env);
      assert.equal(run.code, 1, `${verb}: ${run.stderr}`);
      assert.equal((JSON.parse(run.stdout) as { error: { code: string } }).error.code, 'JOB_NOT_FOUND');
    }
    assert.equal(listed((await runCli(['jobs', 'list', '--json'], env)).stdout).length, 3);
  });

  test('where no serve/worker ever ran there are no dead jobs, and looking creates no queue', async () => {
    const data = await tempDir();
    const run = await runCli(['jobs', 'list'], { XDG_DATA_HOME: data, XDG_CONFIG_HOME: data });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^no dead jobs in the embedded queue at /m);
    assert.equal(existsSync(join(data, 'benchling-webhook')), false);
  });

  test('while a serve/worker holds the queue, jobs says to stop it first', async () => {
    const data = await tempDir();
    const queue = await EmbeddedQueue.open(join(data, 'benchling-webhook', 'queue'));
    try {
      const run = await runCli(['jobs', 'list'], { XDG_DATA_HOME: data, XDG_CONFIG_HOME: data });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /queue_locked.*stop that serve\/worker, then run this command again/);
    } finally {
      await queue.close();
    }
  });
});

describe("jobs on the stack's SQS dead-letter queue (--profile)", () => {
  const mocks: { restore(): void }[] = [];
  afterEach(() => {
    for (const mock of mocks.splice(0)) mock.restore();
  });

  test('list, show, retry (the job then runs and succeeds in its group), purge', async (t) => {
    const urls = await emulator.fifoPair({ maxReceiveCount: 10 });
    mocks.push(mockDeployedStack(urls));
    const env = await commandEnv(process.env.AWS_ENDPOINT_URL_SQS!);
    const queue = new SqsQueue({ client: emulator.client, queueUrl: urls.queueUrl, maxFailures: 1 });
    const entry = sandbox.addEntry();
    await killThree(queue, entry.id);

    const list = await runCli(['jobs', 'list', '--profile', 'default'], env);
    t.diagnostic(list.stdout);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^\\S+ +entry +${entry.id} +1 +20\\d\\d-\\S+Z +failed 1 times; last reason: export failed: Benchling answered 500$`, 'm'));
    assert.match(list.stdout, new RegExp(`^3 dead job\\(s\\) in the dead-letter queue ${urls.deadLetterQueueUrl.replace(/[.]/g, '\\.')}$`, 'm'));
    const json = listed((await runCli(['jobs', 'list', '--profile', 'default', '--json'], env)).stdout);
    const [entryDead, canvasDead, oddDead] = ['entry', 'canvas', 'unreadable'].map((kind) => json.find((job) => job.kind === kind)!);
    assert.ok(entryDead && canvasDead && oddDead, JSON.stringify(json));
    // Listing reads without consuming: they are all still there.
    assert.equal((await queue.depth()).waiting, 0);

    const show = await runCli(['jobs', 'show', canvasDead.id, '--profile', 'default', '--json'], env);
    assert.equal(show.code, 0, show.stderr);
    const shown = (JSON.parse(show.stdout) as { job: DeadJob }).job;
    assert.deepEqual([shown.kind, shown.entry, shown.group, shown.body.canvasId], ['canvas', entry.id, 'cnvs_dead1', 'cnvs_dead1']);
    assert.match(shown.lastError, /canvas update failed: Benchling answered 503/);

    const refused = await runCli(['jobs', 'purge', '--all', '--profile', 'default'], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /CONFIRMATION_REQUIRED/);
    const purge = await runCli(['jobs', 'purge', oddDead.id, '--profile', 'default', '--yes'], env);
    assert.equal(purge.code, 0, purge.stderr);
    assert.match(purge.stdout, /deleted 1 dead job\(s\) for good/);

    const retry = await runCli(['jobs', 'retry', '--all', '--entry', entry.id, '--kind', 'entry', '--profile', 'default', '--json'], env);
    assert.equal(retry.code, 0, retry.stderr);
    assert.deepEqual((JSON.parse(retry.stdout) as { retried: string[] }).retried, [entryDead.id]);
    assert.deepEqual(listed((await runCli(['jobs', 'list', '--profile', 'default', '--json'], env)).stdout).map((job) => job.id), [canvasDead.id]);
    // Back in the job queue, in its entry's group, with the dead-letter note left behind.
    const [back] = await queue.receive({ waitMs: 2000 });
    assert.deepEqual([back?.groupId, back?.body.kind, back?.body.entryId], [entry.id, 'entry', entry.id]);
    await back!.defer('looked at by the test', 0);

    await runsAndSucceeds(queue, entry.id);
    assert.equal((await new SqsQueue({ client: emulator.client, ...urls }).depth()).dead, 1);
  });

  test('without --profile, QUEUE (or --queue) set to an SQS queue means its dead-letter queue, found through its RedrivePolicy', async () => {
    const urls = await emulator.fifoPair({ maxReceiveCount: 10 });
    const queue = new SqsQueue({ client: emulator.client, queueUrl: urls.queueUrl, maxFailures: 1 });
    await killThree(queue, sandbox.addEntry().id);
    const env = { ...(await commandEnv(process.env.AWS_ENDPOINT_URL_SQS!)), QUEUE: urls.queueUrl };
    const run = await runCli(['jobs', 'list', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { source: { location: string } }).source.location, urls.deadLetterQueueUrl);
    assert.deepEqual(listed(run.stdout).map((job) => job.kind).sort(), ['canvas', 'entry', 'unreadable']);
    const flag = await runCli(['jobs', 'purge', '--all', '--yes', '--queue', urls.queueUrl, '--json'], { ...env, QUEUE: undefined });
    assert.equal((JSON.parse(flag.stdout) as { purged: string[] }).purged.length, 3);
    const wrong = await runCli(['jobs', 'list', '--queue', 'sqs://nope'], env);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /QUEUE_INVALID.*or pass --profile/);
  });
});
