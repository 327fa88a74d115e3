import {
  DescribeStacksCommand,
  paginateListStackResources,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { AppError } from '../errors/app-error.ts';
import { awsCall } from './aws-failure.ts';

export interface StackSummary {
  /** The stack's ARN: it still answers after the stack is deleted, where the name no longer does. */
  id: string;
  name: string;
  /** From the stack's ARN: where it really is, whichever way the region was chosen. */
  region: string;
  status: string;
  statusReason: string | undefined;
  lastUpdated: Date | undefined;
  outputs: Record<string, string>;
}

export interface StackResource {
  logicalId: string;
  physicalId: string;
  type: string;
}

/** The region the client will call, for messages: the flag's, or the one the SDK found; undefined when there is none. */
async function clientRegion(client: CloudFormationClient): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
  }
}

function isMissingStack(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message);
}

function stackNotFound(stackName: string, region: string | undefined): AppError {
  return new AppError(
    'STACK_NOT_FOUND',
    `stack ${stackName} does not exist in ${region ?? 'the default region'}: deploy it with \`benchling-webhook deploy\`, ` +
      'or pass --stack-name/--region for the stack you mean',
  );
}

export async function describeStack(cfn: CloudFormationClient, stackName: string): Promise<StackSummary> {
  const region = await clientRegion(cfn);
  const out = await awsCall(`describe stack ${stackName}${region ? ` in ${region}` : ''}`, async () => {
    try {
      return await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    } catch (error) {
      throw isMissingStack(error) ? stackNotFound(stackName, region) : error;
    }
  });
  const stack = out.Stacks?.[0];
  if (!stack) throw stackNotFound(stackName, region);
  return {
    id: stack.StackId ?? stackName,
    name: stack.StackName ?? stackName,
    region: stack.StackId?.split(':')[3] ?? region ?? '',
    status: stack.StackStatus ?? 'UNKNOWN',
    statusReason: stack.StackStatusReason,
    lastUpdated: stack.LastUpdatedTime ?? stack.CreationTime,
    outputs: Object.fromEntries((stack.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : []))),
  };
}

export async function listStackResources(cfn: CloudFormationClient, stackName: string): Promise<StackResource[]> {
  return awsCall(`list the resources of stack ${stackName}`, async () => {
    const resources: StackResource[] = [];
    for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackName })) {
      for (const r of page.StackResourceSummaries ?? []) {
        if (r.PhysicalResourceId && r.LogicalResourceId && r.ResourceType) {
          resources.push({ logicalId: r.LogicalResourceId, physicalId: r.PhysicalResourceId, type: r.ResourceType });
        }
      }
    }
    return resources;
  });
}

export function resourcesOfType(resources: readonly StackResource[], type: string): StackResource[] {
  return resources.filter((r) => r.type === type);
}
