import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { runBin } from '../support/cli-harness.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';

/**
 * `backfill` killed (SIGKILL, no chance to clean up) half-way through 150 entries, then run
 * again: the second run finishes the rest, and no entry is packaged twice.
 */

const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));
const ENTRIES = 150;

let sandbox: SandboxTenant;
let store: ObjectStore;
let env: Record<string, string | undefined>;
let argv: string[];

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: { limit: 60, windowMs: 1000 }, exportTiming: { polls: 0, ms: 0 }, seedDemoEntry: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  for (let i = 0; i < ENTRIES; i++) {
    const at = new Date(Date.parse('2024-02-01T00:00:00Z') + i * 60_000).toISOString();
    sandbox.addEntry({ createdAt: at, modifiedAt: at });
  }
  const registry = await mkdtemp(join(tmpdir(), 'bw-backfill-kill-reg-'));
  store = await openObjectStore(registry);
  const service = sandbox.serviceEnv();
  env = {
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-backfill-kill-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-backfill-kill-data-')),
    BENCHLING_RATE_LIMIT: '60/1s',
    WORKER_CONCURRENCY: '16',
    BENCHLING_SECRETS: service.BENCHLING_SECRETS,
    BENCHLING_API_URL: service.BENCHLING_API_URL,
    BENCHLING_JWKS_URL: service.BENCHLING_JWKS_URL,
    REGISTRY: registry,
    LOG_LEVEL: 'warn',
  };
  argv = ['backfill', '--host', '127.0.0.1', '--port', '0'];
});
after(() => sandbox.stop());

async function revisions(displayId: string): Promise<number> {
  let n = 0;
  for await (const key of store.listKeys(`.quilt/named_packages/benchling/${displayId}/`)) if (!key.endsWith('/latest')) n++;
  return n;
}

test('a backfill killed half-way and run again finishes, with every entry packaged once', async () => {
  const child = spawn(process.execPath, [BIN, ...argv], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const killed = new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const packaged = [...stderr.matchAll(/packaged (\d+)/g)].map((m) => Number(m[1])).at(-1) ?? 0;
      if (packaged >= 40 && child.exitCode === null && !child.killed) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  await Promise.race([killed, exited]);
  await exited;
  captured('killed backfill stderr', stderr);
  assert.ok(child.signalCode === 'SIGKILL', `the first run was killed (it ended by itself: ${stderr.slice(-300)})`);
  const before = sandbox.entries.map((e) => e.displayId);
  const firstCounts = await Promise.all(before.map(revisions));
  assert.ok(firstCounts.filter((n) => n === 1).length < ENTRIES, 'the first run did not finish');

  const second = await runBin(argv, env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /backfill done: .*failed 0/);
  const counts = await Promise.all(before.map(revisions));
  assert.deepEqual(counts, before.map(() => 1), 'each entry packaged exactly once over both runs');
});
