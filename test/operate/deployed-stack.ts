import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { listenFauxqs, type FauxqsServer } from '../support/fauxqs-loopback.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/BenchlingWebhookStack/5b3c0f10-0000-4000-8000-000000000001`;
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:benchling-webhook/default-AbCdEf`;
export const CLUSTER = 'BenchlingWebhookStack-WebhookCluster56F9DF03-x1';
export const WEBHOOK_SERVICE = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/BenchlingWebhookStack-WebhookService-a1`;
export const WORKER_SERVICE = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/BenchlingWebhookStack-WorkerService-b2`;
export const WEBHOOK_TASK = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/BenchlingWebhookStackWebhookTask:3`;
export const WORKER_TASK = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/BenchlingWebhookStackWorkerTask:3`;
export const WEBHOOK_LOGS = 'BenchlingWebhookStack-WebhookWebhookTaskLogs5CCB3CF9-q1';
export const WORKER_LOGS = 'BenchlingWebhookStack-WebhookWorkerTaskLogs5A03C0DF-q2';
export const FLOW_LOGS = 'BenchlingWebhookStack-WebhookNetworkFlowLogs77202513-q3';
export const WEBHOOK_URL = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/';
/** A dummy AWS key the leak guard watches for: credentials must never reach output. */
export const FAKE_AWS_SECRET_KEY = 'operate-test-secret-key-9f8e7d';

const resource = (LogicalResourceId: string, ResourceType: string, PhysicalResourceId: string): StackResourceSummary => ({
  LogicalResourceId,
  ResourceType,
  PhysicalResourceId,
  ResourceStatus: 'CREATE_COMPLETE',
  LastUpdatedTimestamp: new Date('2026-11-01T00:00:00Z'),
});

/** The resources `synth` puts in the stack, under their synthesized logical ids. */
export function stackResources(bucket: string | undefined): StackResourceSummary[] {
  return [
    resource('WebhookCluster56F9DF03', 'AWS::ECS::Cluster', CLUSTER),
    resource('WebhookWebhookService5577FADE', 'AWS::ECS::Service', WEBHOOK_SERVICE),
    resource('WebhookWorkerService06C820E1', 'AWS::ECS::Service', WORKER_SERVICE),
    resource('WebhookWebhookTaskTask1A2B3C4D', 'AWS::ECS::TaskDefinition', WEBHOOK_TASK),
    resource('WebhookWorkerTaskTask5E6F7A8B', 'AWS::ECS::TaskDefinition', WORKER_TASK),
    resource('WebhookWebhookTaskLogs5CCB3CF9', 'AWS::Logs::LogGroup', WEBHOOK_LOGS),
    resource('WebhookWorkerTaskLogs5A03C0DF', 'AWS::Logs::LogGroup', WORKER_LOGS),
    resource('WebhookNetworkFlowLogs77202513', 'AWS::Logs::LogGroup', FLOW_LOGS),
    resource('WebhookAlarmsDeadLettersE6231A98', 'AWS::CloudWatch::Alarm', 'bw-DeadLetters'),
    resource('WebhookAlarmsWorkerBelowDesired7FA50452', 'AWS::CloudWatch::Alarm', 'bw-WorkerBelowDesired'),
    resource('WebhookWorkerServiceTaskCountTargetBacklogLowerAlarmF99DF160', 'AWS::CloudWatch::Alarm', 'bw-BacklogLower'),
    ...(bucket ? [resource('WebhookPackagesBucket712244B3', 'AWS::S3::Bucket', bucket)] : []),
  ];
}

export interface StackShape {
  status?: string;
  queueUrl?: string;
  deadLetterQueueUrl?: string;
  bucket?: string;
}

/** Mocks the stack's CloudFormation face: DescribeStacks by name or id, and its resources in two pages. */
export function mockDeployedStack(shape: StackShape = {}) {
  const cloudFormation = mockClient(CloudFormationClient);
  const outputs = {
    WebhookUrl: WEBHOOK_URL,
    QueueUrl: shape.queueUrl,
    DeadLetterQueueUrl: shape.deadLetterQueueUrl,
    BucketName: shape.bucket,
    SecretArn: SECRET_ARN,
  };
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackId: STACK_ID,
        StackName: 'BenchlingWebhookStack',
        StackStatus: (shape.status ?? 'UPDATE_COMPLETE') as never,
        CreationTime: new Date('2026-11-01T00:00:00Z'),
        LastUpdatedTime: new Date('2026-11-26T12:00:00Z'),
        Outputs: Object.entries(outputs).flatMap(([OutputKey, OutputValue]) => (OutputValue ? [{ OutputKey, OutputValue }] : [])),
      },
    ],
  });
  const resources = stackResources(shape.bucket);
  cloudFormation
    .on(ListStackResourcesCommand)
    .callsFake((input: { NextToken?: string }) =>
      input.NextToken === 'page-2'
        ? { StackResourceSummaries: resources.slice(6) }
        : { StackResourceSummaries: resources.slice(0, 6), NextToken: 'page-2' },
    );
  return cloudFormation;
}

export function missingStackError(name: string): Error {
  return Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });
}

/** fauxqs (SQS and S3 over the real wire protocol) on loopback, reached through the env the command is given. */
export function startFauxqs(): Promise<FauxqsServer> {
  return listenFauxqs(REGION);
}

export async function commandEnv(fauxqsUrl: string) {
  return {
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-operate-')),
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIDOPERATETEST',
    AWS_SECRET_ACCESS_KEY: FAKE_AWS_SECRET_KEY,
    AWS_ENDPOINT_URL_SQS: fauxqsUrl,
    AWS_ENDPOINT_URL_S3: fauxqsUrl,
  };
}
