import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { useOperateRuntime } from '../../src/operate/operate-runtime.ts';
import { runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { FAKE_AWS_SECRET_KEY, REGION, WEBHOOK_LOGS, WEBHOOK_TASK, WORKER_LOGS, WORKER_TASK, mockDeployedStack } from '../operate/deployed-stack.ts';

knownSecretValues(FAKE_AWS_SECRET_KEY);

const NOW = Date.parse('2026-11-27T03:00:00.000Z');
const MINUTE = 60_000;
const env = { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKIDOPERATETEST', AWS_SECRET_ACCESS_KEY: FAKE_AWS_SECRET_KEY, XDG_CONFIG_HOME: '/nonexistent-bw-logs' };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0)) undo();
});

interface StoredEvent extends FilteredLogEvent {
  logGroupName: string;
}

/**
 * CloudWatch Logs as FilterLogEvents answers it: by group, stream prefix and start time, two
 * events a page, so paging by nextToken is exercised too.
 */
function logsWorld(initial: StoredEvent[]) {
  const store = [...initial];
  const stack = mockDeployedStack();
  const ecs = mockClient(ECSClient);
  const container = (prefix: string, group: string) => ({
    taskDefinition: {
      containerDefinitions: [{ name: 'App', logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-group': group, 'awslogs-stream-prefix': prefix, 'awslogs-region': REGION } } }],
    },
  });
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: WEBHOOK_TASK }).resolves(container('webhook', WEBHOOK_LOGS));
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: WORKER_TASK }).resolves(container('worker', WORKER_LOGS));
  const logs = mockClient(CloudWatchLogsClient);
  logs.on(FilterLogEventsCommand).callsFake((input: { logGroupName: string; logStreamNamePrefix?: string; startTime?: number; nextToken?: string; filterPattern?: string }) => {
    const matching = store
      .filter((e) => e.logGroupName === input.logGroupName)
      // CloudWatch's simplest pattern, a term: the events that contain it.
      .filter((e) => input.filterPattern === undefined || e.message!.includes(input.filterPattern))
      .filter((e) => e.logStreamName!.startsWith(input.logStreamNamePrefix ?? ''))
      .filter((e) => e.timestamp! >= (input.startTime ?? 0))
      .sort((a, b) => a.timestamp! - b.timestamp!);
    const start = Number(input.nextToken ?? 0);
    const page = matching.slice(start, start + 2).map(({ logGroupName: _group, ...e }) => e);
    return { events: page, nextToken: start + 2 < matching.length ? String(start + 2) : undefined };
  });
  cleanups.push(() => stack.restore(), () => ecs.restore(), () => logs.restore());
  return { store, logs };
}

let made = 0;
function event(container: 'webhook' | 'worker', minutesAgo: number, message: string): StoredEvent {
  return {
    eventId: `event-${++made}`,
    timestamp: NOW - minutesAgo * MINUTE,
    message: `${message}\n`,
    logStreamName: `${container}/App/task${container === 'webhook' ? 'a' : 'b'}`,
    logGroupName: container === 'webhook' ? WEBHOOK_LOGS : WORKER_LOGS,
  };
}

const iso = (minutesAgo: number) => new Date(NOW - minutesAgo * MINUTE).toISOString();

