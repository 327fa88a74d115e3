import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import type { Lease } from '../../src/queue/queue.ts';
import { tempDirs } from './temp-dirs.ts';

const dirs = tempDirs();
after(() => dirs.removeAll());

/**
 * Random runs of enqueue / receive / ack / retry / defer / reopen checked against a plain
 * model: each group a FIFO list, at most one lease per group, every deliverable group
 * delivered when asked, dedup ids never queued twice, a job dead on its last failure or past
 * the receive limit and never otherwise, and neither a compaction nor a reopen changing
 * anything but (a reopen) voiding the leases.
 */
type Op =
  | { kind: 'enqueue'; group: number; dedup: number }
  | { kind: 'receive'; max: number }
  | { kind: 'ack' | 'retry' | 'defer'; pick: number }
  | { kind: 'compact' | 'reopen' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('enqueue' as const), group: fc.nat(2), dedup: fc.nat(25) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('receive' as const), max: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('ack' as const, 'retry' as const, 'defer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'compact' as const }, { kind: 'reopen' as const }) },
);

interface ModelJob {
  id: string;
  receives: number;
  failures: number;
}

const MAX_RECEIVES = 4;
const MAX_FAILURES = 2;
/** Delivered maxReceives times without finishing (cut by a reopen, deferred, or failed short of the limit): dead when next looked at. */
const exhausted = (job: ModelJob) => job.receives >= MAX_RECEIVES;
const OPTIONS = { maxReceives: MAX_RECEIVES, maxFailures: MAX_FAILURES, compactMinRecords: 8 };

test('the embedded queue behaves like its model across random runs and reopens', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 60, size: 'large' }), async (ops) => {
      const dir = await dirs.make();
      let queue = await EmbeddedQueue.open(dir, OPTIONS);
      const groups = new Map<string, ModelJob[]>();
      const dedup = new Map<string, string>();
      const dead = new Set<string>();
      let leases: Lease[] = [];
      try {
        for (const step of ops) {
          if (step.kind === 'enqueue') {
            const groupId = `g${step.group}`;
            const result = await queue.enqueue({ groupId, dedupId: `d${step.dedup}`, body: { dedup: step.dedup } });
            const known = dedup.get(`d${step.dedup}`);
            assert.deepEqual([result.duplicate, result.jobId], [known !== undefined, known ?? result.jobId]);
            if (known === undefined) {
              dedup.set(`d${step.dedup}`, result.jobId);
              groups.set(groupId, [...(groups.get(groupId) ?? []), { id: result.jobId, receives: 0, failures: 0 }]);
            }
          } else if (step.kind === 'receive') {
            const leased = new Set(leases.map((lease) => lease.groupId));
            const deliverable = [...groups].filter(([groupId, jobs]) => !leased.has(groupId) && jobs.some((job) => !exhausted(job)));
            const got = await queue.receive({ max: step.max });
            assert.equal(got.length, Math.min(step.max, deliverable.length));
            for (const lease of got) {
              const jobs = groups.get(lease.groupId) ?? [];
              // The queue dead-letters a head it finds delivered too often without an ack, then takes the next.
              while (jobs[0] && exhausted(jobs[0])) dead.add(jobs.shift()!.id);
              const head = jobs[0];
              assert.ok(head && !leased.has(lease.groupId), `delivered ${lease.groupId} out of turn`);
              head.receives++;
              assert.deepEqual([lease.jobId, lease.receiveCount, lease.failures], [head.id, head.receives, head.failures]);
              leased.add(lease.groupId);
            }
            leases.push(...got);
          } else if (step.kind === 'ack' || step.kind === 'retry' || step.kind === 'defer') {
            if (leases.length === 0) continue;
            const [lease] = leases.splice(step.pick % leases.length, 1);
            const jobs = groups.get(lease!.groupId)!;
            if (step.kind === 'ack') {
              await lease!.ack();
              jobs.shift();
            } else if (step.kind === 'defer') {
              await lease!.defer('later', 0);
            } else {
              await lease!.retry('no');
              if (++jobs[0]!.failures >= MAX_FAILURES) dead.add(jobs.shift()!.id);
            }
          } else if (step.kind === 'compact') {
            await queue.compact();
          } else {
            await queue.close();
            queue = await EmbeddedQueue.open(dir, OPTIONS);
            leases = [];
          }
        }
        // Exhausted heads not looked at since are dead or about to be: either is right.
        const limbo = new Set([...groups.values()].flat().filter(exhausted).map((job) => job.id));
        const live = [...groups.values()].reduce((n, jobs) => n + jobs.length, 0);
        const depth = await queue.depth();
        assert.equal(depth.inFlight, leases.length);
        assert.equal(depth.waiting + depth.inFlight + depth.dead, live + dead.size);
        const deadNow = new Set((await queue.deadLetters()).map((letter) => letter.jobId));
        for (const id of dead) assert.ok(deadNow.has(id), 'a dead job came back');
        for (const id of deadNow) assert.ok(dead.has(id) || limbo.has(id), 'a job died that should not have');
      } finally {
        await queue.close();
      }
    }),
    { numRuns: 60 },
  );
});
