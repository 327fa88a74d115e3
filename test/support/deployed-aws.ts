import { DescribeAlarmsCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { WEBHOOK_LOGS, WEBHOOK_SERVICE, WEBHOOK_TASK, WORKER_LOGS, WORKER_SERVICE, WORKER_TASK, mockDeployedStack } from '../operate/deployed-stack.ts';

/** The deployed stack as CloudFormation, ECS, CloudWatch and Logs describe it: these cannot be reached on a laptop. */
export function mockDeployedAws(): () => void {
  const stack = mockDeployedStack();
  const ecs = mockClient(ECSClient);
  const service = (serviceArn: string) => ({ serviceArn, runningCount: 1, desiredCount: 1, pendingCount: 0, deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' as const, updatedAt: new Date() }] });
  ecs.on(DescribeServicesCommand).resolves({ services: [service(WEBHOOK_SERVICE), service(WORKER_SERVICE)] });
  const taskDefinition = (prefix: string, group: string) => ({
    taskDefinition: { containerDefinitions: [{ name: 'App', logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-group': group, 'awslogs-stream-prefix': prefix } } }] },
  });
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: WEBHOOK_TASK }).resolves(taskDefinition('webhook', WEBHOOK_LOGS));
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: WORKER_TASK }).resolves(taskDefinition('worker', WORKER_LOGS));
  const cloudWatch = mockClient(CloudWatchClient);
  cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  const logs = mockClient(CloudWatchLogsClient);
  logs.on(FilterLogEventsCommand).resolves({ events: [{ eventId: '1', timestamp: Date.now() - 60_000, logStreamName: 'worker/App/t1', message: '{"msg":"job done"}' }] });
  return () => [stack, ecs, cloudWatch, logs].forEach((m) => m.restore());
}

