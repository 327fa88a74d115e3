import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { listenFauxqs, type FauxqsServer } from './fauxqs-loopback.ts';

/**
 * fauxqs (an SQS emulator speaking the real wire protocol) on loopback, reached by the real
 * @aws-sdk/client-sqs client. The endpoint reaches the client the way production's does,
 * through the SDK's env settings, so the test also proves those.
 *
 * fauxqs names queues http://sqs.<region>.localhost:<port>/..., a host that does not resolve
 * here; by default the SDK sends each call to its QueueUrl's host whenever that differs from
 * the endpoint, so the client keeps to the endpoint (useQueueUrlAsEndpoint: false).
 */
export class QueueEmulator {
  private made = 0;

  private constructor(
    private readonly server: FauxqsServer,
    readonly client: SQSClient,
  ) {}

  static async start(): Promise<QueueEmulator> {
    const server = await listenFauxqs();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: server.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    return new QueueEmulator(server, new SQSClient({ useQueueUrlAsEndpoint: false }));
  }

  /** A fresh FIFO queue (explicit dedup ids only) and its FIFO dead-letter queue; visibilityTimeoutS: the job queue's lease (SQS's default 30 s). */
  async fifoPair(options: { maxReceiveCount: number; visibilityTimeoutS?: number }): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
    const name = `jobs-${++this.made}`;
    const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
    const deadLetterQueueUrl = await this.create(`${name}-dlq.fifo`, fifo);
    const arn = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }));
    const redrive = JSON.stringify({ deadLetterTargetArn: arn.Attributes?.QueueArn, maxReceiveCount: options.maxReceiveCount });
    const visibility: Record<string, string> = options.visibilityTimeoutS === undefined ? {} : { VisibilityTimeout: String(options.visibilityTimeoutS) };
    const queueUrl = await this.create(`${name}.fifo`, { ...fifo, ...visibility, RedrivePolicy: redrive });
    return { queueUrl, deadLetterQueueUrl };
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await this.server.stop();
  }

  private async create(name: string, attributes: Record<string, string>): Promise<string> {
    const out = await this.client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!out.QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
    return out.QueueUrl;
  }
}
