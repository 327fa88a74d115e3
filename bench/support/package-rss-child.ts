// bench/package, memory half: one packaging job in a process of its own, so that its peak RSS
// is the job's and not the sandbox's (which builds the 2 GiB export ZIP in the parent).
// Reports `process.memoryUsage().rss` over IPC every 50 ms and, at the end, the kernel's
// high-water mark (VmHWM), which also catches a peak that fell between two samples.
//   mode `package`: packageEntry into a LocalDirectoryStore.
//   mode `floor`:   the same export download, then each ZIP file piped to a plain file
//                   (no hashing, no temp-file commit, no manifest).
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pino from 'pino';
import { BenchlingClient } from '../../src/benchling/benchling-client.ts';
import { RateLimiter } from '../../src/benchling/rate-limiter.ts';
import { readZipEntries } from '../../src/benchling/zip-entries.ts';
import { LocalDirectoryStore } from '../../src/storage/local-directory-store.ts';
import { packageEntry } from '../../src/worker/package-entry.ts';

const mode = process.argv[2];
const env = (name: string) => process.env[name] ?? '';
const send = (message: object) => process.send?.(message);

const sampler = setInterval(() => send({ rss: process.memoryUsage().rss }), 50);
send({ rss: process.memoryUsage().rss, baseline: true });

const client = new BenchlingClient({
  apiBase: env('BENCH_API'),
  clientId: env('BENCH_CLIENT_ID'),
  clientSecret: env('BENCH_CLIENT_SECRET'),
  rateLimiter: new RateLimiter({ limit: 10_000, windowMs: 1_000 }),
});
const work = env('BENCH_WORK');
const started = performance.now();
if (mode === 'package') {
  const store = new LocalDirectoryStore(join(work, 'registry'));
  await packageEntry(env('BENCH_ENTRY'), { client, store, prefix: 'bench', log: pino({ level: 'silent' }), tempRoot: work });
} else {
  const dir = await mkdtemp(join(work, 'floor-'));
  const zip = await client.exportEntryZip(env('BENCH_ENTRY'), dir);
  const out = join(work, 'floor-out');
  await mkdir(out, { recursive: true });
  let i = 0;
  for await (const file of readZipEntries(zip.path)) await pipeline(await file.open(), createWriteStream(join(out, String(i++))));
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
send({ rss: process.memoryUsage().rss, done: true, seconds, hwm: hwmKb * 1024 });
process.disconnect?.();
