import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { AppError } from '../errors/app-error.ts';
import { sqsCall } from './sqs-call.ts';
import { queueOfArn } from './sqs-dead-letters.ts';

/** The URL of the dead-letter queue a job queue's RedrivePolicy names (deadLetterTargetArn); an error saying what to do when it names none. */
export async function deadLetterQueueUrl(client: SQSClient, queueUrl: string, deadLetterTargetArn: string | undefined): Promise<string> {
  const target = deadLetterTargetArn === undefined ? undefined : queueOfArn(deadLetterTargetArn);
  if (!target) {
    throw new AppError(
      'queue_no_dead_letter_queue',
      `SQS queue ${queueUrl} has no RedrivePolicy naming a dead-letter queue, so a job that keeps failing cannot be set aside; ` +
        'give it one (the stack does), or the job is retried until SQS drops it at the end of its retention period.',
    );
  }
  const out = await sqsCall('GetQueueUrl', () => client.send(new GetQueueUrlCommand({ QueueName: target.name, QueueOwnerAWSAccountId: target.account })));
  if (!out.QueueUrl) throw new AppError('queue_sqs_failed', `SQS GetQueueUrl returned no URL for ${deadLetterTargetArn}.`);
  return out.QueueUrl;
}
