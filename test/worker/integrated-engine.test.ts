import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import type { EngineMessage } from '../../src/worker/packaging-engine.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { readAll } from '../support/registry-audit.ts';
import { S3Emulator } from '../support/s3-fauxqs.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/**
 * Issue 4, point 4: with PACKAGER set to the packaging engine's queue (fauxqs SQS) and an S3
 * registry (fauxqs S3), `serve` writes the export under the package's prefix and sends the
 * documented message (reference/quilt-format.md §6) naming that prefix; a file an earlier
 * export had and the new one lacks is gone from the prefix, so the engine cannot carry it on.
 */

let sandbox: SandboxTenant;
let s3: S3Emulator;
let sqs: QueueEmulator;
let running: ServeInProcess;
let store: ObjectStore;
let bucket: string;
let engineQueueUrl: string;
const saved = { ...process.env };

before(async () => {
  // Exports finish at the first poll, and edits settle for 50 ms instead of ENTRY_SETTLE's
  // default second: what is tested here is the engine message, not the waiting.
  sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0 } }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  s3 = await S3Emulator.start();
  sqs = await QueueEmulator.start();
  bucket = await s3.bucket();
  // The engine's queue is a standard queue (one SendMessage per revision, no group id).
  engineQueueUrl = (await sqs.client.send(new CreateQueueCommand({ QueueName: 'packager' }))).QueueUrl!;
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint });
  store = await openObjectStore(`s3://${bucket}`, { s3Endpoint: s3.endpoint });
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-engine-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-engine-data-')),
  };
  const flags = sandbox.serviceEnv();
  running = await serveInProcess(
    { benchlingSecrets: flags.BENCHLING_SECRETS, benchlingApiUrl: flags.BENCHLING_API_URL, benchlingJwksUrl: flags.BENCHLING_JWKS_URL, registry: `s3://${bucket}`, packager: engineQueueUrl, entrySettle: '0.05s/30s' },
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

async function nextEngineMessage(): Promise<EngineMessage> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const out = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: engineQueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
    const message = out.Messages?.[0];
    if (message) {
      await sqs.client.send(new DeleteMessageCommand({ QueueUrl: engineQueueUrl, ReceiptHandle: message.ReceiptHandle! }));
      return JSON.parse(message.Body!) as EngineMessage;
    }
  }
  throw new Error('no packaging-engine message within 20 s');
}

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.listKeys(prefix)) keys.push(key.slice(prefix.length));
  return keys.sort();
}

test('the engine message has the documented shape and names the prefix the files were written under', async () => {
  const entry = sandbox.addEntry({ attachments: { 'data/plate.csv': 'well,value\nA1,0.5\n', 'old-scan.bin': 2 * 1024 * 1024 } });
  assert.equal((await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(entry.id))).status, 202);
  const first = await nextEngineMessage();
  const name = `benchling/${entry.displayId}`;
  assert.deepEqual(Object.keys(first).sort(), ['commit_message', 'metadata_uri', 'package_name', 'registry', 'source_prefix']);
  assert.equal(first.source_prefix, `s3://${bucket}/${name}/`);
  assert.equal(first.registry, bucket);
  assert.equal(first.package_name, name);
  assert.equal(first.metadata_uri, 'entry.json');
  assert.equal(typeof first.commit_message, 'string');
  assert.ok(first.commit_message.length > 0);

  const files = await keysUnder(`${name}/`);
  for (const key of ['README.md', 'data/plate.csv', 'entry.json', 'links.json', 'old-scan.bin']) assert.ok(files.includes(key), `${key} in ${files}`);
  const meta = JSON.parse((await readAll(store, `${name}/entry.json`))!.toString()) as Record<string, unknown>;
  assert.equal(meta.entry_id, entry.id);
  assert.equal(meta.display_id, entry.displayId);
  assert.equal((await readAll(store, `${name}/data/plate.csv`))!.toString(), 'well,value\nA1,0.5\n');
  // The engine makes the revision: this process writes no manifest and no pointer.
  assert.deepEqual(await keysUnder('.quilt/'), []);

  // A new export without old-scan.bin: it must not survive under the prefix.
  sandbox.updateEntry(entry.id, { name: 'Re-exported', attachments: { 'data/plate.csv': 'well,value\nA1,0.7\n' } });
  assert.equal((await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedFields(entry.id, ['name']))).status, 202);
  const second = await nextEngineMessage();
  assert.equal(second.source_prefix, first.source_prefix);
  const after = await keysUnder(`${name}/`);
  assert.ok(!after.includes('old-scan.bin'), `old-scan.bin still under the prefix: ${after}`);
  for (const key of ['README.md', 'data/plate.csv', 'entry.json', 'links.json']) assert.ok(after.includes(key), `${key} in ${after}`);
  assert.equal((await readAll(store, `${name}/data/plate.csv`))!.toString(), 'well,value\nA1,0.7\n');
  const meta2 = JSON.parse((await readAll(store, `${name}/entry.json`))!.toString()) as Record<string, unknown>;
  assert.equal(meta2.name, 'Re-exported');
});
