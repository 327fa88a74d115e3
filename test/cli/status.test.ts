import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { writeProfile } from '../../src/config/profile.ts';
import { useOperateRuntime } from '../../src/operate/operate-runtime.ts';
import type { StatusReport } from '../../src/operate/status-report.ts';
import { runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import {
  FAKE_AWS_SECRET_KEY,
  CLUSTER,
  REGION,
  WEBHOOK_SERVICE,
  WEBHOOK_URL,
  WORKER_SERVICE,
  commandEnv,
  missingStackError,
  mockDeployedStack,
  startFauxqs,
} from '../operate/deployed-stack.ts';

knownSecretValues(FAKE_AWS_SECRET_KEY);

let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
let sqs: SQSClient;
const mocks: { restore(): void }[] = [];

before(async () => {
  fauxqs = await startFauxqs();
  sqs = new SQSClient({ region: REGION, endpoint: fauxqs.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, useQueueUrlAsEndpoint: false });
});
after(async () => {
  sqs.destroy();
  await fauxqs.stop();
});
afterEach(() => {
  for (const m of mocks.splice(0)) m.restore();
});

let made = 0;
async function queues(deadLetters: number): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
  const name = `status-${++made}`;
  const create = async (queueName: string) => (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl!;
  const queueUrl = await create(`${name}-jobs`);
  const deadLetterQueueUrl = await create(`${name}-dlq`);
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"job":1}' }));
  for (let i = 0; i < deadLetters; i++) await sqs.send(new SendMessageCommand({ QueueUrl: deadLetterQueueUrl, MessageBody: `{"dead":${i}}` }));
  return { queueUrl, deadLetterQueueUrl };
}

const service = (arn: string, name: string, running: number, desired: number, rolloutState: string, reason: string): Service => ({
  serviceArn: arn,
  serviceName: name,
  runningCount: running,
  desiredCount: desired,
  pendingCount: desired - running,
  deployments: [
    { status: 'PRIMARY', rolloutState: rolloutState as never, rolloutStateReason: reason, updatedAt: new Date('2026-11-26T12:05:00Z') },
    { status: 'ACTIVE', rolloutState: 'COMPLETED', updatedAt: new Date('2026-11-20T00:00:00Z') },
  ],
});

const alarm = (name: string, state: string, reason: string, actions: string[] = []): MetricAlarm => ({
  AlarmName: name,
  StateValue: state as never,
  StateReason: reason,
  AlarmActions: actions,
});

/** The stack with its services and alarms; healthy unless told otherwise. */
interface WorldOptions {
  workerRunning?: number;
  workerRollout?: string;
  deadLetters?: number;
  deadLetterAlarm?: string;
  status?: string;
}

async function world(options: WorldOptions = {}) {
  const urls = await queues(options.deadLetters ?? 0);
  const cloudFormation = mockDeployedStack({ status: options.status, ...urls });
  const ecs = mockClient(ECSClient);
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      service(WORKER_SERVICE, 'BenchlingWebhookStack-WorkerService-b2', options.workerRunning ?? 2, 2, options.workerRollout ?? 'COMPLETED', options.workerRollout === 'FAILED' ? 'ECS deployment circuit breaker: tasks failed to start.' : 'ECS deployment ecs-svc/1 completed.'),
      service(WEBHOOK_SERVICE, 'BenchlingWebhookStack-WebhookService-a1', 1, 1, 'COMPLETED', 'ECS deployment ecs-svc/2 completed.'),
    ],
  });
  const cloudWatch = mockClient(CloudWatchClient);
  cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      alarm('bw-DeadLetters', options.deadLetterAlarm ?? 'OK', 'Threshold Crossed: 1 datapoint [2.0] was >= 1.0'),
      alarm('bw-WorkerBelowDesired', 'OK', 'Threshold not crossed'),
      // A scaling trigger sits in ALARM whenever the service could scale in: not a health problem.
      alarm('bw-BacklogLower', 'ALARM', 'Threshold Crossed', [`arn:aws:autoscaling:${REGION}:123456789012:scalingPolicy:abc:resource/ecs/service/x:policyName/BacklogLower`]),
    ],
  });
  mocks.push(cloudFormation, ecs, cloudWatch);
  return { cloudFormation, ecs, cloudWatch, env: await commandEnv(fauxqs.url) };
}

