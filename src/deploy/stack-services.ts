import { ListStackResourcesCommand, type CloudFormationClient, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { lastArnSegment } from './stopped-task.ts';

export interface EcsService {
  /** The service's name (the last segment of its ARN). */
  name: string;
  arn: string;
}

/** The ECS cluster and services of the stack that exist so far: during a create they appear one by one. */
export interface EcsTargets {
  cluster: string;
  services: EcsService[];
}

export function ecsTargetsFrom(resources: readonly StackResourceSummary[]): EcsTargets | undefined {
  const live = resources.filter((r) => r.PhysicalResourceId && !/^DELETE_/.test(r.ResourceStatus ?? ''));
  const cluster = live.find((r) => r.ResourceType === 'AWS::ECS::Cluster')?.PhysicalResourceId;
  if (!cluster) return undefined;
  const services = live
    .filter((r) => r.ResourceType === 'AWS::ECS::Service')
    .map((r) => ({ arn: r.PhysicalResourceId!, name: lastArnSegment(r.PhysicalResourceId!) }));
  return { cluster, services };
}

export async function findEcsTargets(cloudFormation: CloudFormationClient, stackName: string): Promise<EcsTargets | undefined> {
  const resources: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    resources.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return ecsTargetsFrom(resources);
}
