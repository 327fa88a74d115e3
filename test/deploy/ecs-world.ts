import { ListStackResourcesCommand, type CloudFormationClient, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { GetLogEventsCommand, ResourceNotFoundException, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand, type Container, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/**
 * The ECS side of a deploying stack, played through aws-sdk-client-mock: the one thing the
 * watcher cannot reach on loopback. Webhook tasks stop at the scripted times; the worker's never do.
 */
export const CLUSTER = 'BenchlingWebhookStack-WebhookCluster1234';
export const WEBHOOK_SERVICE = 'BenchlingWebhookStack-WebhookServiceABCD';
export const WORKER_SERVICE = 'BenchlingWebhookStack-WorkerServiceEFGH';
export const LOG_GROUP = 'BenchlingWebhookStack-WebhookTaskLogs';
const ACCOUNT = '123456789012';
const TASK_DEFINITION = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/BenchlingWebhookStackWebhookTask:1`;

export const SECRET_KEY_REASON =
  'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: ' +
  'service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key app_definition_id';

export function stackResources(): StackResourceSummary[] {
  const resource = (type: string, id: string, physical: string): StackResourceSummary => ({
    LogicalResourceId: id,
    PhysicalResourceId: physical,
    ResourceType: type,
    ResourceStatus: 'CREATE_IN_PROGRESS',
    LastUpdatedTimestamp: new Date(),
  });
  return [
    resource('AWS::ECS::Cluster', 'WebhookCluster', CLUSTER),
    resource('AWS::ECS::Service', 'WebhookService', `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${CLUSTER}/${WEBHOOK_SERVICE}`),
    resource('AWS::ECS::Service', 'WorkerService', `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${CLUSTER}/${WORKER_SERVICE}`),
    resource('AWS::SQS::Queue', 'Jobs', 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo'),
  ];
}

export interface TaskScript {
  /** Epoch ms at which each webhook task stops. */
  stopTimes: number[];
  now(): number;
  stoppedReason: string;
  stopCode: string;
  containers: Container[];
  /** The container's log lines; undefined means its stream does not exist (it never ran). */
  logLines?: string[];
}

const taskArn = (index: number) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task/${CLUSTER}/task${String(index).padStart(4, '0')}`;

export interface EcsWorldStubs {
  cloudFormation: AwsClientStub<CloudFormationClient>;
  ecs: AwsClientStub<ECSClient>;
  logs: AwsClientStub<CloudWatchLogsClient>;
}

export function playEcs(stubs: EcsWorldStubs, script: TaskScript): void {
  const stoppedSoFar = () => {
    const now = script.now();
    return script.stopTimes.flatMap((at, index) => (at <= now ? [index] : []));
  };
  stubs.cloudFormation.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: stackResources() });
  stubs.ecs.on(ListTasksCommand).callsFake((input: { serviceName?: string; desiredStatus?: string }) => ({
    taskArns: input.serviceName === WEBHOOK_SERVICE && input.desiredStatus === 'STOPPED' ? stoppedSoFar().map(taskArn) : [],
  }));
  stubs.ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: input.tasks.map(
      (arn): Task => ({
        taskArn: arn,
        taskDefinitionArn: TASK_DEFINITION,
        lastStatus: 'STOPPED',
        stoppedReason: script.stoppedReason,
        stopCode: script.stopCode as Task['stopCode'],
        stoppedAt: new Date(script.stopTimes[Number(arn.slice(-4))]!),
        containers: script.containers,
      }),
    ),
  }));
  stubs.ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: TASK_DEFINITION,
      containerDefinitions: [{ name: 'App', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': LOG_GROUP, 'awslogs-stream-prefix': 'webhook' } } }],
    },
  });
  stubs.logs.on(GetLogEventsCommand).callsFake((input: { logStreamName: string }) => {
    if (!script.logLines || !input.logStreamName.startsWith('webhook/App/task')) {
      throw new ResourceNotFoundException({ message: 'The specified log stream does not exist.', $metadata: {} });
    }
    return { events: script.logLines.map((message, i) => ({ timestamp: i, message })) };
  });
}