test('status of a healthy stack: exit 0, a ✓ for the stack, both services, dead letters and alarms, the URL, and no scaling alarm', async (t) => {
  const { env, ecs, cloudWatch } = await world();
  const run = await runCli(['status'], env);
  t.diagnostic(run.stdout);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout, /✗/);
  assert.match(run.stdout, /^✓ stack +BenchlingWebhookStack \(us-east-1\) UPDATE_COMPLETE {2}updated 2026-11-26T12:00:00.000Z$/m);
  assert.match(run.stdout, /^ {2}url +https:\/\/abc123\.execute-api/m);
  assert.match(run.stdout, /^✓ webhook +1\/1 running, 0 pending {2}deployment COMPLETED 2026-11-26T12:05:00.000Z/m);
  assert.match(run.stdout, /^✓ worker +2\/2 running, 0 pending/m);
  assert.match(run.stdout, /^ {2}queue +1 waiting, 0 in flight$/m);
  assert.match(run.stdout, /^✓ dead letters +0 jobs$/m);
  assert.doesNotMatch(run.stdout, /jobs list/);
  assert.match(run.stdout, /^✓ alarm +bw-DeadLetters OK$/m);
  assert.doesNotMatch(run.stdout, /bw-BacklogLower/);
  assert.match(run.stdout, /^healthy$/m);
  // Found through the stack's resources, not guessed from names.
  assert.equal(ecs.commandCalls(DescribeServicesCommand)[0]!.args[0].input.cluster, CLUSTER);
  assert.deepEqual(cloudWatch.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input.AlarmNames, ['bw-DeadLetters', 'bw-WorkerBelowDesired', 'bw-BacklogLower']);
});

test('status of an unhealthy stack: exit 1 with a ✗ on the failed worker rollout, the dead letters and the alarm', async (t) => {
  const { env } = await world({ workerRunning: 0, workerRollout: 'FAILED', deadLetters: 2, deadLetterAlarm: 'ALARM' });
  const run = await runCli(['status'], env);
  t.diagnostic(run.stdout);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^✗ worker +0\/2 running, 2 pending {2}deployment FAILED 2026-11-26T12:05:00.000Z \(ECS deployment circuit breaker: tasks failed to start.\)$/m);
  assert.match(run.stdout, /^✓ webhook/m);
  assert.match(run.stdout, /^✗ dead letters +2 jobs$/m);
  assert.match(run.stdout, /^see the dead jobs, then retry or purge them: benchling-webhook jobs list --profile default$/m);
  assert.match(run.stdout, /^✗ alarm +bw-DeadLetters ALARM: Threshold Crossed/m);
  assert.match(run.stdout, /^unhealthy: 3 problem\(s\)$/m);
});

test('with dead letters, status names the jobs command that lists them, with the flags that found this stack', async () => {
  const { env } = await world({ deadLetters: 1 });
  await writeProfile('prod', {}, env);
  const run = await runCli(['status', '--profile', 'prod', '--stack-name', 'BenchlingWebhookStack', '--region', 'us-east-1'], env);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^see the dead jobs, then retry or purge them: benchling-webhook jobs list --profile prod --stack-name BenchlingWebhookStack --region us-east-1$/m);
});

test('status of a rolled-back stack with every service running is still unhealthy (exit 1)', async () => {
  const { env } = await world({ status: 'UPDATE_ROLLBACK_COMPLETE' });
  const run = await runCli(['status'], env);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^✗ stack +BenchlingWebhookStack \(us-east-1\) UPDATE_ROLLBACK_COMPLETE/m);
});

test('status with running < desired and no failed rollout is unhealthy', async () => {
  const { env } = await world({ workerRunning: 1, workerRollout: 'IN_PROGRESS' });
  const run = await runCli(['status', '--json'], env);
  assert.equal(run.code, 1);
  const report = JSON.parse(run.stdout) as StatusReport;
  assert.deepEqual(report.problems, ['service worker: 1 of 2 tasks running']);
});

