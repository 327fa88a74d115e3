import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { listAcknowledgements } from '../../src/infra/acknowledge.ts';
import type { SynthResult } from '../../src/infra/synthesize.ts';
import { JOB_RECEIVE_LIMIT } from '../../src/config/dead-letter-limits.ts';
import { SECRET_ARN, synthStack, testSecret } from './support.ts';

/** One synth of the default stack (new VPC, new bucket, open endpoint, image from the Dockerfile), shared by every assertion. */
let result: SynthResult;
let template: Template;
let secret: ReturnType<typeof testSecret>;
before(() => {
  secret = testSecret();
  result = synthStack({}, { knownSecretValues: [secret.client_id, secret.client_secret] });
  template = Template.fromJSON(result.template);
});

function containerDefinition(command: string): Record<string, unknown> {
  const tasks = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  for (const task of tasks) {
    const [def] = task.Properties.ContainerDefinitions as Record<string, unknown>[];
    if ((def!.Command as string[])[0] === command) return def!;
  }
  throw new Error(`no container runs ${command}`);
}

function envOf(def: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries((def.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));
}

test('synth with cdk-nag and the project rules passes; every acknowledgement states its reason', () => {
  const all = listAcknowledgements(result.app);
  for (const { id, path, reason } of all) assert.ok(reason.trim().length >= 20, `${path} ${id} has no real reason`);
  // Our acknowledgements are all cdk-nag's; CDK itself acknowledges one of its own validator's findings on flow logs.
  const acknowledged = all.filter((a) => a.id.startsWith('AwsSolutions-'));
  for (const { id, path, reason } of acknowledged) assert.ok(reason.trim().length >= 40, `${path} ${id} has no real reason`);
  const ids = new Set(acknowledged.map((a) => a.id.replace(/\[.*$/, '')));
  assert.deepEqual(
    [...ids].sort(),
    ['AwsSolutions-APIG1', 'AwsSolutions-APIG2', 'AwsSolutions-APIG3', 'AwsSolutions-APIG4', 'AwsSolutions-APIG6', 'AwsSolutions-COG4', 'AwsSolutions-ECS2', 'AwsSolutions-ELB2', 'AwsSolutions-IAM5', 'AwsSolutions-S1', 'AwsSolutions-SQS3'],
  );
});

test('new VPC: two zones, private subnets for the tasks, flow logs, an S3 gateway endpoint', () => {
  template.resourceCountIs('AWS::EC2::VPC', 1);
  template.resourceCountIs('AWS::EC2::NatGateway', 1);
  template.resourceCountIs('AWS::EC2::Subnet', 4);
  template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC' });
  template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
  for (const service of Object.values(template.findResources('AWS::ECS::Service'))) {
    assert.equal(service.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, 'DISABLED');
  }
});

test('new bucket: encrypted, versioned, TLS-only, private, retained', () => {
  template.hasResource('AWS::S3::Bucket', {
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    }),
  });
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
  });
  const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket'));
  assert.deepEqual(envOf(containerDefinition('worker')).REGISTRY, { 'Fn::Join': ['', ['s3://', { Ref: bucketId }]] });
});

test('allow-list off: the resource policy allows every source, with no deny', () => {
  const api = Object.values(template.findResources('AWS::ApiGateway::RestApi'))[0]!;
  const statements = api.Properties.Policy.Statement as { Effect: string }[];
  assert.deepEqual(statements.map((s) => s.Effect), ['Allow']);
});

test('image from the Dockerfile: an asset whose staged context holds only what the image needs', () => {
  const image = containerDefinition('serve').Image as { 'Fn::Sub': string };
  assert.match(image['Fn::Sub'], /cdk-hnb659fds-container-assets/);
  const assets = JSON.parse(readFileSync(join(result.outdir, 'BenchlingWebhookStack.assets.json'), 'utf8')) as {
    dockerImages: Record<string, { source: { directory: string; platform?: string } }>;
  };
  const [docker] = Object.values(assets.dockerImages);
  assert.equal(docker!.source.platform, 'linux/amd64');
  const staged = join(result.outdir, docker!.source.directory);
  for (const kept of ['Dockerfile', 'package.json', 'tsconfig.image.json', 'src/cli/run.ts']) assert.ok(existsSync(join(staged, kept)), kept);
  for (const dropped of ['node_modules', 'test', '.git', 'docs', 'dist', 'bin']) assert.ok(!existsSync(join(staged, dropped)), dropped);
});

