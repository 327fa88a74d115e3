import { join } from 'node:path';
import { dataDir } from '../config/paths.ts';
import { resolveSettings } from '../config/settings.ts';
import { UsageError } from '../errors/app-error.ts';
import type { DeadLetterAdmin } from '../queue/dead-letter-admin.ts';
import { isSqsQueueUrl, QUEUE_SETTING_HELP } from '../queue/open-queue.ts';
import type { JobsOptions } from './commands/jobs.ts';
import type { CliIo } from './io.ts';

/**
 * Which dead letters `jobs` works on: with --profile, the deployed stack's SQS dead-letter
 * queue, found through the stack's outputs as `status` finds them; without, those of the queue
 * `serve` and `worker` use here (QUEUE: the embedded one under the data dir, or an SQS queue's
 * dead-letter queue). Each loads only its own SDKs.
 */
export async function openDeadLetters(options: JobsOptions, io: CliIo): Promise<DeadLetterAdmin> {
  if (options.profile === undefined) return openLocalDeadLetters(options, io);
  const [{ CloudFormationClient }, { SQSClient }, { awsClientConfig }, { resolveStackTarget }, { readStackQueues }, { SqsDeadLetters }] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-sqs'),
    import('../operate/aws-client-config.ts'),
    import('../operate/stack-target.ts'),
    import('../operate/stack-queues.ts'),
    import('../queue/sqs-dead-letter-admin.ts'),
  ]);
  const target = await resolveStackTarget({ profile: options.profile, region: options.region, stackName: options.stackName }, io.env);
  const cloudFormation = new CloudFormationClient(awsClientConfig('CLOUDFORMATION', target, io.env));
  const sqsConfig = awsClientConfig('SQS', target, io.env);
  // A local SQS names its queues after hosts that may not resolve: calls keep to the endpoint.
  const sqs = new SQSClient({ ...sqsConfig, useQueueUrlAsEndpoint: sqsConfig.endpoint === undefined });
  try {
    const queues = await readStackQueues(cloudFormation, target.stackName);
    return ownClient(new SqsDeadLetters({ client: sqs, ...queues }), () => sqs.destroy());
  } catch (error) {
    sqs.destroy();
    throw error;
  } finally {
    cloudFormation.destroy();
  }
}

/** What `serve`/`worker` would use, from --queue or QUEUE: the embedded queue under the data dir, or an SQS queue's dead-letter queue. */
async function openLocalDeadLetters(options: JobsOptions, io: CliIo): Promise<DeadLetterAdmin> {
  const { values } = resolveSettings(['queue'], { flags: { queue: options.queue }, env: io.env });
  const queue = values.queue ?? 'embedded';
  if (queue === 'embedded') {
    const { openEmbeddedDeadLetters } = await import('../queue/embedded-dead-letters.ts');
    return openEmbeddedDeadLetters(join(dataDir(io.env), 'queue'));
  }
  if (!isSqsQueueUrl(queue)) throw new UsageError('QUEUE_INVALID', `${QUEUE_SETTING_HELP}; or pass --profile for the deployed stack's dead-letter queue`);
  const [{ SQSClient }, { awsClientConfig }, { SqsDeadLetters }] = await Promise.all([
    import('@aws-sdk/client-sqs'),
    import('../operate/aws-client-config.ts'),
    import('../queue/sqs-dead-letter-admin.ts'),
  ]);
  const config = awsClientConfig('SQS', { region: options.region ?? io.env.AWS_REGION, awsProfile: undefined }, io.env);
  const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: config.endpoint === undefined });
  return ownClient(await SqsDeadLetters.ofQueue(sqs, queue).catch((error: unknown) => {
    sqs.destroy();
    throw error;
  }), () => sqs.destroy());
}

/** The admin, closing the SQS client it was made with when it is closed. */
function ownClient(admin: DeadLetterAdmin, destroy: () => void): DeadLetterAdmin {
  return { source: admin.source, list: () => admin.list(), retry: (select) => admin.retry(select), purge: (select) => admin.purge(select), close: async () => destroy() };
}
