import {
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type Change,
  type CloudFormationClient,
  type DescribeChangeSetCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { AppError } from '../errors/app-error.ts';
import { awsCall } from '../operate/aws-failure.ts';

export interface ChangeSetDescription {
  status: string;
  statusReason?: string;
  changes: Change[];
}

/** CloudFormation's words for a change set with nothing in it: not a failure of the deploy. */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

export function hasNoChanges(description: ChangeSetDescription): boolean {
  return description.status === 'FAILED' && NO_CHANGES.test(description.statusReason ?? '');
}

/** A change set's every change, with the before and after values of their properties (IAM statements among them). */
export async function describeChangeSet(cfn: CloudFormationClient, stackName: string, changeSetName: string): Promise<ChangeSetDescription> {
  return awsCall(`describe change set ${changeSetName} of ${stackName}`, async () => {
    const changes: Change[] = [];
    let page: DescribeChangeSetCommandOutput;
    let NextToken: string | undefined;
    do {
      page = await cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName, IncludePropertyValues: true, NextToken }));
      changes.push(...(page.Changes ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    const description = { status: page.Status ?? 'UNKNOWN', statusReason: page.StatusReason, changes };
    if (description.status === 'FAILED' && !hasNoChanges(description)) {
      throw new AppError('CHANGE_SET_FAILED', `CloudFormation could not prepare the change to ${stackName}: ${description.statusReason ?? 'no reason given'}`);
    }
    return description;
  });
}

/**
 * Removes a change set that will not be executed. A change set for a stack that did not
 * exist created the stack, empty, in REVIEW_IN_PROGRESS: that empty stack goes too.
 */
export async function discardChangeSet(cfn: CloudFormationClient, stackName: string, changeSetName: string, stackIsNew: boolean): Promise<void> {
  await awsCall(`delete change set ${changeSetName} of ${stackName}`, async () => {
    await cfn.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
    if (stackIsNew) await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  });
}

/** A name CloudFormation accepts and a person can find again: the time the plan was made. */
export function changeSetName(now: Date): string {
  return `benchling-webhook-${now.toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '')}`;
}
