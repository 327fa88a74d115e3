import { DescribeAlarmsCommand, type CloudWatchClient, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { awsCall } from './aws-failure.ts';
import { describeStack, listStackResources, resourcesOfType, type StackResource, type StackSummary } from './cloudformation-stack.ts';
import type { OperateClients } from './aws-clients.ts';

export interface ServiceState {
  name: string;
  /** webhook or worker: which of the stack's two services this is. */
  role: string;
  running: number;
  desired: number;
  pending: number;
  deployment: { rolloutState: string | undefined; rolloutStateReason: string | undefined; updatedAt: string | undefined } | undefined;
}

export interface QueueDepth {
  url: string;
  waiting: number;
  inFlight: number;
}

export interface AlarmState {
  name: string;
  state: string;
  reason: string;
}

/** Everything `status` reads, before any judgement of it. */
export interface StackSnapshot {
  stack: StackSummary;
  services: ServiceState[];
  queue: QueueDepth | undefined;
  deadLetters: QueueDepth | undefined;
  alarms: AlarmState[];
}

function roleOf(resource: StackResource | undefined, serviceName: string): string {
  const id = resource?.logicalId ?? serviceName;
  if (/WorkerService/i.test(id)) return 'worker';
  if (/WebhookService/i.test(id)) return 'webhook';
  return serviceName;
}

function serviceState(service: Service, resources: readonly StackResource[]): ServiceState {
  const name = service.serviceName ?? service.serviceArn ?? '?';
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY') ?? service.deployments?.[0];
  return {
    name,
    role: roleOf(resources.find((r) => r.physicalId === service.serviceArn), name),
    running: service.runningCount ?? 0,
    desired: service.desiredCount ?? 0,
    pending: service.pendingCount ?? 0,
    deployment: primary && {
      rolloutState: primary.rolloutState,
      rolloutStateReason: primary.rolloutStateReason,
      updatedAt: primary.updatedAt?.toISOString(),
    },
  };
}

async function readServices(ecs: ECSClient, resources: readonly StackResource[]): Promise<ServiceState[]> {
  const cluster = resourcesOfType(resources, 'AWS::ECS::Cluster')[0];
  const arns = resourcesOfType(resources, 'AWS::ECS::Service').map((r) => r.physicalId);
  if (!cluster || arns.length === 0) return [];
  const services: ServiceState[] = [];
  // DescribeServices takes at most 10 services a call.
  for (let i = 0; i < arns.length; i += 10) {
    const out = await awsCall(`describe the ECS services of cluster ${cluster.physicalId}`, () =>
      ecs.send(new DescribeServicesCommand({ cluster: cluster.physicalId, services: arns.slice(i, i + 10) })),
    );
    services.push(...(out.services ?? []).map((s) => serviceState(s, resources)));
  }
  return services.sort((a, b) => a.role.localeCompare(b.role));
}

async function readDepth(sqs: SQSClient, url: string | undefined): Promise<QueueDepth | undefined> {
  if (url === undefined) return undefined;
  const out = await awsCall(`read the depth of queue ${url}`, () =>
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] })),
  );
  return {
    url,
    waiting: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/**
 * Target-tracking alarms drive scaling and sit in ALARM whenever the service could scale in:
 * they say nothing about health, so only the stack's own alarms are reported.
 */
function isScalingTrigger(alarm: MetricAlarm): boolean {
  return (alarm.AlarmActions ?? []).some((action) => action.includes(':scalingPolicy:'));
}

async function readAlarms(cloudWatch: CloudWatchClient, resources: readonly StackResource[]): Promise<AlarmState[]> {
  const names = resourcesOfType(resources, 'AWS::CloudWatch::Alarm').map((r) => r.physicalId);
  const alarms: AlarmState[] = [];
  // DescribeAlarms takes at most 100 names a call.
  for (let i = 0; i < names.length; i += 100) {
    const out = await awsCall('describe the stack alarms', () => cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100) })));
    for (const alarm of out.MetricAlarms ?? []) {
      if (isScalingTrigger(alarm)) continue;
      alarms.push({ name: alarm.AlarmName ?? '?', state: alarm.StateValue ?? 'UNKNOWN', reason: alarm.StateReason ?? '' });
    }
  }
  return alarms.sort((a, b) => a.name.localeCompare(b.name));
}

export async function readStackSnapshot(clients: OperateClients, stackName: string): Promise<StackSnapshot> {
  const stack = await describeStack(clients.cloudFormation, stackName);
  const resources = await listStackResources(clients.cloudFormation, stack.id);
  const [services, queue, deadLetters, alarms] = await Promise.all([
    readServices(clients.ecs, resources),
    readDepth(clients.sqs, stack.outputs.QueueUrl),
    readDepth(clients.sqs, stack.outputs.DeadLetterQueueUrl),
    readAlarms(clients.cloudWatch, resources),
  ]);
  return { stack, services, queue, deadLetters, alarms };
}
