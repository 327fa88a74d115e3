import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readLatest } from '../../src/quilt/read-package.ts';
import { SqsQueue } from '../../src/queue/sqs-queue.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { eventually } from '../support/registry-audit.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/**
 * ENTRY_SETTLE on SQS, through the real `serve` with QUEUE set to a FIFO queue on fauxqs. SQS
 * cannot merge or hold back a burst's messages, so the worker does it: an entry still being
 * edited is handed back for a moment, and a message whose event an earlier package covers is
 * skipped without an API call.
 */

let sandbox: SandboxTenant;
let sqs: QueueEmulator;
let running: ServeInProcess;
let store: ObjectStore;
let queue: SqsQueue;
const saved = { ...process.env };

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  sqs = await QueueEmulator.start();
  const urls = await sqs.fifoPair({ maxReceiveCount: 5 });
  queue = new SqsQueue({ client: sqs.client, ...urls });
  const registry = await mkdtemp(join(tmpdir(), 'bw-sqs-burst-reg-'));
  store = await openObjectStore(registry);
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-sqs-burst-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-sqs-burst-data-')),
  };
  const flags = sandbox.serviceEnv();
  running = await serveInProcess(
    { benchlingSecrets: flags.BENCHLING_SECRETS, benchlingApiUrl: flags.BENCHLING_API_URL, benchlingJwksUrl: flags.BENCHLING_JWKS_URL, registry, queue: urls.queueUrl },
    env,
  );
});
after(async () => {
  await running?.stop();
  await sandbox.stop();
  await sqs.stop();
  process.env = saved;
});

async function packagedAsNow(id: string): Promise<boolean> {
  const entry = sandbox.entry(id)!;
  const latest = await readLatest(store, `benchling/${entry.displayId}`);
  const meta = latest?.manifest.meta.user_meta as Record<string, unknown> | undefined;
  return meta?.name === entry.name && meta.modified_at === entry.modifiedAt;
}

describe('a burst of 20 v2.entry.updated.fields for one entry on SQS', () => {
  for (const [spread, gapMs, most] of [
    ['back to back', 0, 2],
    ['spread over 3 s', 150, 3],
  ] as const) {
    test(`${spread}: every message is consumed, at most ${most} exports, and the package is the entry's last state`, async (t) => {
      const entry = sandbox.addEntry();
      const before = sandbox.count('POST /api/v2/exports');
      const logsBefore = running.logs.length;
      const jobs: string[] = [];
      for (let i = 1; i <= 20; i++) {
        sandbox.updateEntry(entry.id, { name: `edit ${i}` });
        const sent = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedFields(entry.id, ['name']));
        assert.equal(sent.status, 202);
        jobs.push((sent.body as { job: string }).job);
        if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
      assert.equal(new Set(jobs).size, 20, 'SQS keeps every event as its own message');
      await eventually(() => {
        const done = new Set(running.logs.filter((l) => l.msg === 'job done').map((l) => String(l.job)));
        return jobs.every((id) => done.has(id));
      }, 'every message of the burst done', 30_000);
      assert.ok(await packagedAsNow(entry.id), 'the package shows the last edit');
      const logs = running.logs.slice(logsBefore);
      const deferred = logs.filter((l) => l.msg === 'job deferred').length;
      const skipped = logs.filter((l) => l.msg === 'entry already packaged from a read made after this event: skipped').length;
      const exports = sandbox.count('POST /api/v2/exports') - before;
      t.diagnostic(`${exports} exports, ${deferred} deferrals, ${skipped} messages skipped without an API call`);
      assert.ok(exports <= most, `${exports} exports for one burst`);
      assert.ok(exports >= 1);
      assert.deepEqual(await queue.depth(), { waiting: 0, inFlight: 0, dead: 0 });
    });
  }
});
