import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { readZipEntries } from '../../src/benchling/zip-entries.ts';
import { generatedBytes, renderedFileName, SandboxTenant } from '../../src/sandbox/index.ts';
import { appError, clientFor, fakeTime } from './client-fixtures.ts';

const TASK = 'GET /api/v2/tasks/{id}';
const DOWNLOAD = 'GET /downloads/{token}.zip';
const fastPolls = { firstPollMs: 5, maxPollMs: 20 };

async function sha256(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

describe('BenchlingClient: exports', () => {
  let tenant: SandboxTenant;
  let root: string;
  let dirCount = 0;
  const freshDir = () => join(root, `job-${++dirCount}`);
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
    root = await mkdtemp(join(tmpdir(), 'benchling-client-'));
  });
  after(async () => {
    await tenant.stop();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    tenant.faults.clear();
    tenant.log.clear();
    tenant.exportTiming = { polls: 1, ms: 0 };
  });

  test('exportEntryZip exports, polls, downloads without credentials, and yields the files intact', async () => {
    const entry = tenant.addEntry({ attachments: { 'data/notes.txt': 'hello', 'raw/trace.bin': 3_000_000 } });
    const seen: { url: string; authorization: string | null }[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
      return fetch(input, init);
    };
    const client = clientFor(tenant, { fetch: recordingFetch });
    const zip = await client.exportEntryZip(entry.id, freshDir(), { wait: fastPolls });
    assert.equal(zip.files, 3);
    const files = new Map<string, { size: number; sha: string }>();
    for await (const file of readZipEntries(zip.path)) files.set(file.path, { size: file.size, sha: await sha256(await file.open()) });
    assert.deepEqual([...files.keys()].sort(), ['data/notes.txt', 'raw/trace.bin', renderedFileName(entry, 'html')].sort());
    assert.equal(files.get('data/notes.txt')!.sha, createHash('sha256').update('hello').digest('hex'));
    assert.equal(files.get('raw/trace.bin')!.sha, await sha256(generatedBytes('raw/trace.bin', 3_000_000)));

    const [download, ...api] = [seen.find((s) => s.url.includes('/downloads/'))!, ...seen.filter((s) => !s.url.includes('/downloads/'))];
    assert.equal(download.authorization, null, 'the presigned URL gets no Bearer token');
    for (const call of api) {
      assert.ok(call.url.startsWith(`${tenant.url}/api/v2/`), call.url);
      assert.match(call.authorization ?? '', /^(Bearer|Basic) /);
    }
  });

  test('polling starts at firstPollMs and doubles up to maxPollMs', async () => {
    tenant.exportTiming = { polls: 5 };
    const time = fakeTime();
    const client = clientFor(tenant, { now: time.now, sleep: time.sleep });
    const task = await client.waitForTask(await client.startExport(tenant.demoEntry.id), { firstPollMs: 250, maxPollMs: 3_000 });
    assert.equal(task.status, 'SUCCEEDED');
    assert.deepEqual(time.waits, [250, 500, 1_000, 2_000, 3_000, 3_000]);
    assert.equal(tenant.count(TASK), 6);
  });

  test("the client's taskWait sets the polling of calls that give none; a call's own wait still wins", async () => {
    tenant.exportTiming = { polls: 3 };
    const time = fakeTime();
    const client = clientFor(tenant, { now: time.now, sleep: time.sleep, taskWait: { firstPollMs: 5, maxPollMs: 20 } });
    await client.waitForTask(await client.startExport(tenant.demoEntry.id));
    assert.deepEqual(time.waits, [5, 10, 20, 20]);
    const defaults = fakeTime();
    const plain = clientFor(tenant, { now: defaults.now, sleep: defaults.sleep });
    await plain.waitForTask(await plain.startExport(tenant.demoEntry.id));
    assert.deepEqual(defaults.waits, [250, 500, 1_000, 2_000], 'without it, DEFAULT_TASK_WAIT');
    const own = fakeTime();
    const overridden = clientFor(tenant, { now: own.now, sleep: own.sleep, taskWait: { firstPollMs: 5, maxPollMs: 20 } });
    await overridden.waitForTask(await overridden.startExport(tenant.demoEntry.id), { firstPollMs: 100 });
    assert.deepEqual(own.waits, [100, 20, 20, 20]);
  });

  test('an undocumented status such as QUEUED counts as still running', async () => {
    tenant.failNext(TASK, { status: 200, body: { status: 'QUEUED' }, times: 2 });
    const time = fakeTime();
    const client = clientFor(tenant, { now: time.now, sleep: time.sleep });
    assert.equal((await client.waitForTask(await client.startExport(tenant.demoEntry.id))).status, 'SUCCEEDED');
    assert.equal(tenant.count(TASK), 4);
  });

  test('a FAILED export task is BENCHLING_EXPORT_FAILED with the task’s message', async () => {
    tenant.failNextExport('Entry is too large to export.');
    await assert.rejects(
      clientFor(tenant).exportEntryZip(tenant.demoEntry.id, freshDir(), { wait: fastPolls }),
      appError('BENCHLING_EXPORT_FAILED', /failed: Entry is too large to export\.$/),
    );
  });

  test('an export that never finishes is BENCHLING_EXPORT_TIMEOUT after timeoutMs', async () => {
    tenant.exportTiming = { polls: 1_000_000 };
    const time = fakeTime();
    const client = clientFor(tenant, { now: time.now, sleep: time.sleep });
    const taskId = await client.startExport(tenant.demoEntry.id);
    await assert.rejects(client.waitForTask(taskId, { timeoutMs: 60_000 }), appError('BENCHLING_EXPORT_TIMEOUT', /within 60 s \(last status: RUNNING\)/));
    assert.equal(time.waits.reduce((a, b) => a + b, 0), 60_000);
  });

  test('a truncated ZIP (complete-looking response) is EXPORT_ZIP_CORRUPT and nothing is left behind', async () => {
    tenant.truncateNextDownload();
    const dir = freshDir();
    await assert.rejects(clientFor(tenant).exportEntryZip(tenant.demoEntry.id, dir, { wait: fastPolls }), appError('EXPORT_ZIP_CORRUPT', /truncated or corrupt/));
    assert.deepEqual(await readdir(dir), []);
  });

  test('a download cut off mid-body is retried from the start', async () => {
    const entry = tenant.addEntry({ attachments: { 'big.bin': 2_000_000 } });
    tenant.truncateNextDownload({ abort: true, keepBytes: 100_000 });
    const time = fakeTime();
    const zip = await clientFor(tenant, { sleep: time.sleep }).exportEntryZip(entry.id, freshDir());
    assert.equal(zip.files, 2);
    assert.equal(tenant.count(DOWNLOAD), 2);
    assert.equal(tenant.requests(DOWNLOAD)[0]!.fault, 'truncated');
  });

  test('limits.maxDownloadBytes refuses a larger export (EXPORT_TOO_LARGE) and leaves no partial file', async () => {
    const entry = tenant.addEntry({ attachments: { 'big.bin': 2_000_000 } });
    const dir = freshDir();
    await assert.rejects(clientFor(tenant).exportEntryZip(entry.id, dir, { wait: fastPolls, limits: { maxDownloadBytes: 1_000_000 } }), appError('EXPORT_TOO_LARGE', /limit of 1000000 bytes/));
    assert.deepEqual(await readdir(dir), []);
    assert.equal(tenant.count(DOWNLOAD), 1, 'not retried');
  });

  test('a task id in Benchling\'s answer that is not an id is BENCHLING_BAD_RESPONSE, and never polled', async () => {
    const entry = tenant.addEntry();
    for (const taskId of ['..', '.', '../entries', '%2e%2e', 'x/..', '']) {
      tenant.failNext('POST /api/v2/exports', { status: 202, body: { taskId } });
      await assert.rejects(clientFor(tenant).exportEntryZip(entry.id, freshDir(), { wait: fastPolls }), appError('BENCHLING_BAD_RESPONSE', /taskId: not a Benchling id/), taskId);
    }
    assert.deepEqual(
      tenant.log.entries.filter((e) => e.path !== '/api/v2/token').map((e) => `${e.method} ${e.path}`),
      Array.from({ length: 6 }, () => 'POST /api/v2/exports'),
      'no GET of /api/v2/, /api/v2/entries/ or any task',
    );
  });

  test('a download URL that is not http(s) is never fetched', async () => {
    const client = clientFor(tenant);
    await assert.rejects(client.downloadToFile('file:///etc/passwd', join(root, 'x.zip')), appError('EXPORT_DOWNLOAD_FAILED', /not a plain http\(s\) URL/));
  });
});
