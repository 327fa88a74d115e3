import assert from 'node:assert/strict';
import { deployTestWorld } from '../deploy/deploy-test-world.ts';
import { readFile } from 'node:fs/promises';
import { afterEach, test } from 'node:test';
import { GetTemplateCommand, type Change } from '@aws-sdk/client-cloudformation';
import { historyPaths, readHistory } from '../../src/deploy/deploy-history.ts';
import { useOperateRuntime } from '../../src/operate/operate-runtime.ts';
import { playEcs } from '../deploy/ecs-world.ts';
import { runDeploy } from '../deploy/deploy-run.ts';
import { MockedCloudFormationDeployer, StackWorld, addChange, replaceChange, type StackWorldOptions } from '../deploy/stack-world.ts';

const peers = deployTestWorld('bw-plan-');
const { stubs } = peers;
let restoreRuntime: () => void = () => undefined;
afterEach(() => restoreRuntime());

const FLAGS = ['--poll-interval', '0.05', '--no-cfn-validation', '--image-uri', 'ghcr.io/acme/benchling-webhook:1'];

function world(options: StackWorldOptions): StackWorld {
  playEcs(stubs, { stopTimes: [], now: Date.now, stoppedReason: '', stopCode: '', containers: [] });
  return new StackWorld(stubs.cloudFormation, { afterExecute: ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE'], outputs: { WebhookUrl: 'https://x.example/prod/' }, ...options });
}

const taskPolicy = (statements: object[]) => JSON.stringify({ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: statements }, Roles: [{ Ref: 'TaskRole' }] });
const READ = { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::packages/*' };
const DELETE = { Effect: 'Allow', Action: 's3:DeleteObject', Resource: '*' };
const MIXED_CHANGES: Change[] = [
  addChange('Alarm', 'AWS::CloudWatch::Alarm'),
  { Type: 'Resource', ResourceChange: { Action: 'Modify', Replacement: 'False', LogicalResourceId: 'WebhookService', ResourceType: 'AWS::ECS::Service' } },
  replaceChange('WebhookTask', 'AWS::ECS::TaskDefinition'),
  {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify',
      Replacement: 'False',
      LogicalResourceId: 'TaskRoleDefaultPolicy',
      ResourceType: 'AWS::IAM::Policy',
      BeforeContext: taskPolicy([READ]),
      AfterContext: taskPolicy([READ, DELETE]),
    },
  },
];

test('the plan names what is added, modified and replaced and the IAM statements it broadens; without a terminal or --yes nothing is deployed and the change set goes', async () => {
  restoreRuntime = useOperateRuntime({ interactive: () => false });
  const stack = world({ status: 'UPDATE_COMPLETE', changes: MIXED_CHANGES });
  const run = await runDeploy(['deploy', ...FLAGS], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^plan for BenchlingWebhookStack: 1 to add, 2 to modify, 1 to replace, 0 to remove$/m);
  assert.match(run.stderr, /^ {4}\+ Alarm \(AWS::CloudWatch::Alarm\)$/m);
  assert.match(run.stderr, /^ {4}~ WebhookService \(AWS::ECS::Service\)$/m);
  assert.match(run.stderr, /^ {4}± WebhookTask \(AWS::ECS::TaskDefinition\)$/m);
  assert.match(run.stderr, /^ {2}IAM statements it broadens:\n {4}TaskRoleDefaultPolicy \(AWS::IAM::Policy\): Allow s3:DeleteObject on \*$/m);
  assert.doesNotMatch(run.stderr, /s3:GetObject/, 'a statement that was there before does not broaden anything');
  assert.match(run.stderr, /error \[CONFIRMATION_REQUIRED\]: deploying the change to BenchlingWebhookStack needs confirmation, but this is not a terminal: nothing was changed; pass --yes/);
  assert.deepEqual(stack.calls.map((c) => c.command), ['CreateChangeSet', 'DeleteChangeSet']);
});

test('at a terminal the plan is confirmed before it is deployed', async () => {
  const asked: string[] = [];
  restoreRuntime = useOperateRuntime({ interactive: () => true, confirm: async (question) => (asked.push(question), true) });
  const stack = world({ status: 'UPDATE_COMPLETE', changes: MIXED_CHANGES });
  const run = await runDeploy(['deploy', ...FLAGS], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(asked, ['Deploy this change to BenchlingWebhookStack?']);
  assert.deepEqual(stack.changed(), ['CreateChangeSet', 'ExecuteChangeSet']);
});

test('a change set that replaces the bucket is refused without --allow-replacement, with --yes alone too; with it, it is deployed', async () => {
  const env = await peers.env();
  const changes = [replaceChange('Bucket', 'AWS::S3::Bucket'), addChange('Alarm', 'AWS::CloudWatch::Alarm')];
  const stack = world({ status: 'UPDATE_COMPLETE', changes });
  const refused = await runDeploy(['deploy', ...FLAGS, '--yes'], env, new MockedCloudFormationDeployer());
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /^ {4}± Bucket \(AWS::S3::Bucket\)$/m);
  assert.match(refused.stderr, /!! replaces what holds data: Bucket \(AWS::S3::Bucket\)/);
  assert.match(refused.stderr, /error \[STATEFUL_REPLACEMENT_REFUSED\]: the change to BenchlingWebhookStack replaces Bucket \(AWS::S3::Bucket\).*Nothing was changed.*--allow-replacement/);
  assert.deepEqual(stack.calls.map((c) => c.command), ['CreateChangeSet', 'DeleteChangeSet']);

  const allowed = await runDeploy(['deploy', ...FLAGS, '--yes', '--allow-replacement'], env, new MockedCloudFormationDeployer());
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.deepEqual(stack.changed(), ['CreateChangeSet', 'CreateChangeSet', 'ExecuteChangeSet']);
});

test('a replacement CloudFormation can only decide while it runs (Conditional) is refused the same way', async () => {
  const conditional: Change = { Type: 'Resource', ResourceChange: { Action: 'Modify', Replacement: 'Conditional', LogicalResourceId: 'Jobs', ResourceType: 'AWS::SQS::Queue' } };
  world({ status: 'UPDATE_COMPLETE', changes: [conditional] });
  const run = await runDeploy(['deploy', ...FLAGS, '--yes'], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /error \[STATEFUL_REPLACEMENT_REFUSED\]: the change to BenchlingWebhookStack replaces Jobs \(AWS::SQS::Queue\) \[may be replaced\]/);
});

test('a change set with no changes: nothing to confirm, the change set is removed, the deploy is recorded as unchanged', async () => {
  const env = await peers.env();
  const stack = world({ status: 'UPDATE_COMPLETE', changes: [] });
  const run = await runDeploy(['deploy', ...FLAGS], env, new MockedCloudFormationDeployer());
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^plan for BenchlingWebhookStack: no changes$/m);
  assert.equal(run.stdout.trim(), 'no changes: BenchlingWebhookStack already runs this template');
  assert.deepEqual(stack.calls.map((c) => c.command), ['CreateChangeSet', 'DeleteChangeSet']);
  const [record] = await readHistory(historyPaths('default', env));
  assert.equal(record?.outcome, 'unchanged');
  assert.equal(record?.previousState, 'UPDATE_COMPLETE');
});

interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

test('deploy --dry-run, when CloudFormation answers, prints the stack state and the same plan, read from the deployed template, and changes nothing', async () => {
  const env = await peers.env();
  await runDeploy(['secrets', 'sync'], env, new MockedCloudFormationDeployer());
  // No stack yet: everything is added.
  const fresh = world({});
  const first = await runDeploy(['deploy', '--dry-run', '--json', ...FLAGS], env, new MockedCloudFormationDeployer());
  assert.equal(first.code, 0, first.stderr);
  const created = JSON.parse(first.stdout) as { stack: { template: string }; change: { reached: boolean; stackState: { kind: string }; plan: { add: unknown[]; modify: unknown[] } } };
  assert.equal(created.change.reached, true);
  assert.equal(created.change.stackState.kind, 'absent');
  const template = JSON.parse(await readFile(created.stack.template, 'utf8')) as TemplateJson;
  assert.equal(created.change.plan.add.length, Object.keys(template.Resources).length);
  assert.deepEqual(fresh.calls, []);

  // Deployed: a template whose bucket had another name (a replacement) and whose task policy lacked a statement (a broadening).
  stubs.cloudFormation.reset();
  const deployed = structuredClone(template);
  const bucket = Object.entries(deployed.Resources).find(([, r]) => r.Type === 'AWS::S3::Bucket')!;
  bucket[1].Properties = { ...bucket[1].Properties, BucketName: 'packages-old' };
  const [policyId, policy] = Object.entries(deployed.Resources).find(([, r]) => r.Type === 'AWS::IAM::Policy')!;
  const statements = (policy.Properties!.PolicyDocument as { Statement: object[] }).Statement;
  const added = statements.pop() as { Action: string | string[] };
  const stack = world({ status: 'UPDATE_COMPLETE' });
  stubs.cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(deployed) });
  const run = await runDeploy(['deploy', '--dry-run', ...FLAGS], env, new MockedCloudFormationDeployer());
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ {2}state {5}stack BenchlingWebhookStack is UPDATE_COMPLETE: ready to update$/m);
  assert.match(run.stdout, /^ {2}plan for BenchlingWebhookStack: 0 to add, 1 to modify, 1 to replace, 0 to remove$/m);
  assert.match(run.stdout, new RegExp(`^ {6}± ${bucket[0]} \\(AWS::S3::Bucket\\)$`, 'm'));
  assert.match(run.stdout, new RegExp(`^ {6}${policyId} \\(AWS::IAM::Policy\\): Allow `, 'm'));
  assert.ok(run.stdout.includes([added.Action].flat()[0]!), `the added statement's action is named:\n${run.stdout}`);
  assert.match(run.stdout, /the deploy would refuse this replacement without --allow-replacement/);
  assert.deepEqual(stack.calls, [], 'a dry run creates no change set');
});

test('Ctrl-C at the question is a no: nothing is deployed and the change set is deleted again', async () => {
  const interrupted = Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });
  restoreRuntime = useOperateRuntime({ interactive: () => true, confirm: async () => Promise.reject(interrupted) });
  const stack = world({ status: 'UPDATE_COMPLETE', changes: MIXED_CHANGES });
  const run = await runDeploy(['deploy', ...FLAGS], await peers.env(), new MockedCloudFormationDeployer());
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /error \[NOT_CONFIRMED\]: not confirmed: nothing was changed \(deploying the change to BenchlingWebhookStack\)/);
  assert.deepEqual(stack.calls.map((c) => c.command), ['CreateChangeSet', 'DeleteChangeSet']);
});

test('an existing secret whose fields changed is rewritten only once the change is confirmed', async () => {
  restoreRuntime = useOperateRuntime({ interactive: () => false });
  const env = await peers.env();
  await runDeploy(['secrets', 'sync'], env, new MockedCloudFormationDeployer());
  const versions = () => peers.fake.find('benchling-webhook/default')!.versions.length;
  const before = versions();
  const changed = { ...env, BENCHLING_SECRETS: JSON.stringify({ ...peers.sandbox.secret, note: 'rotated' }) };
  const stack = world({ status: 'UPDATE_COMPLETE', changes: MIXED_CHANGES });
  const declined = await runDeploy(['deploy', ...FLAGS], changed, new MockedCloudFormationDeployer());
  assert.equal(declined.code, 2, declined.stderr);
  assert.match(declined.stderr, /secret benchling-webhook\/default: to be updated \(\+note\) once the change is confirmed/);
  assert.equal(versions(), before, 'the secret was not rewritten');
  assert.deepEqual(stack.changed(), ['CreateChangeSet']);

  const confirmed = await runDeploy(['deploy', ...FLAGS, '--yes'], changed, new MockedCloudFormationDeployer());
  assert.equal(confirmed.code, 0, confirmed.stderr);
  assert.equal(versions(), before + 1);
  const written = confirmed.stderrLines.findIndex((l) => l.text.startsWith('secret updated'));
  const plan = confirmed.stderrLines.findIndex((l) => l.text.startsWith('plan for'));
  assert.ok(written > plan && plan >= 0, 'written after the plan');
});
