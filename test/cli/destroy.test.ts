import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import {
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { writeProfile } from '../../src/config/profile.ts';
import { useOperateRuntime } from '../../src/operate/operate-runtime.ts';
import { runBin, runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { SecretsManagerFake } from '../support/secrets-manager-fake.ts';
import { FAKE_AWS_SECRET_KEY, REGION, STACK_ID, commandEnv, mockDeployedStack, startFauxqs } from '../operate/deployed-stack.ts';

knownSecretValues(FAKE_AWS_SECRET_KEY);

let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
let s3: S3Client;
let secretsManager: SecretsManagerFake;
before(async () => {
  fauxqs = await startFauxqs();
  secretsManager = await new SecretsManagerFake(REGION).start();
  s3 = new S3Client({ region: REGION, endpoint: fauxqs.url, forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
});
after(async () => {
  s3.destroy();
  await Promise.all([fauxqs.stop(), secretsManager.stop()]);
});
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0)) undo();
});

let made = 0;
async function bucketWithPackages(): Promise<string> {
  const bucket = `packages-${process.pid}-${++made}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const key of ['benchling/EXP1/entry.json', '.quilt/named_packages/benchling/EXP1/latest', '.quilt/packages/abc']) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{}' }));
  }
  return bucket;
}

const stackEvent = (id: string, logicalId: string, type: string, status: string, reason = ''): StackEvent => ({
  EventId: id,
  StackId: STACK_ID,
  StackName: 'BenchlingWebhookStack',
  LogicalResourceId: logicalId,
  ResourceType: type,
  ResourceStatus: status as never,
  ResourceStatusReason: reason,
  Timestamp: new Date(Date.parse('2026-11-27T03:00:00Z') + Number(id.replace(/\D/g, '')) * 1000),
});

/**
 * A stack CloudFormation deletes over two polls: the injected sleep moves time on, and each
 * poll sees the status and events of that moment. `ending` is the status it ends in.
 */
async function destroyWorld(ending: 'DELETE_COMPLETE' | 'DELETE_FAILED' = 'DELETE_COMPLETE') {
  const bucket = await bucketWithPackages();
  const env = { ...(await commandEnv(fauxqs.url)), AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url };
  const { arn: secretArn, name: secretName } = secretsManager.seed(`benchling-webhook/destroy-${process.pid}-${++made}`, '{}');
  await writeProfile('default', { secretArn, stackName: 'BenchlingWebhookStack', region: REGION }, env);
  const cloudFormation = mockDeployedStack({ bucket });
  const secrets = {
    arn: secretArn,
    deletes: () => secretsManager.calls.filter((c) => c.operation === 'DeleteSecret' && c.secretId === secretArn).length,
    deletion: () => secretsManager.secrets.get(secretName)?.deletion,
  };
  let polls = -1;
  const old = stackEvent('e0', 'BenchlingWebhookStack', 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE');
  const timeline: StackEvent[][] = [
    [old],
    [stackEvent('e1', 'BenchlingWebhookStack', 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', 'User Initiated'), old],
    ending === 'DELETE_COMPLETE'
      ? [stackEvent('e3', 'BenchlingWebhookStack', 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE'), stackEvent('e2', 'WebhookCluster56F9DF03', 'AWS::ECS::Cluster', 'DELETE_COMPLETE')]
      : [
          stackEvent('e3', 'BenchlingWebhookStack', 'AWS::CloudFormation::Stack', 'DELETE_FAILED', 'The following resource(s) failed to delete: [WebhookNetworkVpcPrivateSubnet1]. '),
          stackEvent('e2', 'WebhookNetworkVpcPrivateSubnet1', 'AWS::EC2::Subnet', 'DELETE_FAILED', 'The subnet has dependencies and cannot be deleted.'),
        ],
  ];
  const statuses = ['UPDATE_COMPLETE', 'DELETE_IN_PROGRESS', ending];
  cloudFormation.on(DescribeStacksCommand).callsFake(() => ({
    Stacks: [
      {
        StackId: STACK_ID,
        StackName: 'BenchlingWebhookStack',
        StackStatus: statuses[Math.max(0, polls)] as never,
        CreationTime: new Date('2026-11-01T00:00:00Z'),
        Outputs: [{ OutputKey: 'SecretArn', OutputValue: secretArn }, { OutputKey: 'BucketName', OutputValue: bucket }],
      },
    ],
  }));
  cloudFormation.on(DescribeStackEventsCommand).callsFake(() => ({ StackEvents: timeline.slice(0, Math.max(0, polls) + 1).reverse().flat() }));
  cloudFormation.on(DeleteStackCommand).callsFake(() => {
    polls = 0;
    return {};
  });
  cleanups.push(
    () => cloudFormation.restore(),
    useOperateRuntime({ interactive: () => false, sleep: async () => void (polls += polls >= 0 ? 1 : 0) }),
  );
  return { bucket, env, cloudFormation, secrets, profile: () => readFile(join(env.XDG_CONFIG_HOME, 'benchling-webhook', 'default.json'), 'utf8') };
}

async function objectCount(bucket: string): Promise<number> {
  return (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount ?? 0;
}

test('destroy without --yes and no terminal refuses with exit 2, says to pass --yes, and calls nothing', async () => {
  const { env, cloudFormation } = await destroyWorld();
  const run = await runCli(['destroy'], env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /not a terminal: pass --yes to confirm/);
  assert.equal(cloudFormation.calls().length, 0);
});

test('destroy --yes deletes the stack by id, reports each new event while it waits, and keeps the bucket and the secret', async (t) => {
  const { env, bucket, cloudFormation, secrets, profile } = await destroyWorld();
  const run = await runCli(['destroy', '--yes'], env);
  t.diagnostic(run.stdout);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(cloudFormation.commandCalls(DeleteStackCommand).length, 1);
  assert.equal(cloudFormation.commandCalls(DeleteStackCommand)[0]!.args[0].input.StackName, STACK_ID);
  const progress = run.stdout.split('\n').filter((l) => l.startsWith('  2026'));
  assert.deepEqual(progress.map((l) => l.trim().split(' ').slice(1, 4).join(' ')), [
    'BenchlingWebhookStack AWS::CloudFormation::Stack DELETE_IN_PROGRESS:',
    'WebhookCluster56F9DF03 AWS::ECS::Cluster DELETE_COMPLETE',
    'BenchlingWebhookStack AWS::CloudFormation::Stack DELETE_COMPLETE',
  ]);
  assert.doesNotMatch(run.stdout, /UPDATE_COMPLETE/, 'events from before the deletion are not progress');
  assert.match(run.stdout, new RegExp(`bucket +${bucket}: kept`));
  assert.match(run.stdout, /secret +arn:aws:secretsmanager:.*: kept/);
  assert.match(run.stdout, /^stack BenchlingWebhookStack deleted\nprofile default no longer records the stack$/m);
  assert.equal(secrets.deletes(), 0);
  assert.equal(secrets.deletion(), undefined);
  assert.equal(await objectCount(bucket), 3);
  assert.deepEqual(JSON.parse(await profile()), { secretArn: secrets.arn, region: REGION });
});

test('destroy --yes --delete-secret schedules the profile secret for deletion with the default recovery window', async () => {
  const { env, bucket, secrets, profile } = await destroyWorld();
  const run = await runCli(['destroy', '--yes', '--delete-secret', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(secrets.deletes(), 1);
  assert.equal(secrets.deletion()?.recoveryDays, 30, "scheduled with Secrets Manager's default window, so it can be restored");
  const result = JSON.parse(run.stdout) as { deleted: boolean; secret: { delete: boolean }; bucket: { delete: boolean } };
  assert.deepEqual([result.deleted, result.secret.delete, result.bucket.delete], [true, true, false]);
  assert.equal(await objectCount(bucket), 3);
  assert.deepEqual(JSON.parse(await profile()), { region: REGION });
});

test('destroy --yes --delete-bucket <name> empties and deletes the bucket the stack created, after the stack', async () => {
  const { env, bucket } = await destroyWorld();
  const run = await runCli(['destroy', '--yes', '--delete-bucket', bucket, '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { deletedObjects: number }).deletedObjects, 3);
  await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: bucket })));
});

test('destroy --delete-bucket must name the stack bucket: unnamed with --yes, or another name, is refused (exit 2) before DeleteStack', async () => {
  const { env, bucket, cloudFormation } = await destroyWorld();
  const unnamed = await runCli(['destroy', '--yes', '--delete-bucket'], env);
  assert.equal(unnamed.code, 2);
  assert.match(unnamed.stderr, /name it to confirm, --delete-bucket <bucket>/);
  const wrong = await runCli(['destroy', '--yes', '--delete-bucket', 'someone-elses-bucket'], env);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, new RegExp(`not the bucket the stack created: to delete it, pass --delete-bucket ${bucket}`));
  assert.equal(cloudFormation.commandCalls(DeleteStackCommand).length, 0);
  assert.equal(await objectCount(bucket), 3);
});

test('destroy reports the resources that failed to delete with their reasons (exit 1) and deletes nothing else', async () => {
  const { env, secrets, profile } = await destroyWorld('DELETE_FAILED');
  const run = await runCli(['destroy', '--yes', '--delete-secret'], env);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /stack BenchlingWebhookStack could not be deleted: WebhookNetworkVpcPrivateSubnet1 \(AWS::EC2::Subnet\): The subnet has dependencies and cannot be deleted\./);
  assert.equal(secrets.deletes(), 0);
  assert.equal(JSON.parse(await profile()).stackName, 'BenchlingWebhookStack');
});

test('destroy in a terminal asks for the stack name: a wrong answer deletes nothing, the right one deletes', async () => {
  const { env, cloudFormation } = await destroyWorld();
  const answers = ['BenchlingWebhook', 'BenchlingWebhookStack'];
  const asked: string[] = [];
  cleanups.push(useOperateRuntime({ interactive: () => true, ask: async (message) => (asked.push(message), answers.shift() ?? '') }));
  const wrong = await runCli(['destroy'], env);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /the answer was not BenchlingWebhookStack: nothing was deleted/);
  assert.equal(cloudFormation.commandCalls(DeleteStackCommand).length, 0);
  const right = await runCli(['destroy'], env);
  assert.equal(right.code, 0, right.stderr);
  assert.equal(cloudFormation.commandCalls(DeleteStackCommand).length, 1);
  assert.match(asked[0]!, /Type the stack name \(BenchlingWebhookStack\) to delete it/);
});

test('destroy --delete-bucket in a terminal also asks for the bucket name before deleting anything', async () => {
  const { env, bucket, cloudFormation } = await destroyWorld();
  const answers = ['BenchlingWebhookStack', 'not-the-bucket', 'BenchlingWebhookStack', bucket];
  cleanups.push(useOperateRuntime({ interactive: () => true, ask: async () => answers.shift() ?? '' }));
  const wrong = await runCli(['destroy', '--delete-bucket'], env);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, new RegExp(`the answer was not ${bucket}: nothing was deleted`));
  assert.equal(cloudFormation.commandCalls(DeleteStackCommand).length, 0);
  const right = await runCli(['destroy', '--delete-bucket'], env);
  assert.equal(right.code, 0, right.stderr);
  await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: bucket })));
});

test('the real binary, with no terminal and no --yes, refuses the same way (exit 2)', async () => {
  const env = await commandEnv(fauxqs.url);
  const run = await runBin(['destroy'], env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /error \[CONFIRMATION_REQUIRED\]: .*pass --yes to confirm/);
});

test('the stack deleted but the secret not: exit 1 saying what is done and the command that finishes it; the profile forgets the stack, keeps the secret', async () => {
  const { env, secrets, profile } = await destroyWorld();
  secretsManager.failNext('DeleteSecret', 'AccessDeniedException', 'User is not authorized to perform secretsmanager:DeleteSecret');
  const run = await runCli(['destroy', '--yes', '--delete-secret'], env);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /stack BenchlingWebhookStack was deleted and the profile no longer records it, but .*not authorized/);
  assert.ok(run.stderr.includes(`finish by hand: \`aws secretsmanager delete-secret --secret-id ${secrets.arn}\``), run.stderr);
  const after = JSON.parse(await profile()) as { stackName?: string; secretArn?: string };
  assert.equal(after.stackName, undefined);
  assert.equal(after.secretArn, secrets.arn);
  assert.equal(secrets.deletion(), undefined, 'the secret is still there');
});
