import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { JOURNAL_FILE } from '../../src/queue/embedded-queue.ts';
import { readJournal } from '../../src/queue/journal-file.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { ServeProcess } from '../support/serve-process.ts';

let sandbox: SandboxTenant;
before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0, ms: 0 } }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
});
after(() => sandbox.stop());

test('200 signed events, SIGKILL midway, restart: every job that got a 202 is delivered', async (t) => {
  const env = {
    ...sandbox.serviceEnv(),
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-dur-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-dur-data-')),
    REGISTRY: await mkdtemp(join(tmpdir(), 'bw-dur-reg-')),
    LOG_LEVEL: 'info',
    // The sandbox has no rate limit here; the default budget (60/30 s) would pace the restart's work for minutes.
    BENCHLING_RATE_LIMIT: '100000/30s',
  };
  const first = await new ServeProcess(env).start();
  const accepted = new Set<string>();
  let sent = 0;
  let killed: Promise<unknown> | undefined;
  const sender = async () => {
    while (sent < 200) {
      const entry = sandbox.addEntry();
      sent += 1;
      if (sent === 100) killed = first.kill('SIGKILL');
      try {
        const reply = await sandbox.sendWebhook(`${first.url}/event`, sandbox.envelopes.entryCreated(entry.id));
        if (reply.status === 202) accepted.add((reply.body as { job: string }).job);
      } catch {
        // Refused or reset by the killed process: never acknowledged, so never promised.
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, sender));
  await killed;
  assert.ok(accepted.size >= 90, `only ${accepted.size} accepted before the kill`);

  // What the killed process left on disk: every accepted job must be there (enqueued, or
  // remembered by its dedup record after a compaction), and those not yet acked are owed.
  const { events } = await readJournal(join(env.XDG_DATA_HOME, 'benchling-webhook', 'queue', JOURNAL_FILE));
  const recorded = new Set(events.flatMap((e) => (e.t === 'enq' || e.t === 'dedup' || e.t === 'job' ? [e.id] : [])));
  const finished = new Set(events.flatMap((e) => (e.t === 'ack' ? [e.id] : [])));
  const lost = [...accepted].filter((id) => !recorded.has(id));
  assert.deepEqual(lost, [], `${lost.length} of ${accepted.size} accepted jobs are not in the journal`);
  const owed = [...accepted].filter((id) => !finished.has(id));
  t.diagnostic(`${accepted.size} accepted, ${owed.length} not yet done at the kill`);

  const second = await new ServeProcess(env).start();
  try {
    const delivered = () => new Set(second.messages('job done').map((l) => String(l.job)));
    // Every owed job is a real export through the worker: allow for the machine being busy.
    const deadline = Date.now() + 90_000;
    while (owed.some((id) => !delivered().has(id)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const undelivered = owed.filter((id) => !delivered().has(id));
    assert.deepEqual(undelivered, [], `${undelivered.length} of ${owed.length} owed jobs were not delivered after the restart`);
  } finally {
    await second.kill('SIGTERM');
  }
});
