/** One log event, as `logs` prints it. */
export interface LogLine {
  eventId: string;
  /** Milliseconds since the epoch. */
  time: number;
  container: string;
  stream: string;
  message: string;
}

export interface LogCursor {
  /** The next poll asks for events from here on. */
  from: number;
  /** The events already printed at or after `from`: id → time. */
  seen: ReadonlyMap<string, number>;
}

/**
 * CloudWatch can accept an event a little after later ones; each poll looks back this far
 * so a late event is still printed, and the seen ids keep the overlap from printing twice.
 */
export const LATE_EVENT_WINDOW_MS = 10_000;

export function startCursor(from: number): LogCursor {
  return { from, seen: new Map() };
}

const byTime = (a: LogLine, b: LogLine) => a.time - b.time || a.eventId.localeCompare(b.eventId);

/** The events not printed yet, in time order, and the cursor for the next poll. */
export function advanceCursor(cursor: LogCursor, events: readonly LogLine[]): { fresh: LogLine[]; cursor: LogCursor } {
  const fresh = [...new Map(events.filter((e) => !cursor.seen.has(e.eventId)).map((e) => [e.eventId, e])).values()].sort(byTime);
  const latest = Math.max(cursor.from, ...events.map((e) => e.time));
  const from = Math.max(cursor.from, latest - LATE_EVENT_WINDOW_MS);
  // Only ids the next poll can return again need remembering.
  const seen = new Map([...cursor.seen].filter(([, time]) => time >= from));
  for (const e of fresh) if (e.time >= from) seen.set(e.eventId, e.time);
  return { fresh, cursor: { from, seen } };
}
