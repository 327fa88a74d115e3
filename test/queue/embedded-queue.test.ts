import assert from 'node:assert/strict';
import { appendFile, chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedQueue, JOURNAL_FILE } from '../../src/queue/embedded-queue.ts';
import type { EmbeddedQueueOptions } from '../../src/queue/embedded-queue.ts';
import type { Lease, Queue } from '../../src/queue/queue.ts';
import { tempDirs } from './temp-dirs.ts';

const dirs = tempDirs();
after(() => dirs.removeAll());

/** Receives and acks until the queue is empty; returns what was delivered, in order. */
async function drain(queue: Queue): Promise<Lease[]> {
  const delivered: Lease[] = [];
  for (;;) {
    const leases = await queue.receive({ max: 50 });
    if (leases.length === 0) return delivered;
    delivered.push(...leases);
    await Promise.all(leases.map((lease) => lease.ack()));
  }
}

async function journalLines(dir: string): Promise<string[]> {
  return (await readFile(join(dir, JOURNAL_FILE), 'utf8')).split('\n').filter(Boolean);
}

async function reopen(queue: EmbeddedQueue, dir: string, options: EmbeddedQueueOptions = {}): Promise<EmbeddedQueue> {
  await queue.close();
  return EmbeddedQueue.open(dir, options);
}

describe('coalescing', () => {
  test('a burst of 20 edits while the entry is exporting costs at most 2 exports', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make());
    await queue.enqueue({ groupId: 'etr_1', dedupId: 'wh_0', body: { rev: 0 }, coalesce: true });
    const [running] = await queue.receive();
    const burst = [];
    for (let rev = 1; rev <= 20; rev++) burst.push(await queue.enqueue({ groupId: 'etr_1', dedupId: `wh_${rev}`, body: { rev }, coalesce: true }));
    assert.equal(burst.filter((result) => !result.coalesced).length, 1, 'one follow-up job');
    assert.equal(new Set(burst.map((result) => result.jobId)).size, 1, 'all merged into the follow-up');
    await running!.ack();
    const rest = await drain(queue);
    assert.deepEqual(
      rest.map((lease) => lease.body),
      [{ rev: 20 }],
      'the follow-up carries the latest edit',
    );
    await queue.close();
  });

  test('edits to an idle entry merge into the one waiting job', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make());
    for (let rev = 1; rev <= 20; rev++) await queue.enqueue({ groupId: 'etr_1', dedupId: `wh_${rev}`, body: { rev }, coalesce: true });
    assert.deepEqual((await queue.depth()).waiting, 1);
    assert.deepEqual(
      (await drain(queue)).map((lease) => lease.body),
      [{ rev: 20 }],
    );
    await queue.close();
  });

  test('nothing merges into a job that was not enqueued to coalesce, nor across groups', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make());
    await queue.enqueue({ groupId: 'etr_1', dedupId: 'button', body: { action: 'export' } });
    const edit = await queue.enqueue({ groupId: 'etr_1', dedupId: 'edit', body: { rev: 1 }, coalesce: true });
    const other = await queue.enqueue({ groupId: 'etr_2', dedupId: 'edit2', body: { rev: 1 }, coalesce: true });
    assert.equal(edit.coalesced, false);
    assert.equal(other.coalesced, false);
    assert.equal((await queue.depth()).waiting, 3);
    await queue.close();
  });

  test('a repeated dedupId of a merged edit is a duplicate of the job it merged into', async () => {
    const dir = await dirs.make();
    let queue = await EmbeddedQueue.open(dir);
    const first = await queue.enqueue({ groupId: 'g', dedupId: 'a', body: { rev: 1 }, coalesce: true });
    await queue.enqueue({ groupId: 'g', dedupId: 'b', body: { rev: 2 }, coalesce: true });
    queue = await reopen(queue, dir);
    assert.deepEqual(await queue.enqueue({ groupId: 'g', dedupId: 'b', body: { rev: 3 }, coalesce: true }), { jobId: first.jobId, duplicate: true, coalesced: false });
    assert.deepEqual(
      (await drain(queue)).map((lease) => lease.body),
      [{ rev: 2 }],
    );
    await queue.close();
  });
});

