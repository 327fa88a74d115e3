import assert from 'node:assert/strict';
import { deployTestWorld } from '../deploy/deploy-test-world.ts';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { readProfile } from '../../src/config/profile.ts';
import { SECRET_KEY_REASON, WEBHOOK_SERVICE, playEcs } from '../deploy/ecs-world.ts';
import { runDeploy } from '../deploy/deploy-run.ts';
import { MockedCloudFormationDeployer, StackWorld } from '../deploy/stack-world.ts';

const peers = deployTestWorld('bw-deploy-');
const { stubs } = peers;

const INTERVAL_MS = 200;
const FAILURES = 3;

/**
 * The stack never leaves CREATE_IN_PROGRESS. From the moment the deploy starts (after the
 * gate, the sync and the synth) a webhook task stops every interval, half an interval after a poll.
 */
function stackThatNeverSettles(): { deployer: MockedCloudFormationDeployer; stopTimes: number[] } {
  new StackWorld(stubs.cloudFormation, { afterExecute: ['CREATE_IN_PROGRESS'] });
  const stopTimes: number[] = [];
  const deployer = new MockedCloudFormationDeployer((start) => {
    for (let k = 0; k < 10; k++) stopTimes.push(start + INTERVAL_MS / 2 + k * INTERVAL_MS);
  });
  playEcs(stubs, {
    stopTimes,
    now: Date.now,
    stoppedReason: SECRET_KEY_REASON,
    stopCode: 'TaskFailedToStart',
    containers: [{ name: 'App', lastStatus: 'STOPPED' }],
  });
  return { deployer, stopTimes };
}

// An image already pushed: the deploy then needs no Docker, and deployEnv names none.
const IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/benchling-webhook:test';
// --yes: these runs have no terminal to confirm the plan in.
const WATCH_FLAGS = ['--yes', '--poll-interval', String(INTERVAL_MS / 1000), '--max-task-failures', String(FAILURES), '--no-cfn-validation', '--image-uri', IMAGE_URI];

test('tasks that cannot read app_definition_id: the reason is printed within one poll interval and deploy exits 1 after 3 failures, not waiting for CloudFormation', async (t) => {
  const { deployer, stopTimes } = stackThatNeverSettles();
  const env = await peers.env();
  const run = await runDeploy(['deploy', ...WATCH_FLAGS], env, deployer);

  assert.equal(run.code, 1, run.stderr);
  const firstReason = run.stderrLines.find((line) => line.text.includes('did not contain json key app_definition_id'));
  assert.ok(firstReason, run.stderr);
  const reportedAfter = firstReason.at - stopTimes[0]!;
  assert.ok(reportedAfter >= 0 && reportedAfter <= INTERVAL_MS + 100, `reported ${reportedAfter} ms after the first task stopped`);
  const elapsed = run.endedAt - deployer.startedAt;
  assert.ok(elapsed >= (FAILURES - 1) * INTERVAL_MS && elapsed <= FAILURES * INTERVAL_MS + 600, `exited ${elapsed} ms after the deploy started`);
  t.diagnostic(`first reason printed ${reportedAfter} ms after the first task stopped; exit ${elapsed} ms after the deploy started (${FAILURES} × ${INTERVAL_MS} ms interval)`);
  assert.equal(deployer.signal?.aborted, true, 'the deploy was abandoned');
  assert.ok(stubs.cloudFormation.commandCalls(DescribeStacksCommand).length > 0, 'CloudFormation was still in progress when deploy gave up');

  assert.match(run.stderr, new RegExp(`ECS task task0000 of service ${WEBHOOK_SERVICE} stopped \\(failure 1 of 3\\): ResourceInitializationError`));
  assert.match(run.stderr, /stop code: TaskFailedToStart/);
  assert.match(run.stderr, /container App: no exit code \(it never ran\)/);
  assert.match(run.stderr, /logs: no log stream: the container never started/);
  assert.match(run.stderr, /failure 3 of 3/);
  assert.doesNotMatch(run.stderr, /failure 4 of/);
  assert.match(run.stderr, /stopped waiting for BenchlingWebhookStack after 3 failed ECS tasks/);
  assert.match(run.stderr, /3× ResourceInitializationError: unable to pull secrets or registry auth/);
  assert.match(run.stderr, /fix: the Benchling secret has no `app_definition_id`: run `benchling-webhook secrets sync` with .*--benchling-app-definition-id/);
  assert.equal(run.stdout, '');

  // What came before the deploy: the secret synced and recorded, the synthesized template handed over.
  assert.ok(peers.fake.find('benchling-webhook/default'), 'secrets sync created the secret');
  const profile = await readProfile('default', env);
  assert.match(profile!.secretArn!, /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:benchling-webhook\/default-/);
  assert.equal(deployer.request?.stackName, 'BenchlingWebhookStack');
  assert.ok(deployer.request?.assemblyDir.startsWith(tmpdir()), `synthesized into a temporary directory, not ./cdk.out: ${deployer.request?.assemblyDir}`);
  assert.equal(deployer.request?.requireApproval, 'never');
  assert.ok(JSON.parse(deployer.template).Resources, 'a CloudFormation template');
  assert.ok(deployer.template.includes(profile!.secretArn!), 'the stack references the synced secret by ARN');
});