test('logs prints the last 10 minutes of both containers as <time> <container> <message>, oldest first', async () => {
  logsWorld([event('worker', 3, 'packaged EXP1'), event('webhook', 5, 'POST /event 202'), event('webhook', 30, 'too old'), event('worker', 1, 'idle')]);
  cleanups.push(useOperateRuntime({ now: () => NOW }));
  const run = await runCli(['logs'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, [`${iso(5)} webhook POST /event 202`, `${iso(3)} worker packaged EXP1`, `${iso(1)} worker idle`, ''].join('\n'));
});

test('logs --since 2h reaches further back, through every page of every group, and no further', async () => {
  const events = [event('webhook', 150, 'before'), ...[100, 90, 80, 70, 60].map((m) => event('webhook', m, `w${m}`)), event('worker', 45, 'k45')];
  const { logs } = logsWorld(events);
  cleanups.push(useOperateRuntime({ now: () => NOW }));
  const run = await runCli(['logs', '--since', '2h'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n').map((l) => l.split(' ').slice(1).join(' ')), ['webhook w100', 'webhook w90', 'webhook w80', 'webhook w70', 'webhook w60', 'worker k45']);
  assert.ok(logs.commandCalls(FilterLogEventsCommand).every((c) => c.args[0].input.startTime === NOW - 120 * MINUTE));
  assert.ok(logs.commandCalls(FilterLogEventsCommand).some((c) => c.args[0].input.nextToken !== undefined), 'pages were followed');
});

test('logs --container worker reads only the worker group and stream prefix', async () => {
  const { logs } = logsWorld([event('worker', 3, 'packaged EXP1'), event('webhook', 2, 'POST /event 202')]);
  cleanups.push(useOperateRuntime({ now: () => NOW }));
  const run = await runCli(['logs', '--container', 'worker'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `${iso(3)} worker packaged EXP1\n`);
  assert.deepEqual(
    logs.commandCalls(FilterLogEventsCommand).map((c) => [c.args[0].input.logGroupName, c.args[0].input.logStreamNamePrefix]),
    [[WORKER_LOGS, 'worker/']],
  );
});

test('logs --json prints one JSON object per line: timestamp, container, stream, message', async () => {
  logsWorld([event('worker', 3, '{"level":30,"msg":"packaged"}'), event('webhook', 2, 'POST /event 202')]);
  cleanups.push(useOperateRuntime({ now: () => NOW }));
  const run = await runCli(['logs', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(lines, [
    { timestamp: iso(3), container: 'worker', stream: 'worker/App/taskb', message: '{"level":30,"msg":"packaged"}' },
    { timestamp: iso(2), container: 'webhook', stream: 'webhook/App/taska', message: 'POST /event 202' },
  ]);
});

test('logs --follow prints new events as they arrive, late ones too, each exactly once, until interrupted', async (t) => {
  const { store } = logsWorld([event('webhook', 2, 'first'), event('worker', 1, 'second')]);
  const stop = new AbortController();
  let polls = 0;
  let clock = NOW;
  cleanups.push(
    useOperateRuntime({
      now: () => clock,
      interruption: () => ({ signal: stop.signal, dispose: () => undefined }),
      sleep: async (ms) => {
        clock += ms;
        polls += 1;
        if (polls === 1) store.push(event('worker', 0, 'third'));
        // Accepted late: its time is before "third", within the window a poll looks back.
        if (polls === 2) store.push({ ...event('webhook', 0.05, 'late'), timestamp: NOW - 3_000 });
        if (polls === 3) store.push({ ...event('webhook', -1, 'fourth'), timestamp: clock });
        if (polls === 5) stop.abort();
      },
    }),
  );
  const run = await runCli(['logs', '--follow'], env);
  t.diagnostic(run.stdout);
  assert.equal(run.code, 0, run.stderr);
  const messages = run.stdout.trim().split('\n').map((l) => l.split(' ').slice(2).join(' '));
  assert.deepEqual(messages, ['first', 'second', 'third', 'late', 'fourth']);
  assert.equal(polls, 5);
});

test('logs refuses a --since that is not a duration and an unknown --container, exit 2, before any AWS call', async () => {
  const { logs } = logsWorld([]);
  const since = await runCli(['logs', '--since', '10 minutes'], env);
  assert.equal(since.code, 2);
  assert.match(since.stderr, /--since "10 minutes" is not a duration: use a number and a unit, e.g. --since 30s, 10m, 2h or 1d/);
  const container = await runCli(['logs', '--container', 'api'], env);
  assert.equal(container.code, 2);
  assert.match(container.stderr, /use --container webhook or --container worker/);
  assert.equal(logs.commandCalls(FilterLogEventsCommand).length, 0);
});

test('logs --filter PATTERN prints only the events CloudWatch matches, with --follow too; an empty pattern is a usage error', async () => {
  const { logs, store } = logsWorld([event('worker', 3, 'job failed; it will be retried'), event('webhook', 2, 'POST /event 202'), event('worker', 1, 'job done')]);
  cleanups.push(useOperateRuntime({ now: () => NOW }));
  const run = await runCli(['logs', '--filter', 'job'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n'), [`${iso(3)} worker job failed; it will be retried`, `${iso(1)} worker job done`]);
  assert.ok(logs.commandCalls(FilterLogEventsCommand).every((c) => c.args[0].input.filterPattern === 'job'), 'CloudWatch is given the pattern');

  const stop = new AbortController();
  let clock = NOW;
  let arrived = false;
  cleanups.push(
    useOperateRuntime({
      now: () => clock,
      interruption: () => ({ signal: stop.signal, dispose: () => undefined }),
      sleep: async (ms) => {
        clock += ms;
        if (!arrived) store.push({ ...event('webhook', 0, 'POST /canvas 202'), timestamp: clock }, { ...event('worker', 0, 'job started'), timestamp: clock });
        else stop.abort();
        arrived = true;
      },
    }),
  );
  const followed = await runCli(['logs', '--follow', '--filter', 'job', '--since', '2m'], env);
  assert.equal(followed.code, 0, followed.stderr);
  assert.deepEqual(followed.stdout.trim().split('\n').map((l) => l.split(' ').slice(2).join(' ')), ['job done', 'job started']);

  const empty = await runCli(['logs', '--filter', ' '], env);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /error \[LOGS_FILTER_EMPTY\]: --filter needs a pattern/);
});
