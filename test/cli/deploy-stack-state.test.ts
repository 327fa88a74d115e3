import assert from 'node:assert/strict';
import { deployTestWorld } from '../deploy/deploy-test-world.ts';
import { afterEach, test } from 'node:test';
import { type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { useOperateRuntime } from '../../src/operate/operate-runtime.ts';
import { playEcs } from '../deploy/ecs-world.ts';
import { runDeploy, type TimedRun } from '../deploy/deploy-run.ts';
import { MockedCloudFormationDeployer, STACK_ID, StackWorld, type StackWorldOptions } from '../deploy/stack-world.ts';

const peers = deployTestWorld('bw-state-');
const { stubs } = peers;
let restoreRuntime: () => void = () => undefined;
afterEach(() => restoreRuntime());

const IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/benchling-webhook:test';
const FLAGS = ['--poll-interval', '0.05', '--no-cfn-validation', '--image-uri', IMAGE_URI];

function world(options: StackWorldOptions): StackWorld {
  // The ECS side first: the stack world's resource list replaces the one playEcs sets.
  playEcs(stubs, { stopTimes: [], now: Date.now, stoppedReason: '', stopCode: '', containers: [] });
  return new StackWorld(stubs.cloudFormation, options);
}

function noTerminal(): void {
  restoreRuntime = useOperateRuntime({ interactive: () => false });
}

const resource = (logicalId: string, type: string, status: string, reason?: string): StackResourceSummary => ({
  LogicalResourceId: logicalId,
  ResourceType: type,
  ResourceStatus: status as StackResourceSummary['ResourceStatus'],
  ResourceStatusReason: reason,
  PhysicalResourceId: `${logicalId.toLowerCase()}-1`,
  LastUpdatedTimestamp: new Date(),
});

/** The outcome line is printed within a second of the first DescribeStacks answer. */
function assertPromptOutcome(run: TimedRun, stack: StackWorld, code: string): void {
  const line = run.stderrLines.find((l) => l.text.includes(`[${code}]`));
  assert.ok(line, `prints [${code}]:\n${run.stderr}`);
  const after = line.at - stack.reads[0]!;
  assert.ok(after >= 0 && after < 1000, `printed ${after} ms after the state was read`);
}

/** Nothing was changed: no stack call that changes it, and the secret not written. */
function assertUnchanged(stack: StackWorld): void {
  assert.deepEqual(stack.changed(), []);
  assert.deepEqual(peers.fake.calls.filter((c) => /^(Create|Put|Update)/.test(c.operation)), [], 'the secret was not written');
}

test('in progress with --no-wait: STACK_IN_PROGRESS and how to follow it, nothing changed', async () => {
  const stack = world({ status: 'UPDATE_IN_PROGRESS' });
  peers.fake.calls.length = 0;
  const run = await runDeploy(['deploy', ...FLAGS, '--yes', '--no-wait'], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 1, run.stderr);
  assertPromptOutcome(run, stack, 'STACK_IN_PROGRESS');
  assert.match(run.stderr, /stack BenchlingWebhookStack is UPDATE_IN_PROGRESS: CloudFormation is still working on it and --no-wait says not to wait/);
  assert.match(run.stderr, /fix: deploy waits for it to settle.*benchling-webhook status/);
  assertUnchanged(stack);
});

test('in progress: deploy waits with progress until the stack settles, then plans and deploys', async () => {
  const stack = world({ status: 'UPDATE_IN_PROGRESS', afterExecute: ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE'] });
  stack.then('UPDATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE');
  const run = await runDeploy(['deploy', ...FLAGS, '--yes'], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 0, run.stderr);
  assertPromptOutcome(run, stack, 'STACK_IN_PROGRESS');
  assert.match(run.stderr, /waited \d+ s: stack BenchlingWebhookStack is now UPDATE_COMPLETE/);
  assert.deepEqual(stack.changed(), ['CreateChangeSet', 'ExecuteChangeSet']);
});

test('ROLLBACK_COMPLETE after a failed create: named with its fix; no terminal and no --yes changes nothing', async () => {
  noTerminal();
  const stack = world({ status: 'ROLLBACK_COMPLETE', statusReason: 'The following resource(s) failed to create: [WebhookService]' });
  peers.fake.calls.length = 0;
  const run = await runDeploy(['deploy', ...FLAGS], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 2, run.stderr);
  assertPromptOutcome(run, stack, 'STACK_ROLLBACK_COMPLETE');
  assert.match(run.stderr, /its creation failed \(The following resource\(s\) failed to create: \[WebhookService\]\)/);
  assert.match(run.stderr, /fix: deploy deletes it and creates it again once you confirm \(`benchling-webhook deploy --yes` unattended\); or delete it yourself: `aws cloudformation delete-stack --stack-name BenchlingWebhookStack --region us-east-1`/);
  assert.match(run.stderr, /error \[CONFIRMATION_REQUIRED\]: deleting the failed stack BenchlingWebhookStack needs confirmation/);
  assertUnchanged(stack);
});

test('ROLLBACK_COMPLETE answered no at the terminal: nothing changed', async () => {
  const asked: string[] = [];
  restoreRuntime = useOperateRuntime({ interactive: () => true, confirm: async (question) => (asked.push(question), false) });
  const stack = world({ status: 'ROLLBACK_COMPLETE' });
  const run = await runDeploy(['deploy', ...FLAGS], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(asked, ['Delete the failed stack BenchlingWebhookStack and create it again?']);
  assert.match(run.stderr, /error \[NOT_CONFIRMED\]/);
  assert.deepEqual(stack.changed(), []);
});

test('ROLLBACK_COMPLETE with --yes: the stack is deleted, waited for, and created again', async () => {
  const stack = world({ status: 'ROLLBACK_COMPLETE' });
  const run = await runDeploy(['deploy', ...FLAGS, '--yes'], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(stack.changed(), ['DeleteStack', 'CreateChangeSet', 'ExecuteChangeSet']);
  assert.equal(stack.calls[0]!.input.StackName, STACK_ID, 'deleted by its ARN');
  assert.match(run.stderr, /deleting the failed stack BenchlingWebhookStack/);
  assert.match(run.stderr, /stack state: stack BenchlingWebhookStack does not exist yet: deploy creates it/);
});

const ROLLBACK_FAILED_RESOURCES = [
  resource('Bucket', 'AWS::S3::Bucket', 'UPDATE_COMPLETE'),
  resource('WebhookService', 'AWS::ECS::Service', 'UPDATE_FAILED', 'Resource handler returned message: "Service was not ACTIVE"'),
];

test('UPDATE_ROLLBACK_FAILED: the failed resources are named with the continue-rollback fix; nothing changed without confirmation', async () => {
  noTerminal();
  const stack = world({ status: 'UPDATE_ROLLBACK_FAILED', resources: ROLLBACK_FAILED_RESOURCES });
  peers.fake.calls.length = 0;
  const run = await runDeploy(['deploy', ...FLAGS], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 2, run.stderr);
  assertPromptOutcome(run, stack, 'STACK_UPDATE_ROLLBACK_FAILED');
  assert.match(run.stderr, /the rollback could not restore WebhookService \(AWS::ECS::Service\): Resource handler returned message: "Service was not ACTIVE"/);
  assert.doesNotMatch(run.stderr, /restore Bucket/);
  assert.match(run.stderr, /aws cloudformation continue-update-rollback --stack-name BenchlingWebhookStack/);
  assert.match(run.stderr, /`benchling-webhook deploy --yes --skip-resources WebhookService`/);
  assertUnchanged(stack);
});

test('UPDATE_ROLLBACK_FAILED with --yes continues the rollback skipping nothing; with --skip-resources only the named ones', async () => {
  const plain = world({ status: 'UPDATE_ROLLBACK_FAILED', resources: ROLLBACK_FAILED_RESOURCES });
  const run = await runDeploy(['deploy', ...FLAGS, '--yes'], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(plain.changed(), ['ContinueUpdateRollback', 'CreateChangeSet', 'ExecuteChangeSet']);
  assert.equal(plain.calls[0]!.input.ResourcesToSkip, undefined);

  stubs.cloudFormation.reset();
  const skipping = world({ status: 'UPDATE_ROLLBACK_FAILED', resources: ROLLBACK_FAILED_RESOURCES });
  const skipped = await runDeploy(['deploy', ...FLAGS, '--yes', '--skip-resources', 'WebhookService'], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.deepEqual(skipping.calls[0]!.input.ResourcesToSkip, ['WebhookService']);
  assert.match(skipped.stderr, /continuing the rollback of BenchlingWebhookStack, skipping WebhookService/);
});

test('--skip-resources naming a resource that did not fail is a usage error, before any change', async () => {
  const stack = world({ status: 'UPDATE_ROLLBACK_FAILED', resources: ROLLBACK_FAILED_RESOURCES });
  const run = await runDeploy(['deploy', ...FLAGS, '--yes', '--skip-resources', 'Bucket'], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /error \[SKIP_RESOURCES_UNKNOWN\]: --skip-resources names Bucket, which did not fail the rollback; only these can be skipped: WebhookService/);
  assert.deepEqual(stack.changed(), []);
});

test('REVIEW_IN_PROGRESS with no resources: named as an empty stack; deleted only with --yes', async () => {
  noTerminal();
  const stack = world({ status: 'REVIEW_IN_PROGRESS' });
  peers.fake.calls.length = 0;
  const refused = await runDeploy(['deploy', ...FLAGS], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(refused.code, 2, refused.stderr);
  assertPromptOutcome(refused, stack, 'STACK_REVIEW_EMPTY');
  assert.match(refused.stderr, /REVIEW_IN_PROGRESS with no resources: a change set created it and was never executed/);
  assert.match(refused.stderr, /fix: deploy deletes the empty stack and creates it once you confirm/);
  assertUnchanged(stack);

  const run = await runDeploy(['deploy', ...FLAGS, '--yes'], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(stack.changed(), ['DeleteStack', 'CreateChangeSet', 'ExecuteChangeSet']);
});

test('DELETE_FAILED: what is left is named with the way to finish; deploy changes nothing, even with --yes', async () => {
  const stack = world({
    status: 'DELETE_FAILED',
    resources: [
      resource('Bucket', 'AWS::S3::Bucket', 'DELETE_FAILED', 'The bucket you tried to delete is not empty'),
      resource('Jobs', 'AWS::SQS::Queue', 'DELETE_COMPLETE'),
    ],
  });
  peers.fake.calls.length = 0;
  const run = await runDeploy(['deploy', ...FLAGS, '--yes'], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 1, run.stderr);
  assertPromptOutcome(run, stack, 'STACK_DELETE_FAILED');
  assert.match(run.stderr, /left behind Bucket \(AWS::S3::Bucket\): The bucket you tried to delete is not empty/);
  assert.doesNotMatch(run.stderr, /Jobs \(AWS::SQS::Queue\)/);
  assert.match(run.stderr, /`benchling-webhook destroy`/);
  assert.match(run.stderr, /aws cloudformation delete-stack --stack-name BenchlingWebhookStack --retain-resources Bucket --region us-east-1/);
  assertUnchanged(stack);
});

test('validate reads the stack state too: a stack deploy cannot update fails the gate with its fix, changing nothing', async () => {
  const stack = world({ status: 'UPDATE_ROLLBACK_FAILED', resources: ROLLBACK_FAILED_RESOURCES });
  const env = await peers.env();
  await runDeploy(['secrets', 'sync'], env, new MockedCloudFormationDeployer());
  const run = await runDeploy(['validate', '--json'], env, new MockedCloudFormationDeployer());
  assert.equal(run.code, 1, run.stdout);
  const { checks } = JSON.parse(run.stdout) as { checks: { name: string; status: string; detail: string; fix?: string }[] };
  const state = checks.find((c) => c.name === 'stack state');
  assert.equal(state?.status, 'failed');
  assert.match(state!.detail, /^\[STACK_UPDATE_ROLLBACK_FAILED\] stack BenchlingWebhookStack is UPDATE_ROLLBACK_FAILED: the rollback could not restore WebhookService/);
  assert.match(state!.fix!, /--skip-resources WebhookService/);
  assert.deepEqual(checks.filter((c) => c.status === 'failed').map((c) => c.name), ['stack state']);
  assert.deepEqual(stack.changed(), []);

  stubs.cloudFormation.reset();
  world({});
  const fresh = JSON.parse((await runDeploy(['validate', '--json'], env, new MockedCloudFormationDeployer())).stdout) as { ok: boolean; checks: { name: string; status: string; detail: string }[] };
  assert.equal(fresh.ok, true);
  assert.match(fresh.checks.find((c) => c.name === 'stack state')!.detail, /does not exist yet: deploy creates it/);
});
