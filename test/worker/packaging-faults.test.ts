import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { BenchlingClient } from '../../src/benchling/benchling-client.ts';
import { RateLimiter } from '../../src/benchling/rate-limiter.ts';
import { JOB_RECEIVE_LIMIT } from '../../src/config/dead-letter-limits.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { SqsQueue } from '../../src/queue/sqs-queue.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { latestPointerKey, MANIFESTS_PREFIX } from '../../src/quilt/registry-layout.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore, PutStreamOptions } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { packageEntry, type PackagingDeps } from '../../src/worker/package-entry.ts';
import { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { auditRegistry, capturingLogger, eventually } from '../support/registry-audit.ts';
import { QueueEmulator } from '../support/queue-fauxqs.ts';
import { S3Emulator } from '../support/s3-fauxqs.ts';
import { serveInProcess } from '../support/serve-in-process.ts';
import { QUICK_EXPORT_POLLS } from '../support/quick-export-polls.ts';

/**
 * Issue 4, point 1: every fault the tenant or the registry can throw at a job ends in a
 * complete package, or in retries and then the dead letters with the reason logged; never in
 * a pointer to a missing manifest or a half package as `latest`.
 */

let sandbox: SandboxTenant;
let emulator: S3Emulator;
const saved = { ...process.env };

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  emulator = await S3Emulator.start();
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_S3: emulator.endpoint });
});
after(async () => {
  await sandbox.stop();
  await emulator.stop();
  process.env = saved;
});

/** Fails the nth putStream (1-based) it sees, after the body has started to flow. */
class FailingPutStore implements ObjectStore {
  private puts = 0;
  constructor(
    private readonly inner: ObjectStore,
    private readonly failAt: number,
  ) {}
  putObject(...args: Parameters<ObjectStore['putObject']>) {
    return this.inner.putObject(...args);
  }
  getObject(key: string) {
    return this.inner.getObject(key);
  }
  async putStream(key: string, body: Readable, options?: PutStreamOptions) {
    if (++this.puts === this.failAt) {
      body.resume();
      throw new Error(`injected: S3 PutObject ${key} failed`);
    }
    return this.inner.putStream(key, body, options);
  }
  getStream(key: string) {
    return this.inner.getStream(key);
  }
  head(key: string) {
    return this.inner.head(key);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  listKeys(prefix: string) {
    return this.inner.listKeys(prefix);
  }
  physicalKey(key: string, versionId?: string) {
    return this.inner.physicalKey(key, versionId);
  }
  describe() {
    return this.inner.describe();
  }
  check() {
    return this.inner.check();
  }
}

function client(options: { requestMs?: number } = {}): BenchlingClient {
  return new BenchlingClient({
    apiBase: sandbox.url,
    clientId: sandbox.secret.client_id,
    clientSecret: sandbox.secret.client_secret,
    rateLimiter: new RateLimiter({ limit: 1000, windowMs: 1000 }),
    // Small backoff so a retried call comes back quickly; a server-asked wait still wins.
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    timeouts: { requestMs: options.requestMs ?? 30_000 },
    taskWait: QUICK_EXPORT_POLLS,
  });
}

async function freshRegistry(kind: 'local' | 's3'): Promise<ObjectStore> {
  const registry = kind === 's3' ? `s3://${await emulator.bucket()}` : await mkdtemp(join(tmpdir(), 'bw-faults-reg-'));
  return openObjectStore(registry, { s3Endpoint: emulator.endpoint });
}

async function manifests(store: ObjectStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.listKeys(MANIFESTS_PREFIX)) keys.push(key);
  return keys;
}

function newEntry() {
  return sandbox.addEntry({ attachments: { 'data/plate.csv': 'well,value\nA1,0.5\n', 'raw/big.bin': 6 * 1024 * 1024, 'notes.txt': 'hello\n' } });
}

