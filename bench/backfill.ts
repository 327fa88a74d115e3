/**
 * Backfill throughput against the bound the tenant's rate limit sets. A sandbox tenant with N
 * entries and a limit of LIMIT requests per WINDOW; `backfill` (the real command, on the
 * embedded queue, its worker in the same process) packages them all. The bound is the limit
 * divided by the API calls one entry cost in this very run (listing included): no backfill
 * can package entries faster than that. Prints both rates per minute and their ratio (target
 * ≥ 0.8). The window is shorter than Benchling's 30 s so that a run takes seconds; entries per
 * window, and so the ratio, do not depend on it.
 *
 *   node --import tsx bench/backfill.ts [entries=300] [window-seconds=2]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backfill } from '../src/cli/backfill.ts';
import type { BackfillOptions } from '../src/cli/commands/backfill.ts';
import type { CliIo } from '../src/cli/io.ts';
import { SandboxTenant } from '../src/sandbox/index.ts';
import { AwsSecretStore } from '../src/secret/aws-secret-store.ts';

const ENTRIES = Number(process.argv[2] ?? 300);
const WINDOW_MS = Number(process.argv[3] ?? 2) * 1000;
const LIMIT = 60;

const dirs = await Promise.all(['reg', 'cfg', 'data'].map((what) => mkdtemp(join(tmpdir(), `bench-backfill-${what}-`))));
const [registry, config, data] = dirs as [string, string, string];
const sandbox = await new SandboxTenant({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS }, exportTiming: { polls: 0, ms: 0 }, seedDemoEntry: false }).start();
try {
  for (let i = 0; i < ENTRIES; i++) {
    const at = new Date(Date.parse('2024-01-01T00:00:00Z') + i * 60_000).toISOString();
    sandbox.addEntry({ createdAt: at, modifiedAt: at });
  }
  const errors: string[] = [];
  const io: CliIo = {
    stdout: { write: () => undefined },
    stderr: { write: (t: string) => errors.push(t) },
    logs: { write: () => undefined },
    env: { ...process.env, XDG_CONFIG_HOME: config, XDG_DATA_HOME: data, BENCHLING_RATE_LIMIT: `${LIMIT}/${WINDOW_MS / 1000}s`, WORKER_CONCURRENCY: '16', LOG_LEVEL: 'warn' },
    readFile: (path) => readFile(path, 'utf8'),
    secretStore: () => new AwsSecretStore(),
  };
  const service = sandbox.serviceEnv();
  const options = { profile: 'default', host: '127.0.0.1', port: '0', secretTtl: '60', registry, benchlingSecrets: service.BENCHLING_SECRETS, benchlingApiUrl: service.BENCHLING_API_URL, benchlingJwksUrl: service.BENCHLING_JWKS_URL };
  const started = Date.now();
  const code = await backfill(options as BackfillOptions, io);
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) throw new Error(`backfill ended with ${code}:\n${errors.join('')}`);
  const calls = sandbox.log.entries.filter((r) => r.path.startsWith('/api/v2/')).length;
  const perEntry = calls / ENTRIES;
  const windowsPerMinute = 60_000 / WINDOW_MS;
  const bound = (LIMIT / perEntry) * windowsPerMinute;
  const rate = (ENTRIES / seconds) * 60;
  const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(58)}${value}\n`);
  line(`entries, API calls (per entry)`, `${ENTRIES}, ${calls} (${perEntry.toFixed(2)})`);
  line(`bound: ${LIMIT} calls per ${WINDOW_MS / 1000} s / calls per entry`, `${Math.round(bound)} entries/min`);
  line(`backfill: ${ENTRIES} entries in ${seconds.toFixed(1)} s`, `${Math.round(rate)} entries/min`);
  line(`at Benchling's 60 per 30 s the bound is`, `${(LIMIT / perEntry / 0.5).toFixed(1)} entries/min`);
  process.stdout.write(`ratio ${(rate / bound).toFixed(2)}\n`);
} finally {
  await sandbox.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}
