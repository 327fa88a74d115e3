import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { JOB_RECEIVE_LIMIT } from '../../src/config/dead-letter-limits.ts';
import { EmbeddedQueue, JOURNAL_FILE } from '../../src/queue/embedded-queue.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { watchAttack, withinAttackBounds } from '../support/attack-watch.ts';
import { runCli } from '../support/cli-harness.ts';
import { allSpellings, spellingsIn } from '../support/credential-spellings.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { eventually } from '../support/registry-audit.ts';
import { ServeProcess } from '../support/serve-process.ts';

/**
 * The attack: Benchling (the sandbox) answers refused requests with error bodies that quote
 * them back, the Authorization header (Basic credentials, or the Bearer token), the client
 * credentials form-encoded, and the request body. The real `serve` runs against it until its
 * jobs fail and are dead-lettered; then every byte it wrote (log, journal, dead letters, the
 * canvases the tenant received, the CLI's output) is searched for every spelling of every
 * credential and token in use, and none may be there.
 */

// Characters every encoding spells differently (base64 `+/=`, form `+` for a space, JSON `"` and `\`, UTF-8).
const CREDENTIALS = { client_id: 'echo-client id+/é=%2F', client_secret: 'echo "secret" \\ +/= 50% & é😀 end' };
const ENTRY = (id: string) => `GET /api/v2/entries/${id}`;

let sandbox: SandboxTenant;
before(async () => {
  // 3 s tokens: refreshed every 2 s, so the run sees many, and the redactor must learn each.
  sandbox = await new SandboxTenant({ rateLimit: false, credentials: CREDENTIALS, tokenLifetimeSeconds: 3 }).start();
});
afterEach(() => {
  // The leak guard checks every captured output against these when the file is done; the tokens are known only now.
  knownSecretValues(...allSpellings(credentials()).map(({ value }) => value));
});
after(() => sandbox.stop());

function credentials() {
  return { clientId: CREDENTIALS.client_id, clientSecret: CREDENTIALS.client_secret, tokens: sandbox.issuedTokens };
}

function assertNoCredential(where: string, text: string): void {
  assert.deepEqual(spellingsIn(text, credentials()), [], `credentials in ${where}`);
}

async function serveEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    ...sandbox.serviceEnv(),
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-echo-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-echo-data-')),
    REGISTRY: await mkdtemp(join(tmpdir(), 'bw-echo-reg-')),
    LOG_LEVEL: 'trace',
    BENCHLING_RATE_LIMIT: '100000/30s',
    ENTRY_SETTLE: '0s/30s',
    // Dead-lettered on the second failure, 5 s after the first: the test stays short.
    JOB_MAX_FAILURES: '2',
    ...extra,
  };
}

const deadLettered = (serve: ServeProcess, group: string) => () => serve.messages('job failed; it goes to the dead letters').some((l) => l.group === group);

/**
 * `serve` with one entry packaged: the first job of a process loads the HTTP client and the
 * packaging code, which holds its event loop for a moment; the attack is measured after that.
 */