test('one image, two commands: the webhook runs the service alone, the worker runs `worker`', () => {
  assert.deepEqual(containerDefinition('serve').Command, ['serve', '--no-worker']);
  assert.deepEqual(containerDefinition('worker').Command, ['worker']);
  assert.deepEqual(containerDefinition('serve').Image, containerDefinition('worker').Image);
});

test('containers: non-root, read-only root filesystem with a writable /tmp, health check on /health, retained logs', () => {
  for (const command of ['serve', 'worker']) {
    const def = containerDefinition(command);
    assert.equal(def.User, '1000:1000');
    assert.equal(def.ReadonlyRootFilesystem, true);
    assert.deepEqual(def.MountPoints, [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'tmp' }]);
  }
  assert.match(JSON.stringify((containerDefinition('serve').HealthCheck as { Command: string[] }).Command), /\/health/);
  // The worker serves no HTTP: its check is the age of the heartbeat file it keeps touching.
  assert.match(JSON.stringify((containerDefinition('worker').HealthCheck as { Command: string[] }).Command), /benchling-webhook-worker\.alive/);
  assert.equal(containerDefinition('worker').PortMappings, undefined);
  for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
    assert.equal(group.DeletionPolicy, 'Retain');
    assert.equal(typeof group.Properties.RetentionInDays, 'number');
  }
});

test('the secret reaches both containers only as BENCHLING_SECRETS=<its ARN>; only the task roles may read it', () => {
  for (const command of ['serve', 'worker']) {
    const def = containerDefinition(command);
    assert.equal(envOf(def).BENCHLING_SECRETS, SECRET_ARN);
    assert.equal(def.Secrets, undefined);
  }
  const readers = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([, p]) => JSON.stringify(p).includes('secretsmanager:'));
  assert.equal(readers.length, 2);
  for (const [id, policy] of readers) {
    assert.match(id, /TaskRole/);
    const statement = (policy.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[]).find((s) => JSON.stringify(s.Action).includes('secretsmanager'))!;
    assert.equal(statement.Resource, SECRET_ARN);
  }
  template.resourceCountIs('AWS::SecretsManager::Secret', 0);
});

test('deployment circuit breaker with rollback on both services', () => {
  for (const service of Object.values(template.findResources('AWS::ECS::Service'))) {
    assert.deepEqual(service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker, { Enable: true, Rollback: true });
  }
});

test("worker scaling: on queue depth, and max tasks × per-process budget stays under the tenant's 60/30s", () => {
  const worker = envOf(containerDefinition('worker'));
  assert.equal(worker.BENCHLING_RATE_LIMIT, '20/30s');
  const targets = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'));
  const maxima = targets.map((t) => t.Properties.MaxCapacity as number).sort();
  assert.deepEqual(maxima, [3, 6]);
  const workerService = Object.entries(template.findResources('AWS::ECS::Service')).find(([id]) => id.includes('Worker'))![1];
  assert.equal(workerService.Properties.DeploymentConfiguration.MaximumPercent, 100);
  assert.ok(3 * 20 <= 60);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Metrics: Match.arrayWith([Match.objectLike({ Expression: 'visible + inflight' })]),
  });
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
  });
});

test('two SQS FIFO job queues (the entry lane, the interactive lane), each with an encrypted FIFO dead-letter queue', () => {
  const queues = Object.values(template.findResources('AWS::SQS::Queue')).map((q) => q.Properties);
  const fifo = queues.filter((q) => q.FifoQueue === true);
  assert.equal(fifo.length, 4);
  for (const q of queues) assert.equal(q.SqsManagedSseEnabled, true);
  const lanes = fifo.filter((q) => q.RedrivePolicy !== undefined);
  assert.equal(lanes.length, 2);
  const deadLetters = new Set(lanes.map((q) => JSON.stringify(q.RedrivePolicy.deadLetterTargetArn)));
  assert.equal(deadLetters.size, 2, 'each lane has its own dead-letter queue');
  for (const jobs of lanes) {
    // The worker dead-letters a job that keeps failing itself; SQS's count only ends one that never gets to fail.
    assert.equal(jobs.RedrivePolicy.maxReceiveCount, JOB_RECEIVE_LIMIT);
    assert.equal(jobs.ContentBasedDeduplication, false);
  }
});

