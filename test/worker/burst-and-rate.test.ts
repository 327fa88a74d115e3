import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readLatest } from '../../src/quilt/read-package.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { auditRegistry, eventually } from '../support/registry-audit.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/**
 * Issue 4, point 3, through the real `serve`: a burst of edits to one entry costs at most two
 * exports, and many entries at once never push the tenant past the configured rate.
 */

const LIMIT = 40;
const WINDOW_MS = 2000;

async function startServe(sandbox: SandboxTenant, registry: string): Promise<ServeInProcess> {
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-burst-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-burst-data-')),
    // The documented 60/30s, scaled down so the test takes seconds, not minutes.
    BENCHLING_RATE_LIMIT: `${LIMIT}/${WINDOW_MS / 1000}s`,
  };
  const flags = sandbox.serviceEnv();
  return serveInProcess({ benchlingSecrets: flags.BENCHLING_SECRETS, benchlingApiUrl: flags.BENCHLING_API_URL, benchlingJwksUrl: flags.BENCHLING_JWKS_URL, registry }, env);
}

async function packagedAsNow(sandbox: SandboxTenant, store: ObjectStore, id: string): Promise<boolean> {
  const entry = sandbox.entry(id)!;
  const latest = await readLatest(store, `benchling/${entry.displayId}`);
  const meta = latest?.manifest.meta.user_meta as Record<string, unknown> | undefined;
  return meta?.name === entry.name && meta.modified_at === entry.modifiedAt;
}

describe('a burst of 20 v2.entry.updated.fields for one entry', () => {
  let sandbox: SandboxTenant;
  let running: ServeInProcess;
  let store: ObjectStore;
  before(async () => {
    sandbox = await new SandboxTenant({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS } }).start();
    knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
    const registry = await mkdtemp(join(tmpdir(), 'bw-burst-reg-'));
    store = await openObjectStore(registry);
    running = await startServe(sandbox, registry);
  });
  after(async () => {
    await running.stop();
    await sandbox.stop();
  });

  for (const spread of ['back to back', 'spread over 5 s'] as const) {
    test(`${spread}: at most 2 exports, and the package is the entry's last state`, async (t) => {
      const entry = sandbox.addEntry();
      const before = sandbox.count('POST /api/v2/exports');
      const jobs = new Set<string>();
      for (let i = 1; i <= 20; i++) {
        sandbox.updateEntry(entry.id, { name: `edit ${i}` });
        const sent = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedFields(entry.id, ['name']));
        assert.equal(sent.status, 202);
        // A coalesced event answers with the id of the waiting job it joined.
        jobs.add((sent.body as { job: string }).job);
        if (spread === 'spread over 5 s') await new Promise((resolve) => setTimeout(resolve, 240));
      }
      await eventually(() => packagedAsNow(sandbox, store, entry.id), 'the last edit packaged');
      // Let anything still queued for this entry run, so a late extra export would be counted.
      await eventually(() => {
        const done = new Set(running.logs.filter((l) => l.msg === 'job done').map((l) => String(l.job)));
        return [...jobs].every((id) => done.has(id));
      }, 'every queued job of the entry');
      const exports = sandbox.count('POST /api/v2/exports') - before;
      t.diagnostic(`${jobs.size} jobs and ${exports} exports for 20 events`);
      assert.ok(exports <= 2, `${exports} exports for one burst`);
    });
  }
});

describe('50 different entries queued at once', () => {
  test(`never more than ${LIMIT} API calls in any ${WINDOW_MS / 1000} s window, and no 429`, async (t) => {
    const sandbox = await new SandboxTenant({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS }, exportTiming: { polls: 0, ms: 0 } }).start();
    knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
    const registry = await mkdtemp(join(tmpdir(), 'bw-rate-reg-'));
    const store = await openObjectStore(registry);
    const running = await startServe(sandbox, registry);
    try {
      const entries = Array.from({ length: 50 }, () => sandbox.addEntry().id);
      const replies = await Promise.all(entries.map((id) => sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(id))));
      assert.deepEqual(new Set(replies.map((r) => r.status)), new Set([202]));
      await eventually(async () => (await Promise.all(entries.map((id) => packagedAsNow(sandbox, store, id)))).every(Boolean), 'all 50 packages', 60_000);
      // Every call the tenant's limit counts (/api/v2/: not the JWKS, not the presigned downloads).
      const calls = sandbox.log.entries.filter((r) => r.path.startsWith('/api/v2/')).map((r) => r.at).sort((a, b) => a - b);
      let worst = 0;
      let worstAt = 0;
      for (let i = 0, j = 0; i < calls.length; i++) {
        while (calls[i]! - calls[j]! >= WINDOW_MS) j++;
        if (i - j + 1 > worst) [worst, worstAt] = [i - j + 1, calls[j]!];
      }
      const inWorst = sandbox.log.entries.filter((r) => r.path.startsWith('/api/v2/') && r.at >= worstAt && r.at < worstAt + WINDOW_MS);
      const byRoute = new Map<string, number>();
      for (const r of inWorst) byRoute.set(r.route ?? r.path, (byRoute.get(r.route ?? r.path) ?? 0) + 1);
      t.diagnostic(`busiest window: ${JSON.stringify([...byRoute])}`);
      t.diagnostic(`${calls.length} API calls; at most ${worst} in any ${WINDOW_MS} ms window`);
      assert.ok(worst <= LIMIT, `${worst} calls in one window`);
      assert.equal(sandbox.log.entries.filter((r) => r.status === 429).length, 0);
      assert.deepEqual((await auditRegistry(store)).problems, []);
    } finally {
      await running.stop();
      await sandbox.stop();
    }
  });
});
