import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { SecretsManagerFake } from '../../support/secrets-manager-fake.ts';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const FAKE_CREDENTIALS = { accessKeyId: 'AKIDHARNESS', secretAccessKey: 'harness-secret-key' };

/**
 * The AWS a deployed stack talks to, on loopback: Secrets Manager (the project's fake) and
 * SQS + S3 (fauxqs), all reached through the SDK's own endpoint variables.
 */
export class LoopbackAws {
  readonly region = REGION;
  readonly account = ACCOUNT;
  readonly credentials = FAKE_CREDENTIALS;

  private constructor(
    readonly secrets: SecretsManagerFake,
    private readonly fauxqs: ReturnType<typeof buildApp>,
    private readonly fauxqsUrl: string,
    readonly sqs: SQSClient,
    readonly s3: S3Client,
  ) {}

  static async start(): Promise<LoopbackAws> {
    const secrets = await new SecretsManagerFake(REGION, ACCOUNT).start();
    const fauxqs = buildApp({ logger: false, defaultRegion: REGION });
    const url = await fauxqs.listen({ port: 0, host: '127.0.0.1' });
    // fauxqs names queues after a host that does not resolve here; calls keep to the endpoint.
    const sqs = new SQSClient({ region: REGION, endpoint: url, credentials: FAKE_CREDENTIALS, useQueueUrlAsEndpoint: false });
    const s3 = new S3Client({ region: REGION, endpoint: url, credentials: FAKE_CREDENTIALS, forcePathStyle: true });
    return new LoopbackAws(secrets, fauxqs, url, sqs, s3);
  }

  /** What a process needs to reach these endpoints, as the SDK reads it from its env. */
  env(): Record<string, string> {
    return {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.secrets.url,
      AWS_ENDPOINT_URL_SQS: this.fauxqsUrl,
      AWS_ENDPOINT_URL_S3: this.fauxqsUrl,
    };
  }

  async createQueue(name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
    const out = await this.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const url = out.QueueUrl ?? '';
    const attrs = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    return { url, arn: attrs.Attributes?.QueueArn ?? '' };
  }

  async createBucket(name: string): Promise<void> {
    await this.s3.send(new CreateBucketCommand({ Bucket: name }));
  }

  async stop(): Promise<void> {
    this.sqs.destroy();
    this.s3.destroy();
    await this.fauxqs.close();
    await this.secrets.stop();
  }
}
