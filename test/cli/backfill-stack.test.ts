import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { runCli } from '../support/cli-harness.ts';
import { CloudFormationFake } from '../support/cloudformation-fake.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';

/**
 * `backfill --stack`: the queue is the deployed stack's SQS FIFO queue, found through the
 * stack's QueueUrl output; the command only queues (the stack's worker packages).
 */

let sandbox: SandboxTenant;
let sqs: QueueEmulator;
let cloudFormation: CloudFormationFake;
let queueUrl: string;
let env: Record<string, string | undefined>;
const ids: string[] = [];

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false, seedDemoEntry: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  for (let i = 0; i < 30; i++) {
    const at = new Date(Date.parse('2024-04-01T00:00:00Z') + i * 60_000).toISOString();
    ids.push(sandbox.addEntry({ createdAt: at, modifiedAt: at }).id);
  }
  sqs = await QueueEmulator.start();
  ({ queueUrl } = await sqs.fifoPair({ maxReceiveCount: 5 }));
  cloudFormation = await new CloudFormationFake('us-east-1').start();
  cloudFormation.add({ name: 'BenchlingWebhookStack', outputs: { QueueUrl: queueUrl }, resources: {} });
  const service = sandbox.serviceEnv();
  env = {
    ...process.env,
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-backfill-stack-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-backfill-stack-data-')),
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
    BENCHLING_SECRETS: service.BENCHLING_SECRETS,
    BENCHLING_API_URL: service.BENCHLING_API_URL,
    REGISTRY: await mkdtemp(join(tmpdir(), 'bw-backfill-stack-reg-')),
  };
});
after(async () => {
  await Promise.all([sandbox.stop(), sqs.stop(), cloudFormation.stop()]);
});

async function drainQueue(): Promise<{ group: string | undefined; body: Record<string, unknown> }[]> {
  const got: { group: string | undefined; body: Record<string, unknown> }[] = [];
  for (;;) {
    const out = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['MessageGroupId'] }));
    if (!out.Messages?.length) return got;
    for (const m of out.Messages) got.push({ group: m.Attributes?.MessageGroupId, body: JSON.parse(m.Body!) as Record<string, unknown> });
  }
}

test("--stack queues one entry job per selected entry into the stack's SQS queue, grouped by entry; a second run queues none", async () => {
  const since = new Date(Date.parse('2024-04-01T00:00:00Z') + 9.5 * 60_000).toISOString();
  const first = await runCli(['backfill', '--stack', '--since', since, '--json', '--max-waiting', '100'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout.trim()).counts, { listed: 20, unchanged: 0, queued: 20, packaged: 0, failed: 0 });
  const messages = await drainQueue();
  assert.deepEqual(messages.map((m) => m.group).sort(), ids.slice(10).sort());
  assert.ok(messages.every((m) => m.body.kind === 'entry' && m.body.messageType === 'backfill' && m.body.entryId === m.group));

  const second = await runCli(['backfill', '--stack', '--since', since, '--json'], env);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(JSON.parse(second.stdout.trim()).counts.queued, 0);
});

test('on the embedded queue while serve holds it: BACKFILL_QUEUE_IN_USE, saying to stop serve or use --stack', async () => {
  const held = await EmbeddedQueue.open(join(env.XDG_DATA_HOME!, 'benchling-webhook', 'queue'));
  try {
    const run = await runCli(['backfill'], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /BACKFILL_QUEUE_IN_USE.*stop serve.*--stack/);
  } finally {
    await held.close();
  }
});

test('--stack with --queue is a usage error; a stack without QueueUrl says so', async () => {
  const twice = await runCli(['backfill', '--stack', '--queue', 'embedded'], env);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /BACKFILL_QUEUE_TWICE/);
  cloudFormation.add({ name: 'Bare', outputs: {}, resources: {} });
  const bare = await runCli(['backfill', '--stack', '--stack-name', 'Bare'], env);
  assert.equal(bare.code, 1);
  assert.match(bare.stderr, /BACKFILL_STACK_NO_QUEUE/);
});
