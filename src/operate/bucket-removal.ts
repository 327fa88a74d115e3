import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AppError } from '../errors/app-error.ts';
import { awsCall } from './aws-failure.ts';

async function deleteObjects(s3: S3Client, bucket: string, objects: ObjectIdentifier[]): Promise<void> {
  const out = await awsCall(`delete objects of bucket ${bucket}`, () =>
    s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } })),
  );
  const failed = out.Errors ?? [];
  if (failed.length > 0) {
    throw new AppError('BUCKET_NOT_EMPTIED', `could not delete ${failed.length} object(s) of bucket ${bucket}, e.g. ${failed[0]?.Key}: ${failed[0]?.Message}`);
  }
}

/** Each round lists what is left and deletes it, so the listing never runs ahead of the deletes. */
async function deleteAll(s3: S3Client, bucket: string, list: () => Promise<ObjectIdentifier[]>): Promise<number> {
  let deleted = 0;
  let previous = '';
  for (let batch = await list(); batch.length > 0; batch = await list()) {
    // A store that acknowledges deletes without doing them must not keep this loop going.
    const first = JSON.stringify(batch[0]);
    if (first === previous) throw new AppError('BUCKET_NOT_EMPTIED', `bucket ${bucket} still lists ${batch[0]?.Key} after deleting it`);
    previous = first;
    await deleteObjects(s3, bucket, batch);
    deleted += batch.length;
  }
  return deleted;
}

/**
 * A versioned bucket is empty only when every version and delete marker is gone; an
 * unversioned store lists its objects without versions, so both listings are drained.
 */
export async function emptyAndDeleteBucket(s3: S3Client, bucket: string): Promise<number> {
  const versions = async () => {
    const out = await awsCall(`list object versions of bucket ${bucket}`, () => s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 })));
    return [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].flatMap((v) => (v.Key ? [{ Key: v.Key, VersionId: v.VersionId }] : []));
  };
  const objects = async () => {
    const out = await awsCall(`list objects of bucket ${bucket}`, () => s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 })));
    return (out.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
  };
  const deleted = (await deleteAll(s3, bucket, versions)) + (await deleteAll(s3, bucket, objects));
  await awsCall(`delete bucket ${bucket}`, () => s3.send(new DeleteBucketCommand({ Bucket: bucket })));
  return deleted;
}