async function assertComplete(store: ObjectStore, name: string): Promise<void> {
  const latest = await readLatest(store, name);
  assert.ok(latest, `${name} has a latest revision`);
  const keys = latest.manifest.entries.map((e) => e.logicalKey);
  // The export's rendered page, its attachments, and our three documents.
  assert.ok(keys.some((k) => k.endsWith('.html')), `an HTML page in ${keys}`);
  for (const key of ['README.md', 'data/plate.csv', 'entry.json', 'links.json', 'notes.txt', 'raw/big.bin']) assert.ok(keys.includes(key), `${key} in ${keys}`);
  const { problems } = await auditRegistry(store);
  assert.deepEqual(problems, []);
}

describe('faults from the tenant, one job (packageEntry) each', () => {
  test('429 with x-rate-limit-reset: the client waits out the reset, then the package is complete', async () => {
    const store = await freshRegistry('local');
    const entry = newEntry();
    const { log } = capturingLogger();
    const before = sandbox.count('POST /api/v2/exports');
    sandbox.failNext('POST /api/v2/exports', { status: 429, headers: { 'x-rate-limit-reset': '1' } });
    await packageEntry(entry.id, { client: client(), store, prefix: 'benchling', log });
    const exports = sandbox.requests('POST /api/v2/exports').slice(before);
    assert.deepEqual(exports.map((r) => r.status), [429, 202]);
    // The reset is the server's word: the retry must not come before it.
    assert.ok(exports[1]!.at - exports[0]!.at >= 1000, `retried after ${exports[1]!.at - exports[0]!.at} ms`);
    await assertComplete(store, `benchling/${entry.displayId}`);
  });

  test('500s on the entry, the task poll and the download: retried, then complete', async () => {
    const store = await freshRegistry('s3');
    const entry = newEntry();
    const { log } = capturingLogger();
    sandbox.failNext(`GET /api/v2/entries/${entry.id}`, { status: 500, times: 2 });
    sandbox.failNext('GET /api/v2/tasks/{id}', { status: 503 });
    sandbox.failNext('GET /downloads/{token}.zip', { status: 500 });
    await packageEntry(entry.id, { client: client(), store, prefix: 'benchling', log });
    assert.equal(sandbox.count(`GET /api/v2/entries/${entry.id}`, 500), 2);
    await assertComplete(store, `benchling/${entry.displayId}`);
  });

  test('slow answers past the request timeout: the call is tried again, then complete', async () => {
    const store = await freshRegistry('local');
    const entry = newEntry();
    const { log } = capturingLogger();
    const before = sandbox.count('GET /api/v2/tasks/{id}');
    sandbox.delayNext('GET /api/v2/tasks/{id}', 1500);
    sandbox.delayNext(`GET /api/v2/entries/${entry.id}`, 1500);
    await packageEntry(entry.id, { client: client({ requestMs: 400 }), store, prefix: 'benchling', log });
    const delayed = sandbox.requests('GET /api/v2/tasks/{id}').slice(before).filter((r) => r.fault === 'delayed');
    assert.equal(delayed.length, 1);
    await assertComplete(store, `benchling/${entry.displayId}`);
  });

  test('an export task that FAILS: the job fails with Benchling’s reason and writes no manifest, no pointer', async () => {
    const store = await freshRegistry('local');
    const entry = newEntry();
    const { log } = capturingLogger();
    sandbox.failNextExport('renderer crashed on page 3');
    await assert.rejects(packageEntry(entry.id, { client: client(), store, prefix: 'benchling', log }), /renderer crashed on page 3/);
    assert.equal(await store.getObject(latestPointerKey(`benchling/${entry.displayId}`)), undefined);
    assert.deepEqual(await manifests(store), []);
  });

  for (const abort of [false, true]) {
    test(`a truncated ZIP (${abort ? 'connection dropped' : 'short Content-Length'}): never packaged as it is; the next try is complete`, async () => {
      const store = await freshRegistry('local');
      const entry = newEntry();
      const { log } = capturingLogger();
      const deps: PackagingDeps = { client: client(), store, prefix: 'benchling', log };
      const name = `benchling/${entry.displayId}`;
      sandbox.truncateNextDownload({ abort });
      // A dropped connection may be retried by the download itself; a short body only the ZIP check sees.
      const first = await packageEntry(entry.id, deps).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (first !== undefined) {
        assert.equal(await store.getObject(latestPointerKey(name)), undefined);
        assert.deepEqual(await manifests(store), []);
        await packageEntry(entry.id, deps);
      } else {
        assert.ok(abort, 'a truncated body with a matching Content-Length must not pass the ZIP check');
      }
      await assertComplete(store, name);
    });
  }
});

