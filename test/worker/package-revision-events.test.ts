import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { parseCanvasState } from '../../src/canvas/state.ts';
import { chunkedSha256, SHA2_256_CHUNKED } from '../../src/quilt/chunked-sha256.ts';
import { entryMeta, packageMeta, type Manifest, type ManifestEntry } from '../../src/quilt/manifest.ts';
import { publishPackage } from '../../src/quilt/publish-package.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { CanvasWrite } from '../../src/sandbox/canvas-store.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { readAll } from '../support/registry-audit.ts';
import { S3Emulator } from '../support/s3-fauxqs.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/**
 * Integrated mode end to end: `serve` hands an entry's files to the packaging engine (PACKAGER,
 * a fauxqs queue) and draws the canvas before any revision exists; the test then commits the
 * revision as Quilt's engine would (the quilt writer, straight into the fauxqs S3 registry)
 * and puts Quilt's package-revision event on PACKAGE_EVENT_QUEUE, as the stack's EventBridge
 * rule would. The canvas must then be written again showing that revision, and only then.
 */

let sandbox: SandboxTenant;
let s3: S3Emulator;
let sqs: QueueEmulator;
let running: ServeInProcess;
let store: ObjectStore;
let bucket: string;
let engineQueueUrl: string;
let eventQueueUrl: string;
let eventDeadLettersUrl: string;
const saved = { ...process.env };

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0 } }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  s3 = await S3Emulator.start();
  sqs = await QueueEmulator.start();
  bucket = await s3.bucket();
  engineQueueUrl = (await sqs.client.send(new CreateQueueCommand({ QueueName: 'packager' }))).QueueUrl!;
  // As the stack makes it: a standard queue (EventBridge's target) with a dead-letter queue of its own.
  eventDeadLettersUrl = (await sqs.client.send(new CreateQueueCommand({ QueueName: 'package-events-dlq' }))).QueueUrl!;
  const dlqArn = (await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: eventDeadLettersUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 });
  eventQueueUrl = (await sqs.client.send(new CreateQueueCommand({ QueueName: 'package-events', Attributes: { RedrivePolicy: redrive } }))).QueueUrl!;
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint });
  store = await openObjectStore(`s3://${bucket}`, { s3Endpoint: s3.endpoint });
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-revision-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-revision-data-')),
  };
  const flags = sandbox.serviceEnv();
  running = await serveInProcess(
    {
      benchlingSecrets: flags.BENCHLING_SECRETS,
      benchlingApiUrl: flags.BENCHLING_API_URL,
      benchlingJwksUrl: flags.BENCHLING_JWKS_URL,
      registry: `s3://${bucket}`,
      packager: engineQueueUrl,
      packageEventQueue: eventQueueUrl,
      entrySettle: '0.05s/30s',
    },
    env,
  );
});
after(async () => {
  await running?.stop();
  await sandbox.stop();
  await sqs.stop();
  await s3.stop();
  process.env = saved;
});

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The engine's next message, taken off its queue as the engine would. */
async function takeEngineMessage(): Promise<{ package_name: string; source_prefix: string }> {
  return until('a packaging-engine message', async () => {
    const out = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: engineQueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
    const message = out.Messages?.[0];
    if (!message) return undefined;
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl: engineQueueUrl, ReceiptHandle: message.ReceiptHandle! }));
    return JSON.parse(message.Body!) as { package_name: string; source_prefix: string };
  });
}

/**
 * What Quilt's engine does with the message: a revision of every file under the prefix, its
 * metadata read from entry.json, written with the quilt writer (manifest, pointer, `latest`).
 */
async function engineCommits(name: string, message: string): Promise<string> {
  const entries: ManifestEntry[] = [];
  for await (const key of store.listKeys(`${name}/`)) {
    const bytes = (await readAll(store, key))!;
    const hash = { type: SHA2_256_CHUNKED, value: chunkedSha256(bytes) };
    entries.push({ logicalKey: key.slice(name.length + 1), physicalKey: `s3://${bucket}/${key}`, size: bytes.length, hash, meta: entryMeta() });
  }
  const userMeta = JSON.parse((await readAll(store, `${name}/entry.json`))!.toString('utf8')) as never;
  const manifest: Manifest = { meta: packageMeta({ userMeta, message }), entries };
  return (await publishPackage(store, { name, manifest })).topHash;
}

/** Quilt's EventBridge event as the rule delivers it to the queue: the whole event is the body. */
async function sendEvent(body: unknown): Promise<string> {
  const out = await sqs.client.send(new SendMessageCommand({ QueueUrl: eventQueueUrl, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }));
  return out.MessageId!;
}

function revisionEvent(detail: { bucket: string; handle: string; topHash?: string }): object {
  return { version: '0', id: crypto.randomUUID(), 'detail-type': 'package-revision', source: 'com.quiltdata', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail };
}

/** Until the package-event lane has settled the message (acked: done, skipped or refused). */
async function settled(messageId: string): Promise<void> {
  await until(`message ${messageId} settled`, () => running.logs.some((line) => line.lane === 'package-events' && line.job === messageId && line.msg === 'job done'));
}

const patchesOf = (canvasId: string): CanvasWrite[] => sandbox.canvasWrites.filter((w) => w.method === 'PATCH' && w.canvasId === canvasId && w.status < 300);
const topHashShown = (write: CanvasWrite | undefined) => parseCanvasState((write?.body as { data?: string } | undefined)?.data)?.package?.topHash;

let canvasId: string;
let name: string;
let committed: string;

