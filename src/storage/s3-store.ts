import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { pipeline, Readable } from 'node:stream';
import { AppError } from '../errors/app-error.ts';
import { ByteCounter } from './byte-counter.ts';
import { assertKeyPrefix, assertObjectKey, keyProblem } from './object-key.ts';
import type { ObjectStore, PutStreamOptions, StoreCheck, StoredObject } from './object-store.ts';
import { partSizeFor } from './part-size.ts';
import { s3PhysicalKey } from '../quilt/physical-key.ts';
import { isAbsent, s3Error } from './s3-errors.ts';

export interface S3StoreOptions {
  /** Configured by the caller: region, credentials and endpoint come from the SDK's own settings. */
  client: S3Client;
  bucket: string;
  /** '' or a key prefix ending in `/` under which every key of this store lives. */
  prefix?: string;
  /** ListObjectsV2 MaxKeys; S3's own default (1,000) when unset. Small pages let tests page cheaply. */
  listPageSize?: number;
  /** Parts of one upload in flight at once; memory per upload is about (this + 1) parts. */
  uploadQueueSize?: number;
}

/** A registry in an S3 bucket (optionally under a key prefix). */
export class S3Store implements ObjectStore {
  private readonly client: S3Client;
  readonly bucket: string;
  private readonly prefix: string;
  private readonly listPageSize: number | undefined;
  private readonly uploadQueueSize: number;

  constructor(options: S3StoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.listPageSize = options.listPageSize;
    this.uploadQueueSize = options.uploadQueueSize ?? 2;
  }

  async putObject(key: string, body: Buffer | string, options: { contentType?: string } = {}): Promise<StoredObject> {
    const Key = this.fullKey(key);
    // An explicit length: without it the SDK takes an empty body for a stream and warns.
    const params = { Bucket: this.bucket, Key, Body: body, ContentLength: Buffer.byteLength(body), ContentType: options.contentType };
    const out = await this.call('PutObject', key, () => this.client.send(new PutObjectCommand(params)));
    return this.stored(key, out.VersionId);
  }

  async getObject(key: string): Promise<Buffer | undefined> {
    const out = await this.fetch(key);
    if (!out) return undefined;
    const body = out.Body;
    if (body === undefined) return Buffer.alloc(0);
    const bytes = await this.call('GetObject', key, () => body.transformToByteArray());
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<StoredObject> {
    const Key = this.fullKey(key);
    const counter = new ByteCounter(key, { size: options.size });
    let bodyFailure: unknown;
    counter.once('error', (error) => (bodyFailure = error));
    // Failures surface through counter, which the upload reads; pipeline only wires them.
    pipeline(body, counter, () => undefined);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: counter, ContentType: options.contentType },
      partSize: partSizeFor(options.size),
      queueSize: this.uploadQueueSize,
      leavePartsOnError: false,
    });
    const report = options.onProgress;
    if (report) upload.on('httpUploadProgress', (progress) => progress.loaded !== undefined && report(progress.loaded));
    try {
      const out = await upload.done();
      return this.stored(key, out.VersionId);
    } catch (error) {
      counter.destroy();
      // The body's own failure (or a size mismatch) is the caller's to read as it is.
      throw bodyFailure ?? s3Error('Upload', this.location(key), error);
    }
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const out = await this.fetch(key);
    if (!out) return undefined;
    if (out.Body === undefined) return Readable.from([]);
    if (out.Body instanceof Readable) return out.Body;
    // Only a browser build of the SDK answers with a web stream.
    throw new AppError('storage_s3_failed', `S3 GetObject on ${this.location(key)} did not answer with a Node stream.`);
  }

  async head(key: string): Promise<{ size: number } | undefined> {
    const Key = this.fullKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { size: out.ContentLength ?? 0 };
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw s3Error('HeadObject', this.location(key), error);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.fullKey(key);
    await this.call('DeleteObject', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })));
  }

  listKeys(prefix: string): AsyncIterable<string> {
    assertKeyPrefix(prefix);
    return this.pages(prefix);
  }

  physicalKey(key: string, versionId?: string): string {
    return s3PhysicalKey(this.bucket, this.fullKey(key), versionId);
  }

  describe(): string {
    return this.prefix === '' ? `s3://${this.bucket}` : `s3://${this.bucket}/${this.prefix.slice(0, -1)}`;
  }

  async check(): Promise<StoreCheck> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return { ok: true };
    } catch (error) {
      const failure = s3Error('HeadBucket', this.describe(), error);
      return { ok: false, reason: failure instanceof Error ? failure.message : String(failure) };
    }
  }

  private async *pages(prefix: string): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', prefix, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken: token, MaxKeys: this.listPageSize })),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length);
        // Folder markers (`a/`) and keys no store here could write are not objects of this registry.
        if (key !== undefined && keyProblem(key) === undefined) yield key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async fetch(key: string): Promise<GetObjectCommandOutput | undefined> {
    const Key = this.fullKey(key);
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw s3Error('GetObject', this.location(key), error);
    }
  }

  private async call<T>(operation: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw s3Error(operation, this.location(key), error);
    }
  }

  private fullKey(key: string): string {
    assertObjectKey(key);
    return this.prefix + key;
  }

  private location(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  private stored(key: string, versionId: string | undefined): StoredObject {
    const physicalKey = this.physicalKey(key, versionId);
    return versionId ? { versionId, physicalKey } : { physicalKey };
  }
}