test('both tasks are told both queues; the webhook may only send to them, the worker consume both and dead-letter into each lane', () => {
  const ref = (value: unknown) => JSON.stringify(value);
  const ids = Object.keys(template.findResources('AWS::SQS::Queue'));
  const interactive = ids.find((id) => id.includes('InteractiveJobs') && !id.includes('DeadLetters'))!;
  const interactiveDead = ids.find((id) => id.includes('InteractiveJobsDeadLetters'))!;
  assert.ok(interactive && interactiveDead, ids.join(', '));
  for (const command of ['serve', 'worker']) {
    const env = envOf(containerDefinition(command));
    assert.match(ref(env.INTERACTIVE_QUEUE), new RegExp(interactive));
    assert.notEqual(ref(env.INTERACTIVE_QUEUE), ref(env.QUEUE));
  }
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map((s) => ({ ...s, roles: ref(p.Properties.Roles) })),
  );
  const on = (queue: string, action: string) => statements.filter((s) => [s.Action].flat().includes(action) && ref(s.Resource).includes(queue)).map((s) => s.roles);
  assert.equal(on(interactive, 'sqs:SendMessage').length, 1, 'only the webhook sends clicks');
  assert.match(on(interactive, 'sqs:SendMessage')[0]!, /WebhookTask/);
  assert.deepEqual(on(interactive, 'sqs:ReceiveMessage').map((roles) => /WorkerTask/.test(roles)), [true]);
  assert.deepEqual(on(interactiveDead, 'sqs:SendMessage').map((roles) => /WorkerTask/.test(roles)), [true]);
});

test('API Gateway HTTPS endpoint → VPC link → internal load balancer', () => {
  template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' });
  template.resourceCountIs('AWS::ApiGateway::VpcLink', 1);
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Type: 'network' });
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health', Port: 8080, TargetType: 'ip' });
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
  assert.equal(methods.length, 2, 'the root (Stable routing) and {proxy+}');
  for (const m of methods) assert.equal(m.Properties.Integration.ConnectionType, 'VPC_LINK');
});

test('alarms: running < desired, task start failures, dead letters, 5xx rate; no email, no actions', () => {
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
    .filter(([id]) => id.includes('Alarms'))
    .map(([, a]) => a);
  const descriptions = alarms.map((a) => a.Properties.AlarmDescription as string);
  for (const expected of [/Webhook has run fewer tasks/, /Worker has run fewer tasks/, /failed to start/, /dead-letter/, /5xx/]) {
    assert.ok(descriptions.some((d) => expected.test(d)), String(expected));
  }
  template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: Match.objectLike({ detail: Match.objectLike({ stopCode: ['TaskFailedToStart'] }) }),
  });
  template.resourceCountIs('AWS::SNS::Topic', 0);
  for (const a of alarms) assert.equal(a.Properties.AlarmActions, undefined);
});

test('outputs: webhook URL, queue, bucket, secret ARN', () => {
  const outputs = result.template.Outputs as Record<string, { Value: unknown }>;
  for (const name of ['WebhookUrl', 'QueueUrl', 'DeadLetterQueueUrl', 'InteractiveQueueUrl', 'InteractiveDeadLetterQueueUrl', 'BucketName', 'SecretArn', 'ClusterName', 'WebhookServiceName', 'WorkerServiceName']) {
    assert.ok(outputs[name], name);
  }
  assert.equal(outputs.SecretArn!.Value, SECRET_ARN);
});

test('no secret value the suite uses is in the template', () => {
  const text = readFileSync(result.templatePath, 'utf8');
  for (const value of [secret.client_id, secret.client_secret]) assert.equal(text.includes(value), false);
});
