import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

type App = ReturnType<typeof buildApp>;

/**
 * fauxqs (an SQS emulator speaking the real wire protocol) in this process on a free port of
 * 127.0.0.1 (startFauxqs would listen on every interface), reached by the real
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
    private readonly app: App,
    readonly client: SQSClient,
  ) {}

  static async start(): Promise<QueueEmulator> {
    const app = buildApp({ logger: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: address,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    return new QueueEmulator(app, new SQSClient({ useQueueUrlAsEndpoint: false }));
  }

  /** A fresh FIFO queue (explicit dedup ids only) and its FIFO dead-letter queue. */
  async fifoPair(options: { maxReceiveCount: number }): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
    const name = `jobs-${++this.made}`;
    const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
    const deadLetterQueueUrl = await this.create(`${name}-dlq.fifo`, fifo);
    const arn = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }));
    const redrive = JSON.stringify({ deadLetterTargetArn: arn.Attributes?.QueueArn, maxReceiveCount: options.maxReceiveCount });
    const queueUrl = await this.create(`${name}.fifo`, { ...fifo, RedrivePolicy: redrive });
    return { queueUrl, deadLetterQueueUrl };
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await this.app.close();
  }

  private async create(name: string, attributes: Record<string, string>): Promise<string> {
    const out = await this.client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!out.QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
    return out.QueueUrl;
  }
}
