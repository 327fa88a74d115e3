import assert from 'node:assert/strict';
import { workerConcurrencyForCpu } from '../../src/config/worker-concurrency.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AppError, UsageError } from '../../src/errors/app-error.ts';
import { BenchlingWebhook, applyRules } from '../../src/infra/index.ts';
import { RuleViolationsError, type SynthResult } from '../../src/infra/synthesize.ts';
import { ENTRY_CANVASES_PREFIX } from '../../src/worker/entry-canvases.ts';
import { STAGING_PREFIX } from '../../src/worker/package-entry.ts';
import { ACCOUNT, REGION, SECRET_ARN, guardOutdir, synthStack, tempDir, testSecret } from './support.ts';

const VPC = { vpcId: 'vpc-0123456789abcdef0', privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] };
const ECR_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/benchling-webhook:1.4.2`;
const ENGINE_QUEUE = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/quilt-packager`;

/** Every non-default option at once: existing VPC and bucket, allow-list, ECR image, alarm email, API logs, packaging engine, package prefix, export limits. */
let custom: SynthResult;
let t: Template;
/** An image from another registry, and an IPv6 range in the allow-list. */
let registry: Template;
before(() => {
  const secret = testSecret();
  const known = [secret.client_id, secret.client_secret];
  custom = synthStack(
    {
      existingVpc: VPC,
      existingBucketName: 'acme-quilt-packages',
      allowedSourceCidrs: ['203.0.113.0/24', '198.51.100.7/32'],
      imageUri: ECR_IMAGE,
      alarmEmail: 'ops@example.com',
      apiAccessLogs: true,
      settings: { packager: ENGINE_QUEUE, packagePrefix: 'lab-notes', exportMaxDownload: '1GiB', exportMaxFiles: 500, jobMaxFailures: 3, workerConcurrency: 6 },
      webhook: { http: { bodyTimeoutSeconds: 15, maxConnections: 128 } },
    },
    { knownSecretValues: known },
  );
  t = Template.fromJSON(custom.template);
  registry = Template.fromJSON(synthStack({ imageUri: 'ghcr.io/acme/benchling-webhook@sha256:' + 'a'.repeat(64), allowedSourceCidrs: ['2001:db8::/32'] }, { knownSecretValues: known }).template);
});

function images(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::ECS::TaskDefinition')).map((task) => task.Properties.ContainerDefinitions[0].Image);
}

type Statement = { Action: string | string[]; Resource: unknown };

function policyStatements(template: Template, roleLogicalId?: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => roleLogicalId === undefined || JSON.stringify(policy.Properties.Roles).includes(roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function taskDefinition(template: Template, command: string) {
  return Object.values(template.findResources('AWS::ECS::TaskDefinition')).find((task) => task.Properties.ContainerDefinitions[0].Command[0] === command)!;
}

function taskRoleStatements(template: Template, command: string): Statement[] {
  return policyStatements(template, taskDefinition(template, command).Properties.TaskRoleArn['Fn::GetAtt'][0] as string);
}

function containerEnv(template: Template, command: string): Record<string, unknown> {
  const env = taskDefinition(template, command).Properties.ContainerDefinitions[0].Environment as { Name: string; Value: unknown }[];
  return Object.fromEntries(env.map((e) => [e.Name, e.Value]));
}

const workerEnv = (template: Template) => containerEnv(template, 'worker');

test('existing VPC: nothing created, tasks and load balancer in the given private subnets, no lookup', () => {
  t.resourceCountIs('AWS::EC2::VPC', 0);
  t.resourceCountIs('AWS::EC2::Subnet', 0);
  t.resourceCountIs('AWS::EC2::NatGateway', 0);
  for (const service of Object.values(t.findResources('AWS::ECS::Service'))) {
    assert.deepEqual(service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets, VPC.privateSubnetIds);
  }
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Subnets: VPC.privateSubnetIds, Scheme: 'internal' });
  for (const group of Object.values(t.findResources('AWS::EC2::SecurityGroup'))) assert.equal(group.Properties.VpcId, VPC.vpcId);
  const manifest = JSON.parse(readFileSync(join(custom.outdir, 'manifest.json'), 'utf8')) as { missing?: unknown[] };
  assert.equal(manifest.missing, undefined, 'synth needed no context lookup');
});