async function warmServe(env: Record<string, string>): Promise<ServeProcess> {
  const serve = await new ServeProcess(env).start();
  const entry = sandbox.addEntry();
  assert.equal((await sandbox.sendWebhook(`${serve.url}/event`, sandbox.envelopes.entryCreated(entry.id))).status, 202);
  await eventually(() => serve.messages('job done').length === 1, 'the warm-up job', 30_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return serve;
}

test('an echoing tenant: no spelling of the client id, client secret or any token reaches the log, the journal, the dead letters, a canvas or the CLI; the queue files are private', async (t) => {
  const env = await serveEnv();
  const queueDir = join(env.XDG_DATA_HOME!, 'benchling-webhook', 'queue');
  // As an older release left it: readable by all.
  await mkdir(queueDir, { recursive: true, mode: 0o755 });
  await writeFile(join(queueDir, JOURNAL_FILE), '{"t":"journal","v":1}\n');
  await chmod(queueDir, 0o755);
  await chmod(join(queueDir, JOURNAL_FILE), 0o644);

  const serve = await warmServe(env);
  const watch = await watchAttack({ pid: serve.pid!, url: serve.url });
  const [a, b, c, d] = [1, 2, 3, 4].map(() => sandbox.addEntry());
  const canvas = sandbox.insertCanvas(d!.id);
  try {
    // The token request is refused, quoting the Basic header and the credentials form-encoded
    // (the warm-up's token is revoked, so the next call needs a new one).
    sandbox.failNext('POST /api/v2/token', { status: 401, echo: true, times: Infinity });
    sandbox.revokeTokens();
    assert.equal((await sandbox.sendWebhook(`${serve.url}/event`, sandbox.envelopes.entryCreated(a!.id))).status, 202);
    await eventually(deadLettered(serve, a!.id), 'the job whose token request was refused to be dead-lettered', 30_000);
    sandbox.faults.clear();

    // API calls refused quoting the Bearer token: a 400, a 401 that survives a fresh token, and
    // one under a canvas (whose error view is drawn, from a closed list, before the job fails).
    sandbox.failNext(ENTRY(b!.id), { status: 400, echo: true, times: Infinity });
    sandbox.failNext(ENTRY(c!.id), { status: 401, echo: true, times: Infinity });
    sandbox.failNext(ENTRY(d!.id), { status: 400, echo: true, times: Infinity });
    for (const entry of [b!, c!]) assert.equal((await sandbox.sendWebhook(`${serve.url}/event`, sandbox.envelopes.entryCreated(entry.id))).status, 202);
    assert.equal((await sandbox.sendWebhook(`${serve.url}/canvas`, sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: d!.id }))).status, 202);
    for (const entry of [b!, c!, d!]) await eventually(deadLettered(serve, entry.id), `the job of ${entry.id} to be dead-lettered`, 30_000);
  } finally {
    const report = await watch.stop();
    await serve.kill('SIGTERM');
    const bounds = withinAttackBounds(report);
    t.diagnostic(bounds.summary);
    assert.ok(bounds.ok, bounds.summary);
  }
  t.diagnostic(`${sandbox.issuedTokens.length} tokens issued; ${serve.logs.length} log lines`);
  assert.ok(sandbox.issuedTokens.length >= 3, 'the 401 and the short lifetime made the app fetch several tokens');

  // The echoes did reach the app, and were scrubbed where it wrote them.
  const failures = serve.logs.filter((l) => String(l.msg).startsWith('job failed'));
  assert.equal(failures.length, 8, 'each of the four jobs failed twice');
  assert.ok(failures.every((l) => /Authorization: (Basic|Bearer) \[REDACTED\]/.test(String(l.reason))), 'every failure quoted the scrubbed header');
  assertNoCredential('the serve log', serve.outputText);

  const files = (await readdir(queueDir)).sort();
  for (const name of files) assertNoCredential(`queue file ${name}`, await readFile(join(queueDir, name), 'utf8'));
  assert.equal((await stat(queueDir)).mode & 0o777, 0o700, 'the queue folder is private');
  for (const name of files) assert.equal((await stat(join(queueDir, name))).mode & 0o777, 0o600, `${name} is private`);

  const queue = await EmbeddedQueue.open(queueDir);
  const dead = await queue.deadLetters();
  await queue.close();
  assert.deepEqual(dead.map((letter) => letter.groupId).sort(), [a!.id, b!.id, c!.id, d!.id].sort());
  assertNoCredential('the dead letters', JSON.stringify(dead));

  const writes = sandbox.canvasWrites.filter((w) => w.canvasId === canvas.id);
  assert.ok(writes.length > 0, 'the canvas was drawn');
  assertNoCredential('the canvases the tenant received', JSON.stringify([writes, sandbox.canvas(canvas.id)]));
});

test('an echoing tenant on SQS: the dead letter the worker moves to the dead-letter queue carries the reason, scrubbed', async (t) => {
  const sqs = await QueueEmulator.start();
  const { queueUrl, deadLetterQueueUrl } = await sqs.fifoPair({ maxReceiveCount: JOB_RECEIVE_LIMIT });
  const aws = { AWS_ENDPOINT_URL_SQS: process.env.AWS_ENDPOINT_URL_SQS!, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  const serve = await warmServe(await serveEnv({ ...aws, QUEUE: queueUrl }));
  const watch = await watchAttack({ pid: serve.pid!, url: serve.url });
  const entry = sandbox.addEntry();
  try {
    sandbox.failNext(ENTRY(entry.id), { status: 400, echo: true, times: Infinity });
    assert.equal((await sandbox.sendWebhook(`${serve.url}/event`, sandbox.envelopes.entryCreated(entry.id))).status, 202);
    await eventually(deadLettered(serve, entry.id), 'the job to be dead-lettered', 30_000);
  } finally {
    const report = await watch.stop();
    await serve.kill('SIGTERM');
    sandbox.faults.clear();
    const bounds = withinAttackBounds(report);
    t.diagnostic(bounds.summary);
    assert.ok(bounds.ok, bounds.summary);
  }
  try {
    const out = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
    const messages = out.Messages ?? [];
    assert.equal(messages.length, 1);
    assert.match(messages[0]!.MessageAttributes?.deadLetter?.StringValue ?? '', /Authorization: Bearer \[REDACTED\]; token: \[REDACTED\]/);
    assertNoCredential('the SQS dead letter', JSON.stringify(messages));
    assertNoCredential('the serve log', serve.outputText);
  } finally {
    await sqs.stop();
  }
});

test('validate against an echoing tenant: the OAuth check fails naming the fields, its output quotes no credential', async () => {
  sandbox.failNext('POST /api/v2/token', { status: 401, echo: true, times: Infinity });
  try {
    const env = { ...(await serveEnv()), BENCHLING_SECRETS: JSON.stringify(sandbox.secret), AWS_REGION: 'us-east-1' };
    const run = await runCli(['validate', '--json'], env);
    assert.equal(run.code, 1);
    const oauth = (JSON.parse(run.stdout) as { checks: { name: string; status: string; detail: string }[] }).checks.find((c) => c.name === 'Benchling OAuth');
    assert.equal(oauth?.status, 'failed');
    assert.match(oauth?.detail ?? '', /Authorization: Basic \[REDACTED\].*check client_id and client_secret/);
    assertNoCredential('validate output', run.stdout + run.stderr);
  } finally {
    sandbox.faults.clear();
  }
});