describe('restart', () => {
  test('leases die with the process: the job comes back, its receive count kept, until the receive limit', async () => {
    const dir = await dirs.make();
    let queue = await EmbeddedQueue.open(dir, { maxReceives: 2 });
    const { jobId } = await queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} });
    assert.equal((await queue.receive())[0]?.receiveCount, 1);
    queue = await reopen(queue, dir, { maxReceives: 2 });
    const [again] = await queue.receive();
    assert.deepEqual([again?.jobId, again?.receiveCount], [jobId, 2]);
    queue = await reopen(queue, dir, { maxReceives: 2 });
    assert.deepEqual(await queue.receive(), []);
    const [dead] = await queue.deadLetters();
    assert.equal(dead?.jobId, jobId);
    assert.match(dead?.reason ?? '', /delivered 2 times without finishing \(0 failed;/);
    await queue.close();
  });

  test('dedup ids, retry reasons, delays and dead letters survive a reopen', async () => {
    const dir = await dirs.make();
    let queue = await EmbeddedQueue.open(dir, { maxFailures: 1 });
    const acked = await queue.enqueue({ groupId: 'g1', dedupId: 'wh_acked', body: {} });
    await queue.enqueue({ groupId: 'g2', dedupId: 'wh_dead', body: { n: 2 } });
    for (const lease of await queue.receive({ max: 2 })) await (lease.groupId === 'g1' ? lease.ack() : lease.retry('export failed: 500'));
    queue = await reopen(queue, dir, { maxFailures: 1 });
    assert.deepEqual(await queue.enqueue({ groupId: 'g1', dedupId: 'wh_acked', body: {} }), { jobId: acked.jobId, duplicate: true, coalesced: false });
    assert.deepEqual(
      (await queue.deadLetters()).map(({ groupId, body, receiveCount, reason }) => ({ groupId, body, receiveCount, reason })),
      [{ groupId: 'g2', body: { n: 2 }, receiveCount: 1, reason: 'export failed: 500' }],
    );
    await queue.close();
  });

  test('failures are counted apart from deliveries, across reopens and compactions', async () => {
    const dir = await dirs.make();
    const options = { maxFailures: 3 };
    let queue = await EmbeddedQueue.open(dir, options);
    const { jobId } = await queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} });
    await (await queue.receive())[0]!.retry('one');
    queue = await reopen(queue, dir, options);
    await queue.receive(); // cut by the next reopen: a delivery, not a failure
    queue = await reopen(queue, dir, options);
    await (await queue.receive())[0]!.retry('two');
    await queue.compact();
    queue = await reopen(queue, dir, options);
    const [third] = await queue.receive();
    assert.deepEqual([third?.jobId, third?.receiveCount, third?.failures], [jobId, 4, 2]);
    await third!.retry('three');
    assert.deepEqual(
      (await queue.deadLetters()).map(({ jobId: id, receiveCount, reason }) => [id, receiveCount, reason]),
      [[jobId, 4, 'three']],
    );
    await queue.close();
  });

  test('a journal written before failures were counted apart: its retries count as deliveries only', async () => {
    const dir = await dirs.make();
    const old = [{ t: 'journal', v: 1 }, { t: 'enq', id: 'j1', g: 'g', d: 'd1', b: {}, at: 1 }, { t: 'lease', id: 'j1', n: 1 }, { t: 'retry', id: 'j1', r: 'boom', v: 0 }];
    await writeFile(join(dir, JOURNAL_FILE), old.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const queue = await EmbeddedQueue.open(dir);
    const [lease] = await queue.receive();
    assert.deepEqual([lease?.jobId, lease?.receiveCount, lease?.failures], ['j1', 2, 0]);
    await queue.close();
  });

  test('a retry delay still holds after a reopen', async () => {
    const dir = await dirs.make();
    let queue = await EmbeddedQueue.open(dir);
    await queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} });
    await (await queue.receive())[0]!.retry('later', 60_000);
    queue = await reopen(queue, dir);
    assert.deepEqual(await queue.depth(), { waiting: 1, inFlight: 0, dead: 0 });
    assert.deepEqual(await queue.receive(), []);
    await queue.close();
  });

  test('dedup ids are forgotten after their ttl', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make(), { dedupTtlMs: 50 });
    await queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} });
    await sleep(80);
    assert.equal((await queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} })).duplicate, false);
    await queue.close();
  });
});

