// bench/package: issue 4's two packaging figures, each beside a floor measured in the same run.
//   1. Throughput to S3 (fauxqs on 127.0.0.1, in its own process): one 512 MiB file + 100 × 1 MiB
//      files packaged by packageEntry into an S3Store, against plain lib-storage Uploads
//      (8 MiB parts, the SDK's default queue of 4) of the same files. Both read the same export
//      ZIP, downloaded once before either runs, from local disk through the same ZIP reader:
//      the ratio isolates what packaging adds (hashing, byte counting, S3Store's upload
//      settings, the three documents, manifest and pointers), not the sandbox's ZIP
//      generation (~125 MB/s, slower than both), which would otherwise set both rates.
//      The export + download alone, and packageEntry end to end, are printed for reference.
//   2. Peak RSS of a job packaging a 2 GiB export (4 × 512 MiB) to a local registry, in a
//      child process, against a floor child that downloads the same export and pipes each
//      file to a plain file.
// Run: node --import tsx bench/package.ts [--rounds 2] [--skip-s3] [--skip-rss] [--queue-size N]
//   (add --cpu-prof --cpu-prof-dir=DIR to profile the bench and each S3 emulator)
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { link, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import pino from 'pino';
import { BenchlingClient, type BenchlingClientOptions, type ExportedZip } from '../src/benchling/benchling-client.ts';
import { RateLimiter } from '../src/benchling/rate-limiter.ts';
import { readZipEntries } from '../src/benchling/zip-entries.ts';
import { SandboxTenant } from '../src/sandbox/index.ts';
import { S3Store } from '../src/storage/s3-store.ts';
import { packageEntry } from '../src/worker/package-entry.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '2' }, 'skip-s3': { type: 'boolean' }, 'skip-rss': { type: 'boolean' }, 'queue-size': { type: 'string' } },
});
const ROUNDS = Number(values.rounds);
// Diagnostic: S3Store's parts in flight per upload (its default is 2; the floor's SDK default is 4).
const QUEUE_SIZE = values['queue-size'] === undefined ? undefined : Number(values['queue-size']);
const MiB = 1024 * 1024;
const PART = 8 * MiB;
const log = pino({ level: 'silent' });
const out = (line: string) => process.stdout.write(`${line}\n`);
const mbps = (bytes: number, seconds: number) => bytes / 1e6 / seconds;

/** A client whose export is a ZIP already on disk, hard-linked into the job's folder: no generation, no download. */
class PreExportedClient extends BenchlingClient {
  constructor(
    options: BenchlingClientOptions,
    private readonly zip: ExportedZip,
  ) {
    super(options);
  }

  override async exportEntryZip(_entryId: string, dir: string): Promise<ExportedZip> {
    const path = join(dir, basename(this.zip.path));
    await link(this.zip.path, path);
    return { ...this.zip, path };
  }
}

function clientOptions(sandbox: SandboxTenant): BenchlingClientOptions {
  return {
    apiBase: sandbox.url,
    clientId: sandbox.secret.client_id,
    clientSecret: sandbox.secret.client_secret,
    rateLimiter: new RateLimiter({ limit: 10_000, windowMs: 1_000 }),
  };
}

async function time<T>(run: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { seconds: (performance.now() - started) / 1000, value };
}