test('deploy --json gives up the same way and prints one JSON object with each failure and its fix', async () => {
  const { deployer } = stackThatNeverSettles();
  const run = await runDeploy(['deploy', ...WATCH_FLAGS, '--json', '--max-task-failures', '2'], await peers.env(), deployer);
  assert.equal(run.code, 1, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.status, 'abandoned');
  assert.equal(result.failures.length, 2);
  assert.equal(result.failures[0].stoppedReason, SECRET_KEY_REASON);
  assert.match(result.failures[0].fix, /secrets sync/);
});

test('a container log line that echoes a secret value is printed with the value redacted', async () => {
  const stopTimes: number[] = [];
  const deployer = new MockedCloudFormationDeployer((start) => stopTimes.push(start + 10));
  new StackWorld(stubs.cloudFormation, { afterExecute: ['CREATE_IN_PROGRESS'] });
  playEcs(stubs, {
    stopTimes,
    now: Date.now,
    stoppedReason: 'Essential container in task exited',
    stopCode: 'EssentialContainerExited',
    containers: [{ name: 'App', exitCode: 1 }],
    logLines: [`a careless library logged client_secret=${peers.sandbox.secret.client_secret}`, 'worker: not starting'],
  });
  const run = await runDeploy(['deploy', ...WATCH_FLAGS, '--max-task-failures', '1'], await peers.env(), deployer);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /container App: exit code 1/);
  assert.match(run.stderr, /a careless library logged client_secret=\[REDACTED\]/);
  // The leak guard checks every captured output for the value when the file's tests end.
});

test('a stack that reaches CREATE_COMPLETE: the webhook URL and the next step are printed, exit 0', async () => {
  const url = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/';
  // The stack does not exist; after the change set is executed it is in progress for three polls.
  new StackWorld(stubs.cloudFormation, {
    afterExecute: ['CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE'],
    outputs: { WebhookUrl: url, ClusterName: 'c' },
  });
  playEcs(stubs, { stopTimes: [], now: Date.now, stoppedReason: '', stopCode: '', containers: [] });
  const deployer = new MockedCloudFormationDeployer();
  const run = await runDeploy(['deploy', ...WATCH_FLAGS, '--stack-name', 'BenchlingWebhookStack'], await peers.env(), deployer);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^deployed BenchlingWebhookStack \(CREATE_COMPLETE\)$/m);
  assert.match(run.stdout, new RegExp(`^webhook URL: ${url.replace(/[.]/g, '\\.')}$`, 'm'));
  assert.match(run.stdout, /paste this URL as its Webhook URL and choose "Suffixed" routing/);
  assert.doesNotMatch(run.stderr, /stopped \(failure/);
});

test('bad watch flags are usage errors before anything runs', async () => {
  const deployer = new MockedCloudFormationDeployer();
  for (const [flag, value, code] of [
    ['--poll-interval', '0', 'POLL_INTERVAL_INVALID'],
    ['--max-task-failures', '1.5', 'MAX_TASK_FAILURES_INVALID'],
    ['--require-approval', 'any-change', 'REQUIRE_APPROVAL_INVALID'],
  ] as const) {
    const run = await runDeploy(['deploy', flag, value], await peers.env(), deployer);
    assert.equal(run.code, 2, `${flag} ${value}`);
    assert.match(run.stderr, new RegExp(`error \\[${code}\\]: ${flag}`));
  }
  assert.equal(deployer.startedAt, 0, 'nothing was deployed');
});