test('an engine commit and its package-revision event redraw the canvas with the new top hash', async (t) => {
  const entry = sandbox.addEntry({ name: 'Integrated entry', attachments: { 'data/plate.csv': 'well,value\nA1,0.5\n' } });
  name = `benchling/${entry.displayId}`;
  assert.equal((await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasInitialized({ resourceId: entry.id }))).status, 202);
  const created = await until('the canvas POST', () => sandbox.canvasWrites.find((w) => w.method === 'POST' && w.status < 300));
  canvasId = created.canvasId!;
  assert.equal((await takeEngineMessage()).package_name, name);
  // Drawn after the hand-over, before the engine commits: no revision to show yet.
  const drawn = await until('the canvas drawn after the hand-over', () => patchesOf(canvasId).at(-1));
  assert.equal(topHashShown(drawn), undefined);
  const before = patchesOf(canvasId).length;

  committed = await engineCommits(name, 'Benchling v2.canvas.initialized');
  const messageId = await sendEvent(revisionEvent({ bucket, handle: name, topHash: committed }));
  const redrawn = await until('the canvas redrawn for the commit', () => patchesOf(canvasId).slice(before).find((w) => topHashShown(w) === committed));
  t.diagnostic(`canvas ${canvasId} redrawn showing ${topHashShown(redrawn)} (${name}@${committed.slice(0, 12)})`);
  assert.equal(redrawn.status, 200);
  await settled(messageId);
});

test('a stale event (its topHash is not latest) and an event of another bucket draw nothing', async (t) => {
  assert.ok(canvasId, 'needs the canvas of the first test');
  const before = patchesOf(canvasId).length;
  const stale = await sendEvent(revisionEvent({ bucket, handle: name, topHash: 'f'.repeat(64) }));
  await settled(stale);
  const foreign = await sendEvent(revisionEvent({ bucket: 'another-lab-bucket', handle: name, topHash: committed }));
  await settled(foreign);
  // Both settled, and no write in between or since: neither event reached Benchling.
  assert.equal(patchesOf(canvasId).length, before);
  const staleLine = running.logs.find((line) => line.msg === 'package-revision event of a revision that is no longer latest: stale, ignored');
  assert.equal(staleLine?.latest, committed);
  t.diagnostic(`stale and foreign events settled; PATCHes of ${canvasId} still ${before}`);
});

test('events of a package outside PACKAGE_PREFIX, or of one under it that no entry of this app made, draw nothing', async (t) => {
  const writes = sandbox.canvasWrites.length;
  // A package a notebook pushed under the prefix: its metadata names no entry.
  const body = Buffer.from('x,y\n1,2\n');
  const manifest: Manifest = {
    meta: packageMeta({ userMeta: { experiment_id: 'EXP1' }, message: 'pushed by a notebook' }),
    entries: [{ logicalKey: 'run.csv', physicalKey: `s3://${bucket}/notebook/run.csv`, size: body.length, hash: { type: SHA2_256_CHUNKED, value: chunkedSha256(body) }, meta: entryMeta() }],
  };
  const notebook = (await publishPackage(store, { name: 'benchling/notebook-run', manifest })).topHash;
  const unowned = await sendEvent(revisionEvent({ bucket, handle: 'benchling/notebook-run', topHash: notebook }));
  await settled(unowned);
  // Named after our package, but outside the prefix: not ours, whatever it holds.
  const outside = await sendEvent(revisionEvent({ bucket, handle: `elsewhere/${name.split('/')[1]}` }));
  await settled(outside);
  assert.equal(sandbox.canvasWrites.length, writes);
  const skipped = running.logs.filter((line) => line.lane === 'package-events' && /not an entry of this app/.test(String(line.msg)));
  assert.equal(skipped.length, 1);
  t.diagnostic(`both settled; canvas writes still ${writes}`);
});

test('a body that is not a package-revision event is dead-lettered at once with the reason, not retried', async (t) => {
  const messageId = await sendEvent('{"detail-type":"package-revision","source":"com.quiltdata","detail":{"bucket":"b"}}');
  const refused = await until('the refusal', () => running.logs.find((line) => line.lane === 'package-events' && line.message === messageId));
  assert.match(String(refused.reason), /job_schema: detail\.handle/);
  const dead = await until('the dead letter', async () => (await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: eventDeadLettersUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }))).Messages?.[0]);
  assert.match(dead.Body!, /"bucket":"b"/);
  t.diagnostic(`dead-lettered: ${JSON.stringify(dead.MessageAttributes ?? {}).slice(0, 200)}`);
});

// Last: the client's retry warnings it causes are lines the log reader here refuses (they name
// `component` twice), so this test reads the sandbox's request log, never the worker's.
test('a canvas write Benchling keeps refusing with 429 fails the event, and the queue delivers it again until the canvas shows the revision', async (t) => {
  assert.ok(canvasId, 'needs the canvas of the first test');
  // The engine commits again (another file under the prefix); Benchling answers each of the client's tries at the PATCH with 429.
  await store.putObject(`${name}/notes.txt`, 'second run\n');
  const second = await engineCommits(name, 'Benchling v2.entry.updated');
  assert.notEqual(second, committed);
  const route = `PATCH /api/v2/app-canvases/${canvasId}` as const;
  sandbox.failNext(route, { status: 429, times: 5, headers: { 'Retry-After': '0' } });
  const before = patchesOf(canvasId).length;
  await sendEvent(revisionEvent({ bucket, handle: name, topHash: second }));
  const redrawn = await until('the canvas redrawn on a later delivery', () => patchesOf(canvasId).slice(before).find((w) => topHashShown(w) === second), 40_000);
  assert.equal(sandbox.count(route, 429), 5, 'the first delivery spent every try of the client, then failed');
  t.diagnostic(`5 PATCHes answered 429 (one delivery's tries), then a later delivery drew ${topHashShown(redrawn)}`);
});
