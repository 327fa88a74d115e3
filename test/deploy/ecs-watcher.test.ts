import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { watchEcsServices, type Sleep, type TaskFailure } from '../../src/deploy/ecs-watcher.ts';
import { LOG_GROUP, SECRET_KEY_REASON, WEBHOOK_SERVICE, playEcs, stackResources } from './ecs-world.ts';

const stubs = { cloudFormation: mockClient(CloudFormationClient), ecs: mockClient(ECSClient), logs: mockClient(CloudWatchLogsClient) };
const clients = { cloudFormation: new CloudFormationClient({ region: 'us-east-1' }), ecs: new ECSClient({ region: 'us-east-1' }), logs: new CloudWatchLogsClient({ region: 'us-east-1' }) };
afterEach(() => Object.values(stubs).forEach((stub) => stub.reset()));

/** A clock that only moves when the watcher sleeps: the loop runs at full speed, time stays exact. */
function virtualClock(start: number) {
  let now = start;
  const sleeps: number[] = [];
  const sleep: Sleep = async (ms) => {
    sleeps.push(ms);
    now += ms;
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { now: () => now, sleep, sleeps };
}

const START = Date.parse('2026-01-01T10:00:00Z');
const INTERVAL = 10_000;

test('each failed task is reported within one poll interval of stopping, with its exit code and log lines; the watcher gives up at the limit', async () => {
  const clock = virtualClock(START);
  const refused = ['`app_definition_id` is missing: pass --benchling-app-definition-id or set BENCHLING_APP_DEFINITION_ID', 'serve: not starting, the Benchling secret is incomplete'];
  playEcs(stubs, {
    stopTimes: [START + 15_000, START + 33_000, START + 47_000, START + 52_000],
    now: clock.now,
    stoppedReason: 'Essential container in task exited',
    stopCode: 'EssentialContainerExited',
    containers: [{ name: 'App', exitCode: 1 }],
    logLines: refused,
  });
  const seen: { failure: TaskFailure; count: number; at: number }[] = [];
  const result = await watchEcsServices({
    clients,
    stackName: 'BenchlingWebhookStack',
    pollIntervalMs: INTERVAL,
    maxFailures: 3,
    since: new Date(START),
    sleep: clock.sleep,
    signal: new AbortController().signal,
    onFailure: (failure, count) => seen.push({ failure, count, at: clock.now() }),
    onNotice: (line) => assert.fail(`unexpected notice: ${line}`),
  });
  assert.equal(result.gaveUp, true);
  assert.deepEqual(seen.map((s) => s.count), [1, 2, 3]);
  assert.deepEqual(seen.map((s) => s.at - START), [20_000, 40_000, 50_000], 'seen at the first poll after each stop');
  [15_000, 33_000, 47_000].forEach((stop, i) => assert.ok(seen[i]!.at - (START + stop) <= INTERVAL));
  const first = seen[0]!.failure;
  assert.equal(first.task.service, WEBHOOK_SERVICE);
  assert.deepEqual(first.container, { name: 'App', exitCode: 1, reason: undefined });
  assert.deepEqual(first.logs.location, { group: LOG_GROUP, stream: 'webhook/App/task0000' });
  assert.deepEqual(first.logs.lines, refused);
  assert.match(first.fix, /`app_definition_id`.*secrets sync/);
  assert.deepEqual(clock.sleeps, [INTERVAL, INTERVAL, INTERVAL, INTERVAL, INTERVAL], 'stopped at the poll that saw the third failure');
});

test('a container that never started has no log stream, and says so', async () => {
  const clock = virtualClock(START);
  playEcs(stubs, { stopTimes: [START + 1_000], now: clock.now, stoppedReason: SECRET_KEY_REASON, stopCode: 'TaskFailedToStart', containers: [{ name: 'App' }] });
  const failures: TaskFailure[] = [];
  const result = await watchEcsServices({
    clients,
    stackName: 'BenchlingWebhookStack',
    pollIntervalMs: INTERVAL,
    maxFailures: 1,
    since: new Date(START),
    sleep: clock.sleep,
    signal: new AbortController().signal,
    onFailure: (failure) => failures.push(failure),
    onNotice: () => undefined,
  });
  assert.equal(result.gaveUp, true);
  assert.equal(failures[0]!.task.stoppedReason, SECRET_KEY_REASON);
  assert.deepEqual(failures[0]!.logs.lines, []);
  assert.match(failures[0]!.logs.note!, /never started/);
});

test('before the stack exists the watcher waits quietly; a denied ECS call is one notice, not an end to the deploy; aborting ends the watch', async () => {
  const clock = virtualClock(START);
  const notices: string[] = [];
  let lists = 0;
  stubs.cloudFormation.on(ListStackResourcesCommand).callsFake(() => {
    lists += 1;
    if (lists === 1) throw Object.assign(new Error('Stack with id BenchlingWebhookStack does not exist'), { name: 'ValidationError' });
    return { StackResourceSummaries: stackResources() };
  });
  stubs.ecs.on(ListTasksCommand).rejects(Object.assign(new Error('not authorized to perform: ecs:ListTasks'), { name: 'AccessDeniedException' }));
  const stop = new AbortController();
  const result = await watchEcsServices({
    clients,
    stackName: 'BenchlingWebhookStack',
    pollIntervalMs: INTERVAL,
    maxFailures: 3,
    since: new Date(START),
    sleep: async (ms, signal) => {
      await clock.sleep(ms, signal);
      if (clock.sleeps.length === 4) stop.abort();
    },
    signal: stop.signal,
    onFailure: () => assert.fail('no task failed'),
    onNotice: (line) => notices.push(line),
  });
  assert.deepEqual(result, { failures: [], gaveUp: false });
  assert.equal(lists, 4);
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /AccessDeniedException: not authorized to perform: ecs:ListTasks.*the deploy goes on/);
});
