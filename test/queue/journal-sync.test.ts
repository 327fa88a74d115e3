import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { Journal } from '../../src/queue/journal.ts';
import type { JournalEvent } from '../../src/queue/journal-events.ts';
import { readJournal } from '../../src/queue/journal-file.ts';
import { tempDirs } from './temp-dirs.ts';

const dirs = tempDirs();
after(() => dirs.removeAll());

async function openJournal(syncIntervalMs: number): Promise<{ journal: Journal; path: string }> {
  const path = join(await dirs.make(), 'queue.jsonl');
  const journal = await Journal.open(path, await readJournal(path), {
    shouldCompact: () => false,
    snapshot: () => [],
    syncBeforeAck: false,
    syncIntervalMs,
  });
  return { journal, path };
}

function event(i: number): JournalEvent {
  return { t: 'ack', id: `job-${i}` };
}

/** Appends one event every `gapMs` for `count` events, each answered before the next. */
async function appendSpread(journal: Journal, count: number, gapMs: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await journal.append([event(i)]);
    await sleep(gapMs);
  }
}

test('background fdatasyncs start at most once per interval, however many writes there are', async () => {
  const { journal: throttled } = await openJournal(100);
  const before = throttled.backgroundSyncs;
  const started = Date.now();
  await appendSpread(throttled, 40, 5);
  const elapsed = Date.now() - started;
  const allowed = Math.ceil(elapsed / 100) + 1;
  const throttledSyncs = throttled.backgroundSyncs - before;
  assert.ok(throttledSyncs >= 1 && throttledSyncs <= allowed, `${throttledSyncs} syncs in ${elapsed} ms (at most ${allowed})`);
  await throttled.close();

  // The same writes with a 1 ms interval sync far more often: the limit is what keeps the count down.
  const { journal: eager } = await openJournal(1);
  const eagerBefore = eager.backgroundSyncs;
  await appendSpread(eager, 40, 5);
  assert.ok(eager.backgroundSyncs - eagerBefore > throttledSyncs * 3, `${eager.backgroundSyncs - eagerBefore} against ${throttledSyncs}`);
  await eager.close();
});

test('close flushes a sync still waiting for its turn, and every appended event is in the file', async () => {
  const { journal, path } = await openJournal(60_000);
  await journal.append([event(1)]);
  const afterFirst = journal.backgroundSyncs;
  await journal.append([event(2)]);
  assert.equal(journal.backgroundSyncs, afterFirst, 'the second write waits for the interval');
  await journal.close();
  assert.equal(journal.backgroundSyncs, afterFirst + 1, 'close ran the waiting sync');
  const contents = await readJournal(path);
  assert.deepEqual(
    contents.events.filter((e) => e.t === 'ack').map((e) => (e as { id: string }).id),
    ['job-1', 'job-2'],
  );
});