describe('one failed S3 put', () => {
  test('a new package: no manifest, no pointer; the retry is complete', async () => {
    const inner = await freshRegistry('s3');
    const entry = newEntry();
    const name = `benchling/${entry.displayId}`;
    const { log } = capturingLogger();
    const failing = new FailingPutStore(inner, 2);
    await assert.rejects(packageEntry(entry.id, { client: client(), store: failing, prefix: 'benchling', log }), /injected: S3 PutObject/);
    assert.equal(await inner.getObject(latestPointerKey(name)), undefined);
    assert.deepEqual(await manifests(inner), []);
    await packageEntry(entry.id, { client: client(), store: inner, prefix: 'benchling', log });
    await assertComplete(inner, name);
  });

  test('an update of an existing package: `latest` keeps naming a whole, matching revision', async () => {
    const store = await freshRegistry('s3');
    const entry = sandbox.addEntry({ attachments: { 'a.txt': 'first a\n', 'b.txt': 'first b\n' } });
    const name = `benchling/${entry.displayId}`;
    const { log } = capturingLogger();
    const first = await packageEntry(entry.id, { client: client(), store, prefix: 'benchling', log });
    sandbox.updateEntry(entry.id, { attachments: { 'a.txt': 'second a, longer\n', 'b.txt': 'second b, longer\n' } });
    // The first file of the new export is written, the second put fails.
    await assert.rejects(packageEntry(entry.id, { client: client(), store: new FailingPutStore(store, 2), prefix: 'benchling', log }), /injected/);
    assert.equal((await store.getObject(latestPointerKey(name)))?.toString(), first.topHash);
    assert.deepEqual((await auditRegistry(store)).problems, []);
    const second = await packageEntry(entry.id, { client: client(), store, prefix: 'benchling', log });
    assert.notEqual(second.topHash, first.topHash);
    assert.deepEqual((await auditRegistry(store)).problems, []);
    assert.equal((await readLatest(store, name))?.topHash, second.topHash);
    // Changed files pass through a staging area first; none of it is left behind.
    const leftovers: string[] = [];
    for await (const key of store.listKeys('.benchling-webhook/')) leftovers.push(key);
    assert.deepEqual(leftovers, []);
  });
});

