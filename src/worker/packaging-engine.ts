import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ObjectStore } from '../storage/object-store.ts';
import type { S3Location } from '../storage/s3-url.ts';
import type { PackagingEngine } from './package-entry.ts';

/** The packaging engine's SQS message (reference/quilt-format.md §6). */
export interface EngineMessage {
  source_prefix: string;
  registry: string;
  package_name: string;
  metadata_uri: 'entry.json';
  commit_message: string;
}

/**
 * Integrated mode: the engine builds a revision from everything under the prefix, so files
 * an earlier export had and this one lacks are deleted first — otherwise they would live on
 * in every later revision.
 */
export class SqsPackagingEngine implements PackagingEngine {
  constructor(
    private readonly options: { sqs: SQSClient; queueUrl: string; store: ObjectStore; location: S3Location },
  ) {}

  async submit(request: { name: string; prefixKey: string; keep: Set<string>; commitMessage: string }): Promise<void> {
    const { store, location } = this.options;
    for await (const key of store.listKeys(request.prefixKey)) {
      if (!request.keep.has(key)) await store.delete(key);
    }
    const message: EngineMessage = {
      source_prefix: `s3://${location.bucket}/${location.prefix}${request.prefixKey}`,
      registry: location.bucket,
      package_name: request.name,
      metadata_uri: 'entry.json',
      commit_message: request.commitMessage,
    };
    await this.options.sqs.send(new SendMessageCommand({ QueueUrl: this.options.queueUrl, MessageBody: JSON.stringify(message) }));
  }
}