test('status --json prints one JSON object with the same facts, healthy and unhealthy', async () => {
  for (const deadLetters of [0, 1]) {
    const { env } = await world({ deadLetters });
    const run = await runCli(['status', '--json'], env);
    assert.equal(run.code, deadLetters === 0 ? 0 : 1);
    const report = JSON.parse(run.stdout) as StatusReport;
    assert.equal(report.healthy, deadLetters === 0);
    assert.deepEqual(report.stack, {
      name: 'BenchlingWebhookStack',
      region: REGION,
      status: 'UPDATE_COMPLETE',
      statusReason: null,
      lastUpdated: '2026-11-26T12:00:00.000Z',
      healthy: true,
    });
    assert.equal(report.webhookUrl, WEBHOOK_URL);
    assert.deepEqual(report.services.map((s) => [s.role, s.running, s.desired, s.deployment?.rolloutState]), [['webhook', 1, 1, 'COMPLETED'], ['worker', 2, 2, 'COMPLETED']]);
    assert.deepEqual([report.queue?.waiting, report.deadLetters?.waiting], [1, deadLetters]);
    assert.deepEqual(report.alarms.map((a) => a.name), ['bw-DeadLetters', 'bw-WorkerBelowDesired']);
  }
});

test('status of a stack that does not exist names the stack and region and suggests deploy (exit 1; --json error parses)', async () => {
  const { env, cloudFormation } = await world();
  cloudFormation.on(DescribeStacksCommand).rejects(missingStackError('BenchlingWebhookStack-staging'));
  await writeProfile('staging', {}, env);
  const run = await runCli(['status', '--profile', 'staging', '--region', 'eu-west-1'], env);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /stack BenchlingWebhookStack-staging does not exist in eu-west-1: deploy it with `benchling-webhook deploy`/);
  assert.equal(cloudFormation.commandCalls(DescribeStacksCommand)[0]!.args[0].input.StackName, 'BenchlingWebhookStack-staging');
  const json = await runCli(['status', '--profile', 'staging', '--json'], env);
  assert.equal(json.code, 1);
  assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'STACK_NOT_FOUND');
});

test("status reads the stack name and the AWS profile from the profile; --stack-name overrides the name", async () => {
  const { env, cloudFormation } = await world();
  await writeProfile('prod', { stackName: 'WebhookProd', awsProfile: 'prod-admin', region: 'us-east-1' }, env);
  await runCli(['status', '--profile', 'prod'], env);
  const call = cloudFormation.commandCalls(DescribeStacksCommand)[0]!;
  assert.equal(call.args[0].input.StackName, 'WebhookProd');
  assert.equal(((call.thisValue as CloudFormationClient).config as { profile?: string }).profile, 'prod-admin');
  await runCli(['status', '--profile', 'prod', '--stack-name', 'Other'], env);
  assert.equal(cloudFormation.commandCalls(DescribeStacksCommand).at(-1)!.args[0].input.StackName, 'Other');
});

test('status --help says what the exit codes mean', async () => {
  const run = await runCli(['status', '--help'], {});
  assert.equal(run.code, 0);
  assert.match(run.stdout, /exit codes: 0 healthy; 1 unhealthy: the stack failed or rolled back, fewer tasks\s+running than desired, jobs in the dead-letter queue, or an alarm in ALARM; 2\s+usage error/);
});

test('status --watch looks again every interval until Ctrl-C, and exits with what the last look found', async () => {
  const { env, ecs } = await world();
  const stop = new AbortController();
  const waits: number[] = [];
  mocks.push({
    restore: useOperateRuntime({
      now: () => Date.parse('2026-11-27T03:00:00.000Z'),
      interruption: () => ({ signal: stop.signal, dispose: () => undefined }),
      sleep: async (ms) => {
        waits.push(ms);
        // The second look finds the worker down; Ctrl-C comes during the third wait.
        if (waits.length === 1) ecs.on(DescribeServicesCommand).resolves({ services: [service(WORKER_SERVICE, 'BenchlingWebhookStack-WorkerService-b2', 0, 2, 'FAILED', 'tasks failed to start.'), service(WEBHOOK_SERVICE, 'BenchlingWebhookStack-WebhookService-a1', 1, 1, 'COMPLETED', 'done')] });
        if (waits.length === 3) stop.abort();
      },
    }),
  });
  const run = await runCli(['status', '--watch', '5'], env);
  assert.equal(run.code, 1, 'the last look found the worker down');
  assert.deepEqual(waits, [5000, 5000, 5000]);
  assert.equal(run.stdout.match(/^✓ stack /gm)?.length, 3, 'three looks');
  assert.equal(run.stdout.match(/^— 2026-11-27T03:00:00.000Z —$/gm)?.length, 2, 'each refresh is dated');
  assert.match(run.stdout, /^healthy$/m);
  assert.match(run.stdout, /^✗ worker +0\/2 running/m);

  const bad = await runCli(['status', '--watch', 'often'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--watch "often" is not a number of seconds/);
});
