import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixFor } from '../../src/deploy/failure-fix.ts';
import { ecsTargetsFrom } from '../../src/deploy/stack-services.ts';
import { failingContainer, isTaskFailure, toStoppedTask, type StoppedTask } from '../../src/deploy/stopped-task.ts';
import { logLocationOf } from '../../src/deploy/task-logs.ts';
import { INITIAL_WATCH_STATE, observeStoppedTasks, unseenTaskArns } from '../../src/deploy/watch-state.ts';
import { CLUSTER, WEBHOOK_SERVICE, WORKER_SERVICE, stackResources } from './ecs-world.ts';

const SECRET_KEY_REASON =
  'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: ' +
  'retrieved secret from Secrets Manager did not contain json key app_definition_id';

const since = new Date('2026-01-01T10:00:00Z');

function stopped(id: string, overrides: Partial<StoppedTask> = {}): StoppedTask {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/cluster/${id}`,
    taskId: id,
    service: 'webhook',
    stoppedReason: SECRET_KEY_REASON,
    stopCode: 'TaskFailedToStart',
    stoppedAt: new Date(since.getTime() + 1000),
    containers: [{ name: 'App' }],
    ...overrides,
  };
}

test('a task that never started, an essential exit and failed health checks are failures; a rolling replacement and a user stop are not', () => {
  assert.equal(isTaskFailure(stopped('a')), true);
  assert.equal(isTaskFailure(stopped('b', { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' })), true);
  assert.equal(isTaskFailure(stopped('c', { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed container health checks' })), true);
  assert.equal(isTaskFailure(stopped('d', { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/123)' })), false);
  assert.equal(isTaskFailure(stopped('e', { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' })), false);
});

test('the stopped task keeps the ECS reason, stop code and containers; the container to blame is the one that exited non-zero', () => {
  const task = toStoppedTask(
    {
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/cluster/abc123',
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      containers: [
        { name: 'sidecar', exitCode: 0 },
        { name: 'App', exitCode: 1, reason: 'exited' },
      ],
    },
    'worker',
  );
  assert.equal(task.taskId, 'abc123');
  assert.equal(task.service, 'worker');
  assert.deepEqual(failingContainer(task), { name: 'App', exitCode: 1, reason: 'exited' });
});

test('each failure is counted once, old and non-failing stops are ignored, and the limit says when to give up', () => {
  const rule = { since, maxFailures: 3 };
  const old = stopped('old', { stoppedAt: new Date(since.getTime() - 60_000) });
  const replaced = stopped('replaced', { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment x)' });
  const first = observeStoppedTasks(INITIAL_WATCH_STATE, [old, replaced, stopped('t1')], rule);
  assert.deepEqual(first.newFailures.map((t) => t.taskId), ['t1']);
  assert.equal(first.giveUp, false);
  assert.deepEqual(unseenTaskArns(first.state, [old.taskArn, stopped('t2').taskArn]), [stopped('t2').taskArn]);

  const again = observeStoppedTasks(first.state, [stopped('t1')], rule);
  assert.deepEqual(again.newFailures, [], 'a task seen before is not a new failure');

  const later = (id: string, ms: number) => stopped(id, { stoppedAt: new Date(since.getTime() + ms) });
  const burst = observeStoppedTasks(again.state, [later('t4', 4000), later('t2', 2000), later('t3', 3000)], rule);
  assert.deepEqual(burst.newFailures.map((t) => t.taskId), ['t2', 't3'], 'oldest first, never past the limit');
  assert.equal(burst.state.failures.length, 3);
  assert.equal(burst.giveUp, true);
});

test('a secret missing a key, in ECS words or in the process log, is fixed with secrets sync and the field named', () => {
  assert.match(fixFor(SECRET_KEY_REASON), /`app_definition_id`.*`benchling-webhook secrets sync` with --benchling-secrets .*--benchling-app-definition-id/);
  const fromLogs = fixFor('Essential container in task exited', [
    '`app_definition_id` is missing: pass --benchling-app-definition-id or set BENCHLING_APP_DEFINITION_ID',
    'serve: not starting, the Benchling secret is incomplete',
  ]);
  assert.match(fromLogs, /`app_definition_id`.*secrets sync/);
  assert.match(fixFor('CannotPullContainerError: pull image manifest has been retried'), /--image-uri/);
  assert.match(fixFor('Essential container in task exited', ['boom']), /log lines above/);
});

test('the log stream of a container is <prefix>/<container>/<task id> in the awslogs group of its task definition', () => {
  const definitions = [
    { name: 'App', logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-group': 'bw-webhook-logs', 'awslogs-stream-prefix': 'webhook' } } },
  ];
  assert.deepEqual(logLocationOf(definitions, 'App', 'abc123'), { group: 'bw-webhook-logs', stream: 'webhook/App/abc123' });
  assert.equal(logLocationOf(definitions, 'Other', 'abc123'), undefined);
});

test('the cluster and services are those of the stack that exist so far; deleted ones are left out', () => {
  const resources = stackResources();
  assert.deepEqual(ecsTargetsFrom(resources), {
    cluster: CLUSTER,
    services: [
      { name: WEBHOOK_SERVICE, arn: resources[1]!.PhysicalResourceId },
      { name: WORKER_SERVICE, arn: resources[2]!.PhysicalResourceId },
    ],
  });
  const workerGone = resources.map((r) => (r.LogicalResourceId === 'WorkerService' ? { ...r, ResourceStatus: 'DELETE_COMPLETE' as const } : r));
  assert.deepEqual(ecsTargetsFrom(workerGone)?.services.map((s) => s.name), [WEBHOOK_SERVICE]);
  assert.equal(ecsTargetsFrom(resources.filter((r) => r.ResourceType !== 'AWS::ECS::Cluster')), undefined, 'no cluster yet: nothing to watch');
});