describe('through the worker loop and a queue with a small failure limit', () => {
  test('a fault that clears: retried, then one complete package; a fault that stays: dead letter with the reason logged', async () => {
    const store = await freshRegistry('local');
    const queue = await EmbeddedQueue.open(await mkdtemp(join(tmpdir(), 'bw-faults-q-')), { maxFailures: 3 });
    const { log, lines } = capturingLogger();
    const benchling = client();
    const worker = new WorkerLoop({
      queue,
      log,
      retryBaseMs: 20,
      retryMaxMs: 100,
      // The stop at the end waits for the receive in flight.
      receiveWaitMs: 20,
      handle: async (body) => {
        await packageEntry(String(body.entryId), { client: benchling, store, prefix: 'benchling', log });
      },
    });
    const healing = newEntry();
    const doomed = newEntry();
    try {
      sandbox.truncateNextDownload();
      await queue.enqueue({ groupId: healing.id, dedupId: `h-${healing.id}`, body: { kind: 'entry', entryId: healing.id } });
      worker.start();
      await eventually(async () => (await queue.depth()).waiting + (await queue.depth()).inFlight === 0, 'the healing job');
      await assertComplete(store, `benchling/${healing.displayId}`);
      assert.ok(lines.some((l) => l.msg === 'job failed; it will be retried' && l.group === healing.id));

      sandbox.failNextExport('export service is down', 3);
      await queue.enqueue({ groupId: doomed.id, dedupId: `d-${doomed.id}`, body: { kind: 'entry', entryId: doomed.id } });
      await eventually(async () => (await queue.depth()).dead === 1, 'the dead letter');
      const [dead] = await queue.deadLetters();
      assert.equal(dead!.groupId, doomed.id);
      assert.match(dead!.reason, /export service is down/);
      const failures = lines.filter((l) => String(l.msg).startsWith('job failed') && l.group === doomed.id);
      assert.deepEqual(
        failures.map((l) => [l.msg, l.failures]),
        [
          ['job failed; it will be retried', 1],
          ['job failed; it will be retried', 2],
          ['job failed; it goes to the dead letters', 3],
        ],
      );
      for (const line of failures) assert.match(String(line.reason), /export service is down/);
      assert.equal(await store.getObject(latestPointerKey(`benchling/${doomed.displayId}`)), undefined);
      assert.deepEqual((await auditRegistry(store)).problems, []);
    } finally {
      await worker.stop();
      await queue.close();
    }
  });
});

describe('through `serve`, on an SQS FIFO queue with the stack\'s redrive limit and JOB_MAX_FAILURES=2', () => {
  test('an export that keeps failing: retried by the worker, then moved by it to the dead-letter queue, the reason logged and kept there', async () => {
    const sqs = await QueueEmulator.start();
    const { queueUrl, deadLetterQueueUrl } = await sqs.fifoPair({ maxReceiveCount: JOB_RECEIVE_LIMIT });
    const registry = await mkdtemp(join(tmpdir(), 'bw-faults-serve-reg-'));
    const env = {
      ...process.env,
      XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-cfg-')),
      XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-data-')),
    };
    const flags = sandbox.serviceEnv();
    // Edits settle for 50 ms, not ENTRY_SETTLE's default second: the wait tested is the retry's.
    const running = await serveInProcess(
      { benchlingSecrets: flags.BENCHLING_SECRETS, benchlingApiUrl: flags.BENCHLING_API_URL, benchlingJwksUrl: flags.BENCHLING_JWKS_URL, registry, queue: queueUrl, jobMaxFailures: '2', entrySettle: '0.05s/30s' },
      env,
    );
    try {
      const entry = newEntry();
      sandbox.failNextExport('the export renderer is out of memory', Infinity);
      const sent = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(entry.id));
      assert.equal(sent.status, 202);
      const deadCount = async () => {
        const out = await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
        return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      };
      // The worker hands the job back for 5 s (its default base delay); its second failure moves it to the DLQ.
      await eventually(async () => (await deadCount()) === 1, 'the dead letter', 30_000);
      const failures = running.logs.filter((l) => String(l.msg).startsWith('job failed') && l.group === entry.id);
      assert.deepEqual(
        failures.map((l) => l.msg),
        ['job failed; it will be retried', 'job failed; it goes to the dead letters'],
      );
      for (const line of failures) assert.match(String(line.reason), /the export renderer is out of memory/);
      const [dead] = await new SqsQueue({ client: sqs.client, queueUrl, deadLetterQueueUrl }).deadLetters();
      assert.equal(dead?.groupId, entry.id);
      assert.match(dead?.reason ?? '', /^failed 2 times; last reason: .*the export renderer is out of memory/);
      assert.equal(running.logs.filter((l) => l.msg === 'job done').length, 0);
      const store = await openObjectStore(registry);
      assert.equal(await store.getObject(latestPointerKey(`benchling/${entry.displayId}`)), undefined);
      assert.deepEqual(await manifests(store), []);
    } finally {
      sandbox.faults.clear();
      await running.stop();
      await sqs.stop();
    }
  });
});