describe('journal', () => {
  test('a torn last line is dropped and the queue carries on', async () => {
    const dir = await dirs.make();
    let queue = await EmbeddedQueue.open(dir);
    for (const n of [1, 2, 3]) await queue.enqueue({ groupId: 'g', dedupId: `d${n}`, body: { n } });
    await queue.close();
    await appendFile(join(dir, JOURNAL_FILE), '{"t":"enq","id":"torn","g":"g","d":"d4","b":{"n":');
    queue = await EmbeddedQueue.open(dir);
    assert.ok(queue.recovery.tornBytes > 0);
    await queue.enqueue({ groupId: 'g', dedupId: 'd5', body: { n: 5 } });
    queue = await reopen(queue, dir);
    assert.deepEqual(
      (await drain(queue)).map((lease) => lease.body.n),
      [1, 2, 3, 5],
    );
    for (const line of await journalLines(dir)) JSON.parse(line);
    await queue.close();
  });

  test('a zero-filled tail (lost blocks after power loss) is dropped too', async () => {
    const dir = await dirs.make();
    let queue = await EmbeddedQueue.open(dir);
    await queue.enqueue({ groupId: 'g', dedupId: 'd1', body: { n: 1 } });
    await queue.close();
    await appendFile(join(dir, JOURNAL_FILE), Buffer.concat([Buffer.alloc(4096), Buffer.from('\n'), Buffer.alloc(100)]));
    queue = await EmbeddedQueue.open(dir);
    assert.deepEqual(
      (await drain(queue)).map((lease) => lease.body.n),
      [1],
    );
    await queue.close();
  });

  test('a damaged line followed by good ones is skipped, reported and compacted away', async () => {
    const dir = await dirs.make();
    let queue = await EmbeddedQueue.open(dir);
    for (const n of [1, 2]) await queue.enqueue({ groupId: `g${n}`, dedupId: `d${n}`, body: { n } });
    await queue.close();
    const lines = await journalLines(dir);
    lines.splice(2, 0, '{"t":"ack","id":');
    await writeFile(join(dir, JOURNAL_FILE), `${lines.join('\n')}\n`);
    queue = await EmbeddedQueue.open(dir);
    assert.deepEqual(queue.recovery.skippedLines, [3]);
    assert.equal((await queue.depth()).waiting, 2);
    for (const line of await journalLines(dir)) JSON.parse(line);
    await queue.close();
  });

  test('a journal written by a newer format is refused, not repaired', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, JOURNAL_FILE), '{"t":"journal","v":2}\n{"t":"job2"}\n');
    await assert.rejects(EmbeddedQueue.open(dir), { code: 'queue_journal_version' });
    assert.equal((await journalLines(dir)).length, 2);
  });

  test('compaction keeps live jobs in order, dead letters and dedup ids', async () => {
    const dir = await dirs.make();
    const options = { compactMinRecords: 32, maxFailures: 1 };
    let queue = await EmbeddedQueue.open(dir, options);
    const results = await Promise.all(Array.from({ length: 300 }, (_, n) => queue.enqueue({ groupId: `g${n % 7}`, dedupId: `d${n}`, body: { n } })));
    let events = 300;
    for (let round = 0; round < 40; round++) {
      const leases = await queue.receive({ max: 7 });
      events += leases.length * 2;
      await Promise.all(leases.map((lease) => (lease.body.n === 3 ? lease.retry('bad entry') : lease.ack())));
    }
    const live = await queue.depth();
    assert.equal(live.dead, 1);
    // What a compacted journal holds: 300 remembered dedup ids, the live jobs, the dead letter, a header.
    const compacted = 300 + live.waiting + live.dead + 1;
    const lines = (await journalLines(dir)).length;
    assert.ok(lines < events && lines <= 2 * compacted + 14, `the journal was not compacted: ${lines} lines for ${events} events`);
    queue = await reopen(queue, dir, options);
    assert.deepEqual(await queue.depth(), live);
    assert.equal((await queue.deadLetters())[0]?.reason, 'bad entry');
    assert.equal((await queue.enqueue({ groupId: 'g0', dedupId: 'd0', body: {} })).jobId, results[0]!.jobId);
    const rest = await drain(queue);
    assert.equal(rest.length, live.waiting);
    for (let g = 0; g < 7; g++) {
      const ns = rest.filter((lease) => lease.groupId === `g${g}`).map((lease) => Number(lease.body.n));
      assert.deepEqual(ns, [...ns].sort((a, b) => a - b), `group g${g} out of order after compaction`);
    }
    await queue.close();
  });

  test('enqueues that race a compaction all land in the new journal', async () => {
    const dir = await dirs.make();
    // Ids forgotten at once keep the live set small, so compactions come often.
    const options = { compactMinRecords: 16, dedupTtlMs: 1 };
    let queue = await EmbeddedQueue.open(dir, options);
    const live = new Set<string>();
    let written = 0;
    for (let round = 0; round < 30; round++) {
      const leases = await queue.receive({ max: 10 });
      const enqueues = Array.from({ length: 10 }, (_, n) => queue.enqueue({ groupId: `g${n}`, dedupId: `r${round}n${n}`, body: {} }));
      const [results] = await Promise.all([Promise.all(enqueues), ...leases.map((lease) => lease.ack())]);
      for (const lease of leases) live.delete(lease.jobId);
      for (const result of results) live.add(result.jobId);
      written += 10 + leases.length * 2;
    }
    assert.ok((await journalLines(dir)).length < written / 2, 'no compaction happened');
    queue = await reopen(queue, dir, options);
    assert.deepEqual(new Set((await drain(queue)).map((lease) => lease.jobId)), live);
    await queue.close();
  });
});

