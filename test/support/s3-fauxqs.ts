import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { listenFauxqs, type FauxqsServer } from './fauxqs-loopback.ts';

/**
 * fauxqs's S3 (real wire protocol, objects in memory) in this process on a free port of
 * 127.0.0.1, as queue-fauxqs.ts does for SQS. Clients get the endpoint, region and dummy keys
 * explicitly rather than through process.env, so S3 tests do not depend on what else in the
 * same file sets the environment. Path-style addressing: `<bucket>.localhost` does not resolve
 * offline. fauxqs keeps no object versions, so no versionId ever comes back.
 */
export class S3Emulator {
  private made = 0;

  private constructor(
    private readonly server: FauxqsServer,
    readonly endpoint: string,
    readonly client: S3Client,
  ) {}

  static async start(): Promise<S3Emulator> {
    const server = await listenFauxqs();
    return new S3Emulator(server, server.url, new S3Client(S3Emulator.config(server.url)));
  }

  static config(endpoint: string): S3ClientConfig {
    return { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  }

  /** Another client for this emulator, e.g. with a failing credentials provider. */
  newClient(overrides: S3ClientConfig = {}): S3Client {
    return new S3Client({ ...S3Emulator.config(this.endpoint), ...overrides });
  }

  /** A fresh, empty bucket. */
  async bucket(): Promise<string> {
    const name = `registry-${process.pid}-${++this.made}`;
    await this.client.send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await this.server.stop();
  }
}