test('existing bucket: none created; the worker writes to it by name, and deletes only under the app prefix and the package prefix', () => {
  t.resourceCountIs('AWS::S3::Bucket', 0);
  assert.deepEqual(workerEnv(t).REGISTRY, 's3://acme-quilt-packages');
  const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
  assert.match(policies, /s3:::acme-quilt-packages\/\*/);
  const deletes = policyStatements(t).filter((s) => [s.Action].flat().some((action) => action.startsWith('s3:Delete')));
  assert.equal(deletes.length, 1, JSON.stringify(deletes));
  assert.deepEqual(deletes[0]!.Action, 's3:DeleteObject');
  const resources = JSON.stringify(deletes[0]!.Resource);
  assert.match(resources, /s3:::acme-quilt-packages\/\.benchling-webhook\/\*"/);
  assert.match(resources, /s3:::acme-quilt-packages\/lab-notes\/\*"/);
  // What the worker deletes at run time, checked against what the stack lets it delete.
  const allowed = [...resources.matchAll(/acme-quilt-packages\/([^"*]*)\*/g)].map((m) => m[1]!);
  assert.equal(allowed.length, 2, resources);
  for (const deleted of [`${STAGING_PREFIX}benchling/EXP1/3f2a/data.csv`, `${ENTRY_CANVASES_PREFIX}etr_1/cnvs_1`, 'lab-notes/EXP1/data.csv']) {
    assert.ok(allowed.some((prefix) => deleted.startsWith(prefix)), `the worker deletes ${deleted}, outside the granted ${allowed.join('*, ')}*`);
  }
});

test('export limits: the ones given reach the containers as the env the worker reads; a bad one stops synth', () => {
  assert.equal(workerEnv(t).EXPORT_MAX_DOWNLOAD, '1GiB');
  assert.equal(workerEnv(t).EXPORT_MAX_FILES, '500');
  assert.equal(workerEnv(t).EXPORT_MAX_RATIO, undefined, 'an unset limit is left to the worker default');
  assert.throws(
    () => synthStack({ settings: { exportMaxUncompressed: '20 gigs' } }),
    (error: unknown) => error instanceof UsageError && error.code === 'SETTING_INVALID' && /settings\.exportMaxUncompressed \(EXPORT_MAX_UNCOMPRESSED\)/.test(error.message),
  );
});

test('packaging engine (PACKAGER): the worker gets its URL and may send to that queue; the webhook may not', () => {
  assert.equal(workerEnv(t).PACKAGER, ENGINE_QUEUE);
  const engineArn = new RegExp(`:sqs:${REGION}:${ACCOUNT}:quilt-packager"`);
  const sends = (command: string) => taskRoleStatements(t, command).filter((s) => [s.Action].flat().includes('sqs:SendMessage') && engineArn.test(JSON.stringify(s.Resource)));
  assert.equal(sends('worker').length, 1);
  assert.ok(taskRoleStatements(t, 'serve').length > 0, 'the webhook role is found');
  assert.equal(sends('serve').length, 0);
  assert.equal(workerEnv(registry).PACKAGER, undefined, 'without the setting the worker writes manifests itself');
  assert.throws(
    () => synthStack({ settings: { packager: 'quilt-packager' } }),
    (error: unknown) => error instanceof UsageError && error.code === 'SQS_URL_INVALID' && /PACKAGER must be `direct` or an SQS queue URL/.test(error.message),
  );
});

test("package-revision events: with PACKAGER, an encrypted queue with its own dead-letter queue, fed by a rule on Quilt's events of the registry bucket; the worker gets its URL and may consume it", () => {
  const quilt = (template: Template) => Object.values(template.findResources('AWS::Events::Rule')).filter((r) => JSON.stringify(r.Properties.EventPattern ?? {}).includes('com.quiltdata'));
  const rules = quilt(t);
  assert.equal(rules.length, 1);
  const rule = rules[0]!.Properties;
  assert.deepEqual(rule.EventPattern, { source: ['com.quiltdata'], 'detail-type': ['package-revision'], detail: { bucket: ['acme-quilt-packages'] } });
  assert.equal(rule.State, 'ENABLED');
  const targetArn = JSON.stringify(rule.Targets[0].Arn);
  const queues = t.findResources('AWS::SQS::Queue');
  const [eventsId, eventsQueue] = Object.entries(queues).find(([id]) => targetArn.includes(id))!;
  assert.match(eventsId, /PackageEvents/);
  assert.equal(eventsQueue.Properties.FifoQueue, undefined, 'EventBridge sends no group id: a standard queue');
  assert.equal(eventsQueue.Properties.SqsManagedSseEnabled, true);
  const dlqId = JSON.stringify(eventsQueue.Properties.RedrivePolicy.deadLetterTargetArn).match(/"(\w+)","Arn"/)![1]!;
  assert.match(dlqId, /PackageEventsDeadLetters/);
  assert.equal(queues[dlqId]!.Properties.SqsManagedSseEnabled, true);
  // EventBridge may send to the queue, and only for this rule.
  const queuePolicy = JSON.stringify(t.findResources('AWS::SQS::QueuePolicy'));
  assert.match(queuePolicy, /events\.amazonaws\.com/);
  assert.deepEqual(workerEnv(t).PACKAGE_EVENT_QUEUE, { Ref: eventsId });
  assert.equal(containerEnv(t, 'serve').PACKAGE_EVENT_QUEUE, undefined, 'the webhook never reads the events');
  const on = (command: string, id: string, action: string) => taskRoleStatements(t, command).some((s) => [s.Action].flat().includes(action) && JSON.stringify(s.Resource).includes(id));
  assert.ok(on('worker', eventsId, 'sqs:ReceiveMessage') && on('worker', eventsId, 'sqs:DeleteMessage'));
  assert.ok(on('worker', dlqId, 'sqs:SendMessage'), 'the worker dead-letters a malformed event with its reason');
  assert.ok(!on('serve', eventsId, 'sqs:ReceiveMessage'));
  const alarms = JSON.stringify(t.findResources('AWS::CloudWatch::Alarm'));
  assert.ok(alarms.includes(dlqId), 'the dead letters are watched by an alarm');
  assert.ok(JSON.stringify(custom.template.Outputs ?? {}).includes('PackageEventQueueUrl'));
  assert.equal(quilt(registry).length, 0);
  assert.equal(workerEnv(registry).PACKAGE_EVENT_QUEUE, undefined, 'direct packaging draws the committed revision itself');
});

test('HTTP limits: the webhook container gets those given, the worker none; a bad one stops synth naming the prop', () => {
  const httpEnv = (env: Record<string, unknown>) => Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('HTTP_')));
  assert.deepEqual(httpEnv(containerEnv(t, 'serve')), { HTTP_BODY_TIMEOUT: '15', HTTP_MAX_CONNECTIONS: '128' });
  assert.deepEqual(httpEnv(workerEnv(t)), {});
  assert.deepEqual(httpEnv(containerEnv(registry, 'serve')), {}, 'without the prop the service keeps its defaults');
  const refused: [object, RegExp][] = [
    [{ maxConnections: 0 }, /webhook\.http\.maxConnections \(HTTP_MAX_CONNECTIONS\) is invalid/],
    [{ idleTimeoutSeconds: -5 }, /webhook\.http\.idleTimeoutSeconds \(HTTP_IDLE_TIMEOUT\) is invalid: must be a number of seconds/],
    [{ headersTimeoutSeconds: 30 }, /HTTP_HEADERS_TIMEOUT \(30s\) is longer than HTTP_BODY_TIMEOUT \(20s\)/],
  ];
  for (const [http, message] of refused) {
    assert.throws(
      () => synthStack({ webhook: { http } }),
      (error: unknown) => error instanceof UsageError && error.code === 'SETTING_INVALID' && message.test(error.message),
      JSON.stringify(http),
    );
  }
});

test('JOB_MAX_FAILURES reaches the worker; the worker may send to the dead-letter queue (it moves a job that keeps failing there), the webhook may not', () => {
  assert.equal(workerEnv(t).JOB_MAX_FAILURES, '3');
  const dlq = Object.keys(t.findResources('AWS::SQS::Queue')).find((id) => id.includes('DeadLetters'))!;
  const sends = (command: string) => taskRoleStatements(t, command).filter((s) => [s.Action].flat().includes('sqs:SendMessage') && JSON.stringify(s.Resource).includes(dlq));
  assert.equal(sends('worker').length, 1);
  assert.equal(sends('serve').length, 0);
});

test('secret under a customer-managed KMS key: both task roles may decrypt with that key, only through Secrets Manager', () => {
  const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const withKey = Template.fromJSON(synthStack({ secretKmsKeyArn: keyArn }).template);
  for (const command of ['serve', 'worker']) {
    const decrypts = taskRoleStatements(withKey, command).filter((s) => [s.Action].flat().includes('kms:Decrypt'));
    assert.equal(decrypts.length, 1, command);
    assert.equal(decrypts[0]!.Resource, keyArn);
    assert.match(JSON.stringify((decrypts[0] as { Condition?: unknown }).Condition), /kms:ViaService.*secretsmanager\./);
  }
  assert.equal(taskRoleStatements(registry, 'worker').filter((s) => [s.Action].flat().includes('kms:Decrypt')).length, 0, 'no key, no grant');
  assert.throws(
    () => synthStack({ secretKmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/benchling` }),
    (error: unknown) => error instanceof UsageError && error.code === 'KMS_KEY_ARN_INVALID',
  );
});

test('allow-list on: a deny for every path from any source outside the listed CIDRs', () => {
  t.hasResourceProperties('AWS::ApiGateway::RestApi', {
    Policy: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Effect: 'Deny',
          Resource: 'execute-api:/*',
          Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '198.51.100.7/32'] } },
        }),
      ]),
    },
  });
  registry.hasResourceProperties('AWS::ApiGateway::RestApi', {
    Policy: { Statement: Match.arrayWith([Match.objectLike({ Condition: { NotIpAddress: { 'aws:SourceIp': ['2001:db8::/32'] } } })]) },
  });
});

test('image from an ECR URI: no asset, the execution role may pull exactly that repository', () => {
  for (const image of images(t)) assert.match(JSON.stringify(image), /benchling-webhook:1\.4\.2/);
  const assetsFile = join(custom.outdir, 'BenchlingWebhookStack.assets.json');
  const assets = existsSync(assetsFile) ? (JSON.parse(readFileSync(assetsFile, 'utf8')) as { dockerImages?: object }) : {};
  assert.deepEqual(assets.dockerImages ?? {}, {});
  const pulls = JSON.stringify(t.findResources('AWS::IAM::Policy'));
  assert.match(pulls, /ecr:BatchGetImage/);
  assert.match(pulls, new RegExp(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/benchling-webhook`));
});

test('image from another registry: pulled as given', () => {
  for (const image of images(registry)) assert.equal(image, 'ghcr.io/acme/benchling-webhook@sha256:' + 'a'.repeat(64));
});

test('alarm email: an SNS topic (TLS only) with the subscription, as every alarm action', () => {
  t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  t.hasResourceProperties('AWS::SNS::TopicPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
  });
  const alarms = Object.entries(t.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.includes('Alarms'));
  // Below desired (webhook, worker), task start failures, dead letters of each lane and of the package events (PACKAGER is set), 5xx.
  assert.equal(alarms.length, 7);
  for (const [, alarm] of alarms) assert.equal(alarm.Properties.AlarmActions.length, 1);
});

test('API logs on: JSON access logs into a retained log group, errors only, never a data trace', () => {
  t.hasResourceProperties('AWS::ApiGateway::Stage', {
    AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
    MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false })],
  });
});

test('the worker rate budget is checked at synth: max tasks × budget over 60/30s fails', () => {
  assert.throws(
    () => synthStack({ worker: { maxTasks: 4, rateBudget: { requests: 20, windowSeconds: 30 } } }),
    (error: unknown) => error instanceof AppError && /4 worker tasks × 20\/30s = 80 requests per 30s, over the tenant's limit of 60\/30s/.test(error.message),
  );
  const larger = Template.fromJSON(synthStack({ worker: { maxTasks: 6 } }).template);
  const worker = Object.values(larger.findResources('AWS::ECS::TaskDefinition')).find((task) => task.Properties.ContainerDefinitions[0].Command[0] === 'worker')!;
  assert.ok(JSON.stringify(worker).includes('"10/30s"'), 'the default budget shrinks as the maximum grows');
});

test('a secret in another region or account than the stack is refused before anything is built', () => {
  assert.throws(
    () => synthStack({ env: { account: ACCOUNT, region: 'eu-west-1' } }),
    (error: unknown) => error instanceof UsageError && error.code === 'SECRET_REGION_MISMATCH' && /secrets sync --region eu-west-1/.test(error.message),
  );
  assert.throws(() => synthStack({ env: { account: '210987654321', region: REGION } }), (error: unknown) => error instanceof UsageError && error.code === 'SECRET_ACCOUNT_MISMATCH');
  assert.throws(
    () => synthStack({ secretArn: 'benchling-webhook/default' }),
    (error: unknown) => error instanceof UsageError && error.code === 'SECRET_ARN_INVALID',
  );
});

test('an existing VPC needs two private subnets with well-formed ids', () => {
  assert.throws(() => synthStack({ existingVpc: { vpcId: VPC.vpcId, privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'] } }), /at least two private subnets/);
  assert.throws(() => synthStack({ existingVpc: { vpcId: 'vpc-x', privateSubnetIds: VPC.privateSubnetIds } }), /vpc-0123456789abcdef0/);
});

test('synth refuses a template that holds a value it was told is secret, as a fatal rule violation', () => {
  assert.throws(
    () => synthStack({ existingBucketName: 'acme-do-not-publish' }, { knownSecretValues: ['acme-do-not-publish'] }),
    (error: unknown) =>
      error instanceof RuleViolationsError &&
      error.code === 'SYNTH_RULES_FAILED' &&
      error.violations.some((v) => v.rule === 'Benchling-NoSecretLiteral' && v.severity === 'fatal') &&
      !error.violations.some((v) => v.plugin === 'AwsSolutions'),
  );
});

test('CDK users can put the construct in a stack of their own (environment-agnostic), rules included', () => {
  const outdir = tempDir('bw-construct-');
  const app = new App({ outdir, autoSynth: false, builtinCloudFormationValidation: false, context: { '@aws-cdk/core:appMode': 'inmemory' } });
  const stack = new Stack(app, 'PlatformStack');
  const webhook = new BenchlingWebhook(stack, 'Benchling', { secretArn: SECRET_ARN, imageUri: 'ghcr.io/acme/bw:1.0' });
  applyRules(app, { secretArn: SECRET_ARN });
  const template = Template.fromJSON(app.synth().getStackByName('PlatformStack').template as object);
  template.resourceCountIs('AWS::ECS::Service', 2);
  assert.equal(webhook.workerRateBudget.requests, 20);
  const env = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0].Environment as { Name: string; Value: unknown }[];
  assert.deepEqual(env.find((e) => e.Name === 'AWS_REGION')?.Value, { Ref: 'AWS::Region' });
  guardOutdir(outdir);
});

test('WORKER_CONCURRENCY: the worker runs what the stack is told, else one job per quarter vCPU of its task (4 for the default 1024)', () => {
  assert.equal(workerEnv(t).WORKER_CONCURRENCY, '6');
  assert.equal(workerEnv(registry).WORKER_CONCURRENCY, '4');
  assert.deepEqual([256, 512, 1024, 2048, 4096].map(workerConcurrencyForCpu), [2, 2, 4, 8, 8]);
  assert.throws(() => synthStack({ imageUri: ECR_IMAGE, settings: { workerConcurrency: 0 } }), /WORKER_CONCURRENCY\) is invalid/);
});