describe('files', () => {
  /** Permission bits of the folder and of every file in it, by name. */
  async function modes(dir: string): Promise<Record<string, string>> {
    const out: Record<string, string> = { '.': ((await stat(dir)).mode & 0o777).toString(8) };
    for (const name of await readdir(dir)) out[name] = ((await stat(join(dir, name))).mode & 0o777).toString(8);
    return out;
  }

  test('a new queue folder is 0700 and its journal, lock and compacted journal 0600', async () => {
    const dir = join(await dirs.make(), 'data', 'queue');
    const queue = await EmbeddedQueue.open(dir, { compactMinRecords: 4 });
    for (let n = 0; n < 10; n++) await queue.enqueue({ groupId: 'g', dedupId: `d${n}`, body: { n } });
    assert.deepEqual(await modes(dir), { '.': '700', [JOURNAL_FILE]: '600', 'queue.lock': '600' });
    await drain(queue);
    await queue.compact();
    assert.deepEqual(await modes(dir), { '.': '700', [JOURNAL_FILE]: '600', 'queue.lock': '600' });
    await queue.close();
  });

  test('a folder an older release made readable by all is made private on open, its jobs kept', async () => {
    const dir = await dirs.make();
    let queue = await EmbeddedQueue.open(dir);
    await queue.enqueue({ groupId: 'g', dedupId: 'a', body: { kept: true } });
    await queue.close();
    // As an older release left it: a 0755 folder, a 0644 journal, and the temp file of a compaction cut by a crash.
    await writeFile(join(dir, `${JOURNAL_FILE}.tmp`), '', { mode: 0o644 });
    await chmod(join(dir, `${JOURNAL_FILE}.tmp`), 0o644);
    await chmod(join(dir, JOURNAL_FILE), 0o644);
    await chmod(dir, 0o755);
    queue = await EmbeddedQueue.open(dir);
    assert.deepEqual(await modes(dir), { '.': '700', [JOURNAL_FILE]: '600', [`${JOURNAL_FILE}.tmp`]: '600', 'queue.lock': '600' });
    assert.deepEqual(
      (await drain(queue)).map((lease) => lease.body),
      [{ kept: true }],
    );
    await queue.close();
  });
});

describe('leases and lifecycle', () => {
  test('a worker whose lease expired and was handed on cannot settle the job', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make(), { visibilityTimeoutMs: 50 });
    await queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} });
    const [slow] = await queue.receive();
    const [next] = await queue.receive({ waitMs: 1000 });
    await assert.rejects(slow!.ack(), { code: 'queue_lease_lost' });
    await next!.ack();
    await queue.close();
  });

  test('a second queue on the same directory is refused', async () => {
    const dir = await dirs.make();
    const queue = await EmbeddedQueue.open(dir);
    await assert.rejects(EmbeddedQueue.open(dir), { code: 'queue_locked' });
    await queue.close();
    await (await EmbeddedQueue.open(dir)).close();
  });

  test('close ends a long poll in progress with nothing, and hands out no job on the way', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make());
    const polling = queue.receive({ waitMs: 10_000 });
    const enqueued = queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} });
    await queue.close();
    await enqueued;
    assert.deepEqual(await polling, []);
  });

  test('odd waits neither spin nor hang: NaN is no wait, Infinity waits for a job', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make());
    assert.deepEqual(await queue.receive({ waitMs: Number.NaN, max: Number.NaN }), []);
    const polling = queue.receive({ waitMs: Infinity });
    await queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} });
    assert.equal((await polling).length, 1);
    await queue.close();
  });

  test('after a failed write the queue refuses everything and says why', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make());
    await queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} });
    // No portable way to make a disk fail: close the journal's file under it instead.
    await (queue as unknown as { journal: { handle: { close(): Promise<void> } } }).journal.handle.close();
    await assert.rejects(queue.enqueue({ groupId: 'g', dedupId: 'b', body: {} }), { code: 'queue_write_failed' });
    await assert.rejects(queue.enqueue({ groupId: 'g', dedupId: 'a', body: {} }), { code: 'queue_write_failed' });
    const check = await queue.check();
    assert.equal(check.ok, false);
    await queue.close().catch(() => undefined);
  });

  test('bad jobs and options are refused with a code', async () => {
    const queue = await EmbeddedQueue.open(await dirs.make());
    await assert.rejects(queue.enqueue({ groupId: '', dedupId: 'a', body: {} }), { code: 'queue_bad_job' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await assert.rejects(queue.enqueue({ groupId: 'g', dedupId: 'a', body: cyclic }), { code: 'queue_bad_job' });
    await queue.close();
    await assert.rejects(EmbeddedQueue.open(await dirs.make(), { maxReceives: 0 }), { code: 'queue_bad_option' });
  });
});
