import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readZipEntries } from '../../src/benchling/zip-entries.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { clientFor } from './client-fixtures.ts';

const SIZE = 200 * 1024 * 1024;

function bytesIn(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/**
 * Real fetch, with the download body passed through a stream that notes, at every chunk the
 * client pulls, how far the bytes pulled so far run ahead of the bytes already in `dir`.
 */
function watchingFetch(dir: string) {
  const watch = { pulled: 0, maxAhead: 0 };
  const fetchImpl: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!String(input).includes('/downloads/') || response.body === null) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        watch.pulled += value.byteLength;
        watch.maxAhead = Math.max(watch.maxAhead, watch.pulled - bytesIn(dir));
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetchImpl, watch };
}

function rssPeak() {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  return { stop: () => (clearInterval(timer), peak - before) };
}

test('a 200 MiB export streams to disk and out of the ZIP without being held in memory', async () => {
  const tenant = await new SandboxTenant({ rateLimit: false }).start();
  const dir = await mkdtemp(join(tmpdir(), 'benchling-large-'));
  try {
    const entry = tenant.addEntry({ attachments: { 'huge.bin': SIZE } });
    const { fetchImpl, watch } = watchingFetch(dir);
    const rss = rssPeak();
    const zip = await clientFor(tenant, { fetch: fetchImpl }).exportEntryZip(entry.id, dir, { wait: { firstPollMs: 5 } });
    let streamed = 0;
    for await (const file of readZipEntries(zip.path)) {
      if (file.path !== 'huge.bin') continue;
      for await (const chunk of await file.open()) streamed += (chunk as Buffer).length;
    }
    const grown = rss.stop();

    assert.ok(zip.bytes > SIZE && watch.pulled === zip.bytes);
    assert.equal(streamed, SIZE, 'read back whole, CRC checked');
    // Structural: the body is piped to the file with backpressure, never accumulated.
    assert.ok(watch.maxAhead < 4 * 1024 * 1024, `the body ran ${watch.maxAhead} bytes ahead of the file`);
    assert.ok(grown < 100 * 1024 * 1024, `RSS grew by ${grown} bytes`);
  } finally {
    await tenant.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
