import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { JOB_RECEIVE_LIMIT } from '../../src/config/dead-letter-limits.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import type { DeadLetter } from '../../src/queue/queue.ts';
import { SqsQueue } from '../../src/queue/sqs-queue.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { SandboxEntry } from '../../src/sandbox/index.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { watchAttack, withinAttackBounds } from '../support/attack-watch.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { eventually } from '../support/registry-audit.ts';
import { WarmServe } from '../support/warm-serve.ts';

/**
 * A crash loop: `serve` is killed (SIGKILL) shortly after each start, again and again, while
 * it has jobs, then left to run. The jobs it was working on were cut each time, some many
 * more times than the failure limit; none of them failed, so none may be dead-lettered. The
 * one job that really fails (Benchling refuses its entry) still reaches the dead letters
 * after JOB_MAX_FAILURES failures. Run on both queues.
 */

/** More on SQS: a job cut there is back only once its lease (2 s) has run out, not at the next start. */
const ROUNDS = { embedded: 12, sqs: 16 };
const MAX_FAILURES = 2;
/** What the old rule dead-lettered at: every delivery counted, 5 of them. */
const OLD_LIMIT = 5;

let sandbox: SandboxTenant;
before(async () => {
  // Each export stays RUNNING for a while, so a kill lands while jobs are being worked on.
  sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0, ms: 800 } }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
});
after(() => sandbox.stop());

interface CrashLoopResult {
  doomed: SandboxEntry;
  healthy: SandboxEntry[];
  /** The `receive` of every `job done` line of the last life: how often each finished job had been delivered. */
  receivesWhenDone: number[];
}

async function crashLoop(t: TestContext, rounds: number, extraEnv: Record<string, string>): Promise<CrashLoopResult> {
  const registry = await mkdtemp(join(tmpdir(), 'bw-crash-reg-'));
  const env = {
    ...sandbox.serviceEnv(),
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-crash-cfg-')),
    LOG_LEVEL: 'info',
    REGISTRY: registry,
    BENCHLING_RATE_LIMIT: '100000/30s',
    ENTRY_SETTLE: '0s/30s',
    JOB_MAX_FAILURES: String(MAX_FAILURES),
    ...extraEnv,
  };
  // First in the queue, so every life sees it: Benchling refuses it every time.
  const doomed = sandbox.addEntry();
  sandbox.failNext(`GET /api/v2/entries/${doomed.id}`, { status: 400, times: Infinity });
  const healthy = Array.from({ length: 6 }, (_, i) => sandbox.addEntry({ attachments: { 'data/run.csv': `entry,${i}\n` } }));
  const lives: WarmServe[] = [];
  let next = new WarmServe(env).warm();
  for (let round = 1; round <= rounds; round++) {
    const child = await (await next).go();
    lives.push(child);
    next = new WarmServe(env).warm();
    if (round === 1) {
      for (const entry of [doomed, ...healthy]) assert.equal((await sandbox.sendWebhook(`${child.url}/event`, sandbox.envelopes.entryCreated(entry.id))).status, 202);
    }
    const delay = 150 + Math.floor(Math.random() * 550);
    await new Promise((resolve) => setTimeout(resolve, delay));
    await child.kill('SIGKILL');
    t.diagnostic(`round ${round}: killed ${delay} ms after start; ${child.messages('job done').length} jobs done in this life`);
  }

  // Left to run: every healthy entry packaged, the doomed one dead-lettered.
  const last = await (await next).go();
  lives.push(last);
  const store = await openObjectStore(registry);
  const packaged = async () => (await Promise.all(healthy.map((e) => readLatest(store, `benchling/${e.displayId}`).catch(() => undefined)))).every(Boolean);
  // Its second failure may come in any life after its first one's retry delay.
  const deadLettered = () => lives.some((life) => life.messages('job failed; it goes to the dead letters').some((l) => l.group === doomed.id));
  // Watched from its first finished job on: a process's first job runs its code cold, as any restart does.
  await eventually(() => last.messages('job done').length > 0, 'the first job of the last life', 30_000);
  const watch = await watchAttack({ pid: last.pid!, url: last.url });
  try {
    await eventually(async () => (await packaged()) && deadLettered(), 'every healthy entry packaged and the doomed job dead-lettered', 60_000).catch((error: unknown) => {
      t.diagnostic(JSON.stringify(last.logs.filter((l) => Number(l.level) >= 40 || String(l.msg).startsWith('job')).slice(-20)));
      throw error;
    });
  } finally {
    const report = await watch.stop();
    await last.kill('SIGTERM');
    const bounds = withinAttackBounds(report);
    t.diagnostic(`last life: ${bounds.summary}`);
    assert.ok(bounds.ok, bounds.summary);
  }
  const receivesWhenDone = last.messages('job done').map((l) => Number(l.receive));
  t.diagnostic(`deliveries of the jobs finished in the last life: ${receivesWhenDone.join(', ')}`);
  return { doomed, healthy, receivesWhenDone };
}

