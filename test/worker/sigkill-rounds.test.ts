import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { JOB_RECEIVE_LIMIT } from '../../src/config/dead-letter-limits.ts';
import { JOURNAL_FILE } from '../../src/queue/embedded-queue.ts';
import type { JournalEvent } from '../../src/queue/journal-events.ts';
import { readJournal } from '../../src/queue/journal-file.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { auditRegistry, eventually } from '../support/registry-audit.ts';
import { WarmServe } from '../support/warm-serve.ts';

/**
 * Issue 4, point 2: `serve` killed with SIGKILL at random points 20 times while it packages;
 * one child process per round, all on the same data dir (the embedded queue) and registry.
 * After the last restart every job has completed and the registry is consistent.
 */

const ROUNDS = Number(process.env.SIGKILL_ROUNDS ?? 20);

/** Jobs still in the journal and how many deliveries each has had. */
function liveReceives(events: JournalEvent[]): Map<string, number> {
  const live = new Map<string, number>();
  for (const e of events) {
    if (e.t === 'enq') live.set(e.id, 0);
    else if (e.t === 'job') live.set(e.id, e.n);
    else if (e.t === 'lease') live.set(e.id, e.n);
    else if (e.t === 'ack' || e.t === 'dead') live.delete(e.id);
  }
  return live;
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let sandbox: SandboxTenant;
before(async () => {
  // Each export stays RUNNING for a while, so a kill often lands between export and manifest.
  sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0, ms: 400 } }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
});
after(() => sandbox.stop());

test(`SIGKILL at random points ${ROUNDS} times: every job completes, the registry stays consistent`, async (t) => {
  const seed = Number(process.env.SIGKILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`seed ${seed} (replay with SIGKILL_SEED=${seed})`);
  const random = prng(seed);
  const registry = await mkdtemp(join(tmpdir(), 'bw-kill-reg-'));
  const env = {
    ...sandbox.serviceEnv(),
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-kill-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-kill-data-')),
    REGISTRY: registry,
    LOG_LEVEL: 'info',
    BENCHLING_RATE_LIMIT: '100000/30s',
  };
  const journalPath = join(env.XDG_DATA_HOME, 'benchling-webhook', 'queue', JOURNAL_FILE);
  const entries = Array.from({ length: 8 }, (_, i) => sandbox.addEntry({ attachments: { 'data/run.csv': `entry,${i}\n`, 'raw/image.bin': 2 * 1024 * 1024 + i } }).id);
  let midJob = 0;
  let owedFirst: string[] = [];
  // The next process loads while the current one works, so each round costs the kill delay, not a TypeScript load.
  let next = new WarmServe(env).warm();
  for (let round = 1; round <= ROUNDS; round++) {
    const child = await (await next).go();
    next = new WarmServe(env).warm();
    const events: Parameters<SandboxTenant['sendWebhook']>[1][] = round === 1 ? entries.map((id) => sandbox.envelopes.entryCreated(id)) : [];
    if (round % 2 === 0) {
      // An edit of an earlier entry: a changed revision over data the registry already holds.
      const edited = entries[Math.floor(random() * entries.length)]!;
      sandbox.updateEntry(edited, { name: `edited in round ${round}` });
      events.push(sandbox.envelopes.entryUpdatedFields(edited, ['name']));
    }
    for (const event of events) assert.equal((await sandbox.sendWebhook(`${child.url}/event`, event)).status, 202);
    // A job cut by a crash is no failure, but it is a delivery, and the queue dead-letters a
    // job after JOB_RECEIVE_LIMIT deliveries however they ended (its guard against a job that
    // crashes the process every time). Jobs already cut that many times less 5 are let finish
    // in this life before the random kill, so the test stays under that guard rather than
    // measuring it (crash-loop.timed.test.ts does).
    const done = () => new Set(child.messages('job done').map((l) => String(l.job)));
    if (owedFirst.length > 0) await eventually(() => owedFirst.every((id) => done().has(id)), `jobs ${owedFirst.join(', ')} to finish`, 30_000);
    const delay = 100 + Math.floor(random() * 1200);
    await new Promise((resolve) => setTimeout(resolve, delay));
    await child.kill('SIGKILL');
    // Whatever the kill interrupted, `latest` is whole at every instant, not only at the end.
    const store = await openObjectStore(registry);
    assert.deepEqual((await auditRegistry(store, { midJob: true })).problems, [], `after the kill of round ${round}`);
    const owed = liveReceives((await readJournal(journalPath)).events);
    if (owed.size > 0) midJob += 1;
    owedFirst = [...owed].filter(([, n]) => n >= JOB_RECEIVE_LIMIT - 5).map(([id]) => id);
    t.diagnostic(`round ${round}: killed ${delay} ms after start, ${child.messages('job done').length} jobs done in this life, ${owed.size} owed`);
  }
  t.diagnostic(`${midJob} of ${ROUNDS} kills left jobs owed`);
  assert.ok(midJob >= ROUNDS / 2, 'most kills came while jobs were being worked on');

  const last = await (await next).go();
  const store = await openObjectStore(registry);
  try {
    // Done when every entry's latest revision is the entry as the sandbox has it now.
    const current = async () => {
      for (const id of entries) {
        const entry = sandbox.entry(id)!;
        const latest = await readLatest(store, `benchling/${entry.displayId}`).catch(() => undefined);
        const meta = latest?.manifest.meta.user_meta as Record<string, unknown> | undefined;
        if (meta?.name !== entry.name || meta.modified_at !== entry.modifiedAt) return false;
      }
      return true;
    };
    await eventually(current, 'every entry packaged as it is now', 45_000).catch(async (error: unknown) => {
      const journal = await readJournal(join(env.XDG_DATA_HOME, 'benchling-webhook', 'queue', JOURNAL_FILE));
      t.diagnostic(JSON.stringify(journal.events.filter((e) => e.t === 'dead')));
      t.diagnostic(JSON.stringify(last.logs.filter((l) => Number(l.level) >= 40).slice(0, 5)));
      throw error;
    });
  } finally {
    await last.kill('SIGTERM');
  }
  const { problems, latest } = await auditRegistry(store);
  assert.deepEqual(problems, []);
  assert.equal(latest.size, entries.length);
  const { events } = await readJournal(join(env.XDG_DATA_HOME, 'benchling-webhook', 'queue', JOURNAL_FILE));
  const dead = events.filter((e) => e.t === 'dead');
  assert.deepEqual(dead, [], 'no job was dead-lettered');
});
