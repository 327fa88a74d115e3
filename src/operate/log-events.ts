import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { awsCall } from './aws-failure.ts';
import { advanceCursor, startCursor, type LogLine } from './log-cursor.ts';
import type { LogSource } from './log-sources.ts';

async function readSource(logs: CloudWatchLogsClient, source: LogSource, from: number, filterPattern: string | undefined): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  let nextToken: string | undefined;
  do {
    const out = await awsCall(`read log group ${source.logGroup}`, () =>
      logs.send(new FilterLogEventsCommand({ logGroupName: source.logGroup, logStreamNamePrefix: source.streamPrefix, startTime: from, nextToken, filterPattern })),
    );
    for (const e of out.events ?? []) {
      if (e.eventId === undefined || e.timestamp === undefined) continue;
      lines.push({ eventId: e.eventId, time: e.timestamp, container: source.container, stream: e.logStreamName ?? '', message: (e.message ?? '').trimEnd() });
    }
    nextToken = out.nextToken;
  } while (nextToken);
  return lines;
}

/** Every event of the sources from `from` on, oldest first. */
export async function readLogLines(logs: CloudWatchLogsClient, sources: readonly LogSource[], from: number, filterPattern?: string): Promise<LogLine[]> {
  const all = await Promise.all(sources.map((s) => readSource(logs, s, from, filterPattern)));
  return advanceCursor(startCursor(from), all.flat()).fresh;
}

export interface FollowOptions {
  from: number;
  pollMs: number;
  signal: AbortSignal;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  emit(line: LogLine): void;
  /** CloudWatch Logs filter pattern; CloudWatch applies it, so only matching events are fetched. */
  filterPattern?: string;
}

/** Prints what is there, then polls for what arrives, each event once, until the signal aborts. */
export async function followLogLines(logs: CloudWatchLogsClient, sources: readonly LogSource[], options: FollowOptions): Promise<void> {
  let cursor = startCursor(options.from);
  while (!options.signal.aborted) {
    const all = await Promise.all(sources.map((s) => readSource(logs, s, cursor.from, options.filterPattern)));
    const next = advanceCursor(cursor, all.flat());
    next.fresh.forEach(options.emit);
    cursor = next.cursor;
    await options.sleep(options.pollMs, options.signal);
  }
}

export function formatLogLine(line: LogLine): string {
  return `${new Date(line.time).toISOString()} ${line.container} ${line.message}`;
}

export function logLineJson(line: LogLine): string {
  return JSON.stringify({ timestamp: new Date(line.time).toISOString(), container: line.container, stream: line.stream, message: line.message });
}