/** The kills landed on jobs: some finished only after more deliveries than the old rule allowed. */
function assertCutMoreThanTheOldLimit(receivesWhenDone: number[]): void {
  assert.ok(Math.max(...receivesWhenDone) > OLD_LIMIT, `no job was delivered more than ${OLD_LIMIT} times (${receivesWhenDone.join(', ')}): the kills did not land on jobs`);
}

function assertOnlyTheFailingJobIsDead(dead: DeadLetter[], doomed: SandboxEntry): void {
  assert.deepEqual(
    dead.map((letter) => letter.groupId),
    [doomed.id],
    'a job that never failed was dead-lettered',
  );
  assert.match(dead[0]!.reason, /Benchling answered HTTP 400/);
}

test(`embedded queue: ${ROUNDS.embedded} kills shortly after start dead-letter no job that never failed; a failing job is dead-lettered after ${MAX_FAILURES} failures`, async (t) => {
  const data = await mkdtemp(join(tmpdir(), 'bw-crash-data-'));
  const { doomed, receivesWhenDone } = await crashLoop(t, ROUNDS.embedded, { XDG_DATA_HOME: data });
  assertCutMoreThanTheOldLimit(receivesWhenDone);
  const queue = await EmbeddedQueue.open(join(data, 'benchling-webhook', 'queue'));
  try {
    const dead = await queue.deadLetters();
    assertOnlyTheFailingJobIsDead(dead, doomed);
    assert.deepEqual(await queue.depth(), { waiting: 0, inFlight: 0, dead: 1 });
  } finally {
    await queue.close();
  }
});

test(`SQS: ${ROUNDS.sqs} kills shortly after start dead-letter no job that never failed; the worker moves a failing job to the dead-letter queue after ${MAX_FAILURES} failures`, async (t) => {
  const sqs = await QueueEmulator.start();
  try {
    // The stack's redrive limit; a 2 s lease, so that a job cut by a kill is back quickly.
    const { queueUrl, deadLetterQueueUrl } = await sqs.fifoPair({ maxReceiveCount: JOB_RECEIVE_LIMIT, visibilityTimeoutS: 2 });
    const aws = { AWS_ENDPOINT_URL_SQS: process.env.AWS_ENDPOINT_URL_SQS!, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const { doomed, receivesWhenDone } = await crashLoop(t, ROUNDS.sqs, { ...aws, QUEUE: queueUrl, XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-crash-data-')) });
    assertCutMoreThanTheOldLimit(receivesWhenDone);
    const queue = new SqsQueue({ client: sqs.client, queueUrl, deadLetterQueueUrl });
    assertOnlyTheFailingJobIsDead(await queue.deadLetters(), doomed);
    assert.deepEqual(await queue.depth(), { waiting: 0, inFlight: 0, dead: 1 });
  } finally {
    await sqs.stop();
  }
});
