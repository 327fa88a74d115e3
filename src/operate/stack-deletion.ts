import { DeleteStackCommand, DescribeStackEventsCommand, type CloudFormationClient, type StackEvent } from '@aws-sdk/client-cloudformation';
import { AppError } from '../errors/app-error.ts';
import { awsCall } from './aws-failure.ts';
import { describeStack, type StackSummary } from './cloudformation-stack.ts';

export interface ResourceEvent {
  id: string;
  time: string;
  logicalId: string;
  type: string;
  status: string;
  reason: string;
}

export interface DeletionResult {
  status: 'DELETE_COMPLETE' | 'DELETE_FAILED';
  /** The resources that could not be deleted, each with CloudFormation's reason. */
  failures: ResourceEvent[];
}

export interface DeletionWait {
  pollMs: number;
  sleep(ms: number): Promise<void>;
  progress(event: ResourceEvent): void;
}

function toResourceEvent(e: StackEvent): ResourceEvent {
  return {
    id: e.EventId ?? '',
    time: e.Timestamp?.toISOString() ?? '',
    logicalId: e.LogicalResourceId ?? '',
    type: e.ResourceType ?? '',
    status: e.ResourceStatus ?? '',
    reason: e.ResourceStatusReason ?? '',
  };
}

/** Events not reported yet, oldest first (CloudFormation lists the newest first). */
export function unseenEvents(events: readonly ResourceEvent[], seen: ReadonlySet<string>): ResourceEvent[] {
  return events.filter((e) => !seen.has(e.id)).reverse();
}

/** The resources that failed; the stack's own DELETE_FAILED event only when no resource says more. */
export function deletionFailures(events: readonly ResourceEvent[], stackName: string): ResourceEvent[] {
  const failed = events.filter((e) => e.status === 'DELETE_FAILED');
  const resources = failed.filter((e) => e.logicalId !== stackName);
  return resources.length > 0 ? resources : failed;
}

export function formatResourceEvent(e: ResourceEvent): string {
  return `  ${e.time} ${e.logicalId} ${e.type} ${e.status}${e.reason ? `: ${e.reason}` : ''}`;
}

async function recentEvents(cfn: CloudFormationClient, stackId: string): Promise<ResourceEvent[]> {
  const out = await awsCall(`read the events of stack ${stackId}`, () => cfn.send(new DescribeStackEventsCommand({ StackName: stackId })));
  return (out.StackEvents ?? []).map(toResourceEvent);
}

async function currentStatus(cfn: CloudFormationClient, stackId: string): Promise<string> {
  try {
    return (await describeStack(cfn, stackId)).status;
  } catch (error) {
    // Asked by name rather than by id, a deleted stack no longer exists at all.
    if (error instanceof AppError && error.code === 'STACK_NOT_FOUND') return 'DELETE_COMPLETE';
    throw error;
  }
}

/** DeleteStack, then report each new stack event until the stack is gone or its deletion failed. */
export async function deleteStackAndWait(cfn: CloudFormationClient, stack: StackSummary, wait: DeletionWait): Promise<DeletionResult> {
  // Events from before this deletion are history, not progress.
  const seen = new Set((await recentEvents(cfn, stack.id)).map((e) => e.id));
  await awsCall(`delete stack ${stack.name}`, () => cfn.send(new DeleteStackCommand({ StackName: stack.id })));
  const during: ResourceEvent[] = [];
  for (;;) {
    await wait.sleep(wait.pollMs);
    const status = await currentStatus(cfn, stack.id);
    const fresh = unseenEvents(await recentEvents(cfn, stack.id), seen);
    for (const e of fresh) {
      seen.add(e.id);
      during.push(e);
      wait.progress(e);
    }
    if (status === 'DELETE_COMPLETE') return { status, failures: [] };
    if (status === 'DELETE_FAILED') return { status, failures: deletionFailures(during, stack.name) };
  }
}
