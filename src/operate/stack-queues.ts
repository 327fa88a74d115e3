import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { AppError } from '../errors/app-error.ts';
import { describeStack } from './cloudformation-stack.ts';

export interface StackQueues {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** The stack's job queue and its dead-letter queue, from the stack's outputs (as `status` reads them). */
export async function readStackQueues(cfn: CloudFormationClient, stackName: string): Promise<StackQueues> {
  const { outputs, name, region } = await describeStack(cfn, stackName);
  const missing = ['QueueUrl', 'DeadLetterQueueUrl'].filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new AppError(
      'STACK_OUTPUT_MISSING',
      `stack ${name} (${region}) has no ${missing.join(' or ')} output: it was not deployed by this version; run \`benchling-webhook deploy\` to update it`,
    );
  }
  return { queueUrl: outputs.QueueUrl!, deadLetterQueueUrl: outputs.DeadLetterQueueUrl! };
}