/** A fresh fauxqs per measurement: it holds every object in memory, and 612 MiB a time is plenty. */
async function emulator(): Promise<{ client: S3Client; bucket: string; stop(): Promise<void> }> {
  // The bench's own node flags (e.g. --cpu-prof), so a profiled run profiles the emulator too.
  const child = spawn(process.execPath, [...process.execArgv, 'bench/support/s3-emulator-server.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const match = /listening on (\S+)/.exec(text);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the S3 emulator exited with ${code}`)));
  });
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const bucket = 'bench-registry';
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    client,
    bucket,
    async stop() {
      client.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/** The floor: every file of the ZIP, read the same way, sent by a plain multipart Upload. */
async function floorUpload(client: S3Client, bucket: string, zipPath: string): Promise<void> {
  for await (const file of readZipEntries(zipPath)) {
    await new Upload({ client, params: { Bucket: bucket, Key: `floor/${file.path}`, Body: await file.open() }, partSize: PART }).done();
  }
}

async function s3Throughput(sandbox: SandboxTenant, work: string): Promise<void> {
  const attachments: Record<string, number> = { 'big.bin': 512 * MiB };
  for (let i = 0; i < 100; i++) attachments[`small/${String(i).padStart(3, '0')}.bin`] = MiB;
  const entry = sandbox.addEntry({ attachments });
  const options = clientOptions(sandbox);
  const exported = await time(() => new BenchlingClient(options).exportEntryZip(entry.id, join(work, 'export')));
  const zip = exported.value;
  const bytes = zip.uncompressedBytes;
  out(`bench/package S3: ${zip.files} files, ${(bytes / MiB).toFixed(0)} MiB (ZIP ${(zip.bytes / MiB).toFixed(0)} MiB); export + download ${mbps(zip.bytes, exported.seconds).toFixed(0)} MB/s`);

  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const runFloor = async () => {
      const s3 = await emulator();
      const result = await time(() => floorUpload(s3.client, s3.bucket, zip.path));
      await s3.stop();
      return result;
    };
    const runPackage = async () => {
      const s3 = await emulator();
      const store = new S3Store({ client: s3.client, bucket: s3.bucket, uploadQueueSize: QUEUE_SIZE });
      const client = new PreExportedClient(options, zip);
      const result = await time(() => packageEntry(entry.id, { client, store, prefix: 'bench', log, tempRoot: work }));
      await s3.stop();
      return result;
    };
    // Alternating which goes first: on this shared machine the first upload of a pair was
    // often the slower one, whichever it was.
    const floorFirst = round % 2 === 1;
    const floor = floorFirst ? await runFloor() : undefined;
    const packaged = await runPackage();
    const floorTimed = floor ?? (await runFloor());
    const ratio = floorTimed.seconds / packaged.seconds;
    ratios.push(ratio);
    out(
      `  round ${round} (${floorFirst ? 'floor first' : 'package first'}): floor ${mbps(bytes, floorTimed.seconds).toFixed(0)} MB/s (${floorTimed.seconds.toFixed(2)} s)  packageEntry ${mbps(bytes, packaged.seconds).toFixed(0)} MB/s (${packaged.seconds.toFixed(2)} s)  ratio ${ratio.toFixed(2)}`,
    );
  }
  const s3 = await emulator();
  const store = new S3Store({ client: s3.client, bucket: s3.bucket });
  const whole = await time(() => packageEntry(entry.id, { client: new BenchlingClient(options), store, prefix: 'bench', log, tempRoot: work }));
  await s3.stop();
  out(`  end to end (export + download + packaging): ${mbps(bytes, whole.seconds).toFixed(0)} MB/s (${whole.seconds.toFixed(2)} s)`);
  if (QUEUE_SIZE !== undefined) out(`  (packageEntry rounds with S3Store uploadQueueSize ${QUEUE_SIZE})`);
  const median = [...ratios].sort((a, b) => a - b)[Math.floor((ratios.length - 1) / 2)]!;
  out(`  ratio packageEntry/floor = ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${median.toFixed(2)} (target >= 0.80)`);
}

interface RssResult {
  baseline: number;
  sampledPeak: number;
  hwm: number;
  seconds: number;
}

function rssChild(mode: 'package' | 'floor', sandbox: SandboxTenant, entryId: string, work: string): Promise<RssResult> {
  const env = {
    ...process.env,
    BENCH_API: sandbox.url,
    BENCH_CLIENT_ID: sandbox.secret.client_id,
    BENCH_CLIENT_SECRET: sandbox.secret.client_secret,
    BENCH_ENTRY: entryId,
    BENCH_WORK: work,
  };
  const child: ChildProcess = fork('bench/support/package-rss-child.ts', [mode], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result: RssResult = { baseline: 0, sampledPeak: 0, hwm: 0, seconds: 0 };
  return new Promise((resolve, reject) => {
    child.on('message', (m: { rss: number; baseline?: boolean; done?: boolean; seconds?: number; hwm?: number }) => {
      if (m.baseline) result.baseline = m.rss;
      result.sampledPeak = Math.max(result.sampledPeak, m.rss);
      if (m.done) Object.assign(result, { seconds: m.seconds, hwm: m.hwm });
    });
    child.once('exit', (code) => (code === 0 && result.seconds > 0 ? resolve(result) : reject(new Error(`${mode} child exited with ${code}`))));
  });
}

async function peakRss(sandbox: SandboxTenant, work: string): Promise<void> {
  const attachments: Record<string, number> = {};
  for (let i = 0; i < 4; i++) attachments[`part-${i}.bin`] = 512 * MiB;
  const entry = sandbox.addEntry({ attachments });
  const bytes = 4 * 512 * MiB;
  out(`bench/package RSS: 4 × 512 MiB export (${(bytes / 2 ** 30).toFixed(0)} GiB) to a local registry, one child process per job`);
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  for (const mode of ['floor', 'package'] as const) {
    const dir = await mkdtemp(join(work, `rss-${mode}-`));
    const r = await rssChild(mode, sandbox, entry.id, dir);
    await rm(dir, { recursive: true, force: true });
    out(`  ${mode.padEnd(7)} peak RSS ${mb(r.hwm)} (VmHWM; sampled peak ${mb(r.sampledPeak)}, after imports ${mb(r.baseline)})  ${r.seconds.toFixed(1)} s, ${mbps(bytes, r.seconds).toFixed(0)} MB/s`);
  }
  out('  target: package peak RSS < 300 MB');
}

out(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
const work = await mkdtemp(join(tmpdir(), 'bw-bench-package-'));
const sandbox = await new SandboxTenant({ rateLimit: false }).start();
try {
  if (!values['skip-s3']) await s3Throughput(sandbox, work);
  if (!values['skip-rss']) await peakRss(sandbox, work);
} finally {
  await sandbox.stop();
  await rm(work, { recursive: true, force: true });
}
process.exit(0);
