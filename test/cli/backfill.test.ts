import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backfill } from '../../src/cli/backfill.ts';
import type { BackfillOptions } from '../../src/cli/commands/backfill.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { AwsSecretStore } from '../../src/secret/aws-secret-store.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { eventually } from '../support/registry-audit.ts';

/**
 * `backfill` on the embedded queue, end to end: 200 sandbox entries, --since selecting 150,
 * the tenant's limit of 60 requests per window, and live webhooks arriving throughout at the
 * service the backfill runs meanwhile. The window is 1 s instead of Benchling's 30 s, so the
 * test takes seconds: every count is real, only the clock is 30 times faster.
 */

const LIMIT = 60;
const WINDOW_MS = 1000;
const TOTAL = 200;
const MINUTE = 60_000;
const START = Date.parse('2024-05-01T00:00:00Z');
const SINCE = new Date(START + 49.5 * MINUTE).toISOString();
/** How long a live edit may take from its webhook to its package while the backfill runs. */
const LIVE_BOUND_MS = 5000;
const LIVE_EDITS = 10;

interface Run {
  code: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  url: () => Promise<string>;
}

function runBackfill(options: Partial<BackfillOptions>, env: Record<string, string | undefined>): Run {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    logs: { write: () => undefined },
    env,
    readFile: (path) => readFile(path, 'utf8'),
    secretStore: () => new AwsSecretStore(),
  };
  const code = backfill({ profile: 'default', host: '127.0.0.1', port: '0', secretTtl: '60', ...options } as BackfillOptions, io).finally(() => {
    captured('backfill output', out.join('') + err.join(''));
  });
  return {
    code,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    url: async () => {
      await eventually(() => /listening on \S+/.test(out.join('')), 'the backfill listening for webhooks', 10_000);
      return /listening on (\S+)/.exec(out.join(''))![1]!;
    },
  };
}

/** Revisions of a package: its timestamp pointers (every one but `latest`). */
async function revisions(store: ObjectStore, displayId: string): Promise<number> {
  let n = 0;
  for await (const key of store.listKeys(`.quilt/named_packages/benchling/${displayId}/`)) if (!key.endsWith('/latest')) n++;
  return n;
}

/** The most API calls the tenant saw in any window. */
function busiestWindow(sandbox: SandboxTenant): number {
  const calls = sandbox.log.entries.filter((r) => r.path.startsWith('/api/v2/')).map((r) => r.at).sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < calls.length; i++) {
    while (calls[i]! - calls[j]! >= WINDOW_MS) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}

describe('backfill: 200 entries, --since selecting 150, live webhooks meanwhile', () => {
  let sandbox: SandboxTenant;
  let store: ObjectStore;
  let env: Record<string, string | undefined>;
  let flags: Partial<BackfillOptions>;
  const old: string[] = [];
  before(async () => {
    sandbox = await new SandboxTenant({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS }, exportTiming: { polls: 0, ms: 0 }, seedDemoEntry: false }).start();
    knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
    for (let i = 0; i < TOTAL; i++) {
      const at = new Date(START + i * MINUTE).toISOString();
      old.push(sandbox.addEntry({ createdAt: at, modifiedAt: at }).id);
    }
    const registry = await mkdtemp(join(tmpdir(), 'bw-backfill-reg-'));
    store = await openObjectStore(registry);
    env = {
      ...process.env,
      XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-backfill-cfg-')),
      XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-backfill-data-')),
      BENCHLING_RATE_LIMIT: `${LIMIT}/${WINDOW_MS / 1000}s`,
      // Enough jobs at once that the rate budget, not the sandbox's export latency, sets the pace.
      WORKER_CONCURRENCY: '16',
    };
    const service = sandbox.serviceEnv();
    flags = { benchlingSecrets: service.BENCHLING_SECRETS, benchlingApiUrl: service.BENCHLING_API_URL, benchlingJwksUrl: service.BENCHLING_JWKS_URL, registry };
  });
  after(() => sandbox.stop());

  test('--dry-run lists the 150 and queues nothing', async () => {
    const run = runBackfill({ ...flags, since: SINCE, dryRun: true, json: true }, env);
    assert.equal(await run.code, 0, run.stderr());
    const answer = JSON.parse(run.stdout().trim().split('\n').at(-1)!) as { counts: { listed: number; queued: number }; entries: { id: string }[] };
    assert.equal(answer.counts.listed, 150);
    assert.deepEqual(answer.entries.map((e) => e.id), old.slice(50));
    assert.equal(sandbox.count('POST /api/v2/exports'), 0);
  });

  test('every selected entry packaged once, live edits packaged in time, the limit never passed; a second run packages nothing', async (t) => {
    const started = Date.now();
    const run = runBackfill({ ...flags, since: SINCE }, env);
    const url = await run.url();
    const latencies: number[] = [];
    const liveIds: string[] = [];
    const liveLoop = (async () => {
      // Ten edits over 5 s: the rate limit alone keeps 150 entries from being done in under 7.5 s.
      for (let i = 0; i < LIVE_EDITS; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const entry = sandbox.addEntry();
        liveIds.push(entry.id);
        const sentAt = Date.now();
        const reply = await sandbox.sendWebhook(`${url}/event`, sandbox.envelopes.entryCreated(entry.id));
        assert.equal(reply.status, 202, 'a live webhook is answered at once');
        void eventually(async () => (await readLatest(store, `benchling/${entry.displayId}`)) !== undefined, `live entry ${entry.displayId}`, 30_000).then(() => latencies.push(Date.now() - sentAt));
      }
    })();
    assert.equal(await run.code, 0, run.stderr());
    await liveLoop;
    const seconds = (Date.now() - started) / 1000;
    await eventually(() => latencies.length > 0, 'the live packages');
    t.diagnostic(`150 entries in ${seconds.toFixed(1)} s; ${latencies.length} live edits, slowest ${Math.max(...latencies)} ms; busiest window ${busiestWindow(sandbox)} calls`);
    // Entries created while it lists are modified since --since too: it lists them, and queues those not yet packaged.
    const done = /backfill done: listed (\d+) · unchanged (\d+) · queued (\d+) · packaged \3 · failed 0/.exec(run.stdout());
    assert.ok(done, run.stdout());
    const [listed, unchanged, queued] = done.slice(1).map(Number) as [number, number, number];
    assert.ok(listed === unchanged + queued && queued >= 150 && queued <= 150 + liveIds.length, run.stdout());
    assert.match(run.stderr(), /ETA/);
    const counts = await Promise.all(old.map((id) => revisions(store, sandbox.entry(id)!.displayId)));
    assert.deepEqual(counts, [...Array(50).fill(0), ...Array(150).fill(1)]);
    await eventually(() => latencies.length === liveIds.length, 'every live package');
    const live = await Promise.all(liveIds.map((id) => revisions(store, sandbox.entry(id)!.displayId)));
    assert.deepEqual(live, liveIds.map(() => 1), 'a live entry the backfill also listed is packaged once: the second job finds it unchanged');
    assert.ok(Math.max(...latencies) < LIVE_BOUND_MS, `a live edit took ${Math.max(...latencies)} ms`);
    assert.equal(sandbox.count(/.*/, 429), 0, 'no request was refused for the rate');
    assert.ok(busiestWindow(sandbox) <= LIMIT);

    const exports = sandbox.count('POST /api/v2/exports');
    const again = runBackfill({ ...flags, since: SINCE }, env);
    assert.equal(await again.code, 0, again.stderr());
    assert.match(again.stdout(), /queued 0 · packaged 0/);
    assert.equal(sandbox.count('POST /api/v2/exports'), exports, 'no export the second time');
  });
});
