import assert from 'node:assert/strict';
import { HeadObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { after, before, describe, test } from 'node:test';
import { S3Store } from '../../src/storage/s3-store.ts';
import { s3Error } from '../../src/storage/s3-errors.ts';
import { S3Emulator } from '../support/s3-fauxqs.ts';
import { BodyFailure, collect, generatedStream, MiB } from './generated-streams.ts';
import { storeContract } from './store-contract.ts';

let emulator: S3Emulator;
before(async () => {
  emulator = await S3Emulator.start();
});
after(() => emulator.stop());

storeContract({
  name: 'S3 (fauxqs)',
  async open(options = {}) {
    return new S3Store({ client: emulator.client, bucket: await emulator.bucket(), ...options });
  },
  // Two 8 MiB parts in flight (uploadQueueSize 2) and one being filled; measured: about 16.2 MiB.
  maxLeadBytes: 3 * 8 * MiB,
  leadTestBytes: 36 * MiB,
});

describe('S3 specifics', () => {
  test('a large stream goes up in 8 MiB parts', async () => {
    const bucket = await emulator.bucket();
    const store = new S3Store({ client: emulator.client, bucket });
    await store.putStream('big.bin', generatedStream(17 * MiB).stream);
    const head = await emulator.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    assert.match(head.ETag ?? '', /-3"$/, 'a three-part multipart upload');
  });

  test('a body that fails after a part went up aborts the multipart upload', async () => {
    const client = emulator.newClient();
    const sent: string[] = [];
    client.middlewareStack.add((next, context) => (args) => {
      sent.push(context.commandName ?? '?');
      return next(args);
    });
    const store = new S3Store({ client, bucket: await emulator.bucket() });
    await assert.rejects(store.putStream('torn.bin', generatedStream(30 * MiB, { failAfter: 20 * MiB }).stream), BodyFailure);
    assert.ok(sent.includes('UploadPartCommand'), sent.join());
    assert.deepEqual(
      sent.filter((name) => /Multipart/.test(name)),
      ['CreateMultipartUploadCommand', 'AbortMultipartUploadCommand'],
    );
    client.destroy();
  });

  test('a key prefix: keys, listings and physical keys live under it', async () => {
    const bucket = await emulator.bucket();
    const store = new S3Store({ client: emulator.client, bucket, prefix: 'team/registry/' });
    await store.putObject('.quilt/named_packages/benchling/EXP1/latest', 'h');
    await emulator.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'team/other', Body: 'not ours' }));
    assert.deepEqual(await collect(store.listKeys('')), ['.quilt/named_packages/benchling/EXP1/latest']);
    const head = await emulator.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'team/registry/.quilt/named_packages/benchling/EXP1/latest' }));
    assert.equal(head.ContentLength, 1);
    assert.equal(store.physicalKey('a b.txt'), `s3://${bucket}/team/registry/a%20b.txt`);
    assert.equal(store.physicalKey('a b.txt', 'v1/x y'), `s3://${bucket}/team/registry/a%20b.txt?versionId=v1%2Fx+y`); // quilt3 urlencodes the version id
    assert.equal(store.describe(), `s3://${bucket}/team/registry`);
  });

  test('folder markers and keys no store could write are skipped in listings', async () => {
    const bucket = await emulator.bucket();
    const store = new S3Store({ client: emulator.client, bucket });
    for (const Key of ['data/', 'data/ok.txt', 'data//double', 'data/../up', 'data/back\\slash']) {
      await emulator.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
    }
    assert.deepEqual(await collect(store.listKeys('data/')), ['data/ok.txt']);
  });

  test('a missing bucket: check says so, and every call fails with an actionable error', async () => {
    const store = new S3Store({ client: emulator.client, bucket: 'no-such-bucket-here' });
    const check = await store.check();
    assert.equal(check.ok, false);
    assert.match(check.ok ? '' : check.reason, /bucket "no-such-bucket-here" does not exist/);
    const secret = 'CONTENT-MARKER-1234567890';
    for (const attempt of [
      () => store.putObject('x', secret),
      () => store.putStream('x', generatedStream(1024).stream),
      () => store.putStream('x', generatedStream(20 * MiB).stream),
      () => store.getObject('x'),
      () => collect(store.listKeys('')),
    ]) {
      await assert.rejects(attempt(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'storage_no_such_bucket', error.message);
        assert.match(error.message, /check REGISTRY/);
        assert.ok(!error.message.includes(secret));
        return true;
      });
    }
  });

  test('no credentials, refused access and an unreachable endpoint each say what to fix', async () => {
    const noCredentials = emulator.newClient({
      credentials: () => Promise.reject(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })),
    });
    const bucket = await emulator.bucket();
    await assert.rejects(new S3Store({ client: noCredentials, bucket }).putObject('k', 'v'), { code: 'storage_no_credentials', message: /AWS_PROFILE/ });
    noCredentials.destroy();

    const unreachable = emulator.newClient({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
    const check = await new S3Store({ client: unreachable, bucket }).check();
    assert.match(check.ok ? '' : check.reason, /S3 did not answer HeadBucket .*ECONNREFUSED.*AWS_ENDPOINT_URL_S3/);
    unreachable.destroy();

    // fauxqs does not check permissions, so the mapping is shown on S3's own answer shape.
    const denied = new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' });
    const mapped = s3Error('Upload', 's3://b/benchling/EXP1/file.csv', denied) as Error & { code?: string };
    assert.equal(mapped.code, 'storage_access_denied');
    assert.match(mapped.message, /need s3:PutObject on bucket "b"/);
  });
});
