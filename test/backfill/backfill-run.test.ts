import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BenchlingClient } from '../../src/benchling/benchling-client.ts';
import { runBackfill, type BackfillQueue } from '../../src/backfill/backfill-run.ts';
import { BackfillCheckpoint } from '../../src/backfill/checkpoint.ts';
import { parseSelection } from '../../src/backfill/selection.ts';
import type { EntryJob } from '../../src/jobs/job.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import type { NewJob } from '../../src/queue/queue.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { clientFor } from '../benchling/client-fixtures.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { tempDirs } from '../queue/temp-dirs.ts';

/**
 * The backfill pass against the sandbox's real listing and a real embedded queue: what it
 * selects, what it queues, and what a re-run (after a finish or a crash) does again.
 */

const MINUTE = 60_000;
const START = Date.parse('2024-03-01T00:00:00Z');
const TOTAL = 200;
const SINCE = new Date(START + 49.5 * MINUTE).toISOString();
const dirs = tempDirs();

/** The queue, counting what was really added (neither a duplicate nor merged into a waiting job). */
function counted(queue: EmbeddedQueue) {
  const added: string[] = [];
  let duplicates = 0;
  const wrapped: BackfillQueue = {
    depth: () => queue.depth(),
    async enqueue(job: NewJob<EntryJob>) {
      const result = await queue.enqueue(job);
      if (result.duplicate || result.coalesced) duplicates++;
      else added.push(job.body.entryId);
      return result;
    },
  };
  return { wrapped, added, duplicates: () => duplicates };
}

/** Takes jobs off the queue as a worker would, so a bounded backfill can go on. */
function drain(queue: EmbeddedQueue): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) for (const lease of await queue.receive({ max: 10, waitMs: 20 })) await lease.ack();
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('runBackfill', () => {
  let tenant: SandboxTenant;
  let client: BenchlingClient;
  const ids: string[] = [];
  const list = (q: Parameters<BenchlingClient['listEntries']>[0]) => client.listEntries(q);
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false, seedDemoEntry: false }).start();
    knownSecretValues(tenant.secret.client_id, tenant.secret.client_secret);
    client = clientFor(tenant);
    for (let i = 0; i < TOTAL; i++) {
      const at = new Date(START + i * MINUTE).toISOString();
      ids.push(tenant.addEntry({ createdAt: at, modifiedAt: at }).id);
    }
  });
  after(async () => {
    await tenant.stop();
    await dirs.removeAll();
  });

  test('--dry-run counts and lists the selection, queues nothing and writes no checkpoint', async () => {
    const dir = await dirs.make();
    const queue = await EmbeddedQueue.open(join(dir, 'queue'));
    const checkpoint = await BackfillCheckpoint.open(join(dir, 'checkpoint.json'));
    const result = await runBackfill({ listEntries: list, queue: queue, checkpoint }, { selection: parseSelection({ since: SINCE }), dryRun: true, pageSize: 40 });
    assert.equal(result.counts.listed, 150);
    assert.equal(result.counts.queued, 0);
    assert.deepEqual(result.entries.map((e) => e.id), ids.slice(50));
    assert.equal((await queue.depth()).waiting, 0);
    await assert.rejects(access(checkpoint.path));
    await queue.close();
  });

  test('queues each selected entry once, never more than maxWaiting ahead; a second run queues nothing; an edited entry is queued again', async () => {
    const dir = await dirs.make();
    const queue = await EmbeddedQueue.open(join(dir, 'queue'));
    const { wrapped, added } = counted(queue);
    let deepest = 0;
    const watched: BackfillQueue = {
      enqueue: wrapped.enqueue,
      depth: async () => {
        const depth = await queue.depth();
        deepest = Math.max(deepest, depth.waiting);
        return depth;
      },
    };
    const consumer = drain(queue);
    const path = join(dir, 'checkpoint.json');
    const options = { selection: parseSelection({ since: SINCE }), maxWaiting: 3, pollMs: 5, pageSize: 40 };
    const first = await runBackfill({ listEntries: list, queue: watched, checkpoint: await BackfillCheckpoint.open(path) }, options);
    assert.deepEqual(first.counts, { listed: 150, unchanged: 0, queued: 150, packaged: 0, failed: 0 });
    assert.deepEqual(added, ids.slice(50));
    assert.ok(deepest <= 3, `the queue held ${deepest} waiting jobs when the backfill looked`);

    const second = await runBackfill({ listEntries: list, queue: watched, checkpoint: await BackfillCheckpoint.open(path) }, options);
    // It lists from where the first stopped: only the last entry again, which it knows unchanged.
    assert.deepEqual(second.counts, { listed: 1, unchanged: 1, queued: 0, packaged: 0, failed: 0 });

    tenant.updateEntry(ids[120]!, { name: 'Edited since the backfill' });
    const third = await runBackfill({ listEntries: list, queue: watched, checkpoint: await BackfillCheckpoint.open(path) }, options);
    assert.equal(third.counts.queued, 1);
    assert.deepEqual(added.slice(150), [ids[120]]);
    await consumer.stop();
    await queue.close();
  });

  test('a run that dies half-way (after a job is queued, before the checkpoint says so) is finished by the next, with no job twice', async () => {
    const dir = await dirs.make();
    const queue = await EmbeddedQueue.open(join(dir, 'queue'));
    const { wrapped, added, duplicates } = counted(queue);
    const consumer = drain(queue);
    const path = join(dir, 'checkpoint.json');
    let calls = 0;
    const dying: BackfillQueue = {
      depth: wrapped.depth,
      async enqueue(job) {
        const result = await wrapped.enqueue(job);
        if (++calls === 77) throw new Error('killed');
        return result;
      },
    };
    const options = { selection: parseSelection({}), maxWaiting: 5, pollMs: 5, pageSize: 30 };
    await assert.rejects(runBackfill({ listEntries: list, queue: dying, checkpoint: await BackfillCheckpoint.open(path) }, options), /killed/);
    const rerun = await runBackfill({ listEntries: list, queue: wrapped, checkpoint: await BackfillCheckpoint.open(path) }, options);
    assert.equal(rerun.counts.queued, TOTAL - 76, 'the 77th is queued again: the checkpoint never heard of it');
    assert.equal(duplicates(), 1, 'and the queue knew it already');
    assert.deepEqual([...added].sort(), [...ids].sort());
    await consumer.stop();
    await queue.close();
  });
});
