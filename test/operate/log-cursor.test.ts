import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LATE_EVENT_WINDOW_MS, advanceCursor, startCursor, type LogLine } from '../../src/operate/log-cursor.ts';

const line = (eventId: string, time: number): LogLine => ({ eventId, time, container: 'worker', stream: 'worker/App/t', message: eventId });

/** What one poll returns: every event at or after the cursor that has arrived so far. */
function poll(arrived: readonly LogLine[], from: number): LogLine[] {
  return arrived.filter((e) => e.time >= from);
}

test('property: however events arrive across polls, each is printed once, and none within the late window is lost', () => {
  const events = fc.uniqueArray(fc.record({ id: fc.uuid(), time: fc.integer({ min: 0, max: 120_000 }), delay: fc.integer({ min: 0, max: LATE_EVENT_WINDOW_MS }) }), {
    selector: (e) => e.id,
    maxLength: 40,
  });
  fc.assert(
    fc.property(events, fc.integer({ min: 500, max: 20_000 }), (specs, pollMs) => {
      let cursor = startCursor(0);
      const printed: string[] = [];
      // A poll at `now` sees the events that arrived by then (time + delay); the last poll is late enough to see all.
      for (let now = 0; now <= 140_000 + pollMs; now += pollMs) {
        const arrived = specs.filter((s) => s.time + s.delay <= now).map((s) => line(s.id, s.time));
        const next = advanceCursor(cursor, poll(arrived, cursor.from));
        printed.push(...next.fresh.map((e) => e.eventId));
        cursor = next.cursor;
      }
      assert.equal(new Set(printed).size, printed.length, 'no event printed twice');
      assert.deepEqual([...printed].sort(), specs.map((s) => s.id).sort(), 'every event printed');
    }),
  );
});

test('the cursor only remembers ids the next poll can return', () => {
  const { cursor } = advanceCursor(startCursor(0), [line('a', 0), line('b', 50_000), line('c', 60_000)]);
  assert.equal(cursor.from, 60_000 - LATE_EVENT_WINDOW_MS);
  assert.deepEqual([...cursor.seen.keys()].sort(), ['b', 'c']);
});
