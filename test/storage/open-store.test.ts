import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LocalDirectoryStore } from '../../src/storage/local-directory-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { S3Store } from '../../src/storage/s3-store.ts';
import { tempDirs } from '../queue/temp-dirs.ts';
import { S3Emulator } from '../support/s3-fauxqs.ts';

const dirs = tempDirs();
let emulator: S3Emulator;
before(async () => {
  emulator = await S3Emulator.start();
});
after(async () => {
  await emulator.stop();
  await dirs.removeAll();
});

/** Packages a module loads when it is imported (static imports only, `import type` excluded). */
async function staticPackages(entry: string, seen = new Set<string>()): Promise<Set<string>> {
  const packages = new Set<string>();
  if (seen.has(entry)) return packages;
  seen.add(entry);
  const source = await readFile(entry, 'utf8');
  for (const [, specifier] of source.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?'([^']+)'/gm)) {
    if (!specifier!.startsWith('.')) packages.add(specifier!);
    else for (const name of await staticPackages(resolve(dirname(entry), specifier!), seen)) packages.add(name);
  }
  return packages;
}

describe('openObjectStore', () => {
  test('a path or file:// URL opens a local directory, relative to cwd', async () => {
    const cwd = await dirs.make();
    const relativeStore = await openObjectStore('./quilt-registry', { cwd });
    assert.ok(relativeStore instanceof LocalDirectoryStore);
    assert.equal(relativeStore.describe(), join(cwd, 'quilt-registry'));
    const fromUrl = await openObjectStore(pathToFileURL(join(cwd, 'a b')).href);
    assert.equal(fromUrl.describe(), join(cwd, 'a b'));
    assert.deepEqual(await relativeStore.check(), { ok: true });
  });

  test('s3:// opens the bucket, with an optional prefix', async () => {
    const store = await openObjectStore('s3://my-bucket/some/prefix/', { region: 'us-east-1' });
    assert.ok(store instanceof S3Store);
    assert.equal(store.describe(), 's3://my-bucket/some/prefix');
    assert.equal(store.physicalKey('x y'), 's3://my-bucket/some/prefix/x%20y');
    assert.equal((await openObjectStore('s3://my-bucket', { region: 'us-east-1' })).describe(), 's3://my-bucket');
  });

  test('anything else is a usage error naming the setting', async () => {
    for (const registry of ['s3://', 's3://Bad_Bucket', 's3://ab', 's3://bucket/../x', 'gs://bucket', 'https://example.com/x', '', 'file://remote-host/x']) {
      await assert.rejects(openObjectStore(registry), { code: 'REGISTRY_INVALID', exitCode: 2, message: /REGISTRY/ }, registry);
    }
  });

  test('the local store and the opener never load the AWS SDK statically', async () => {
    const src = fileURLToPath(new URL('../../src/storage/', import.meta.url));
    for (const entry of ['open-store.ts', 'local-directory-store.ts']) {
      const packages = [...(await staticPackages(join(src, entry)))];
      assert.deepEqual(
        packages.filter((name) => name.startsWith('@aws-sdk/')),
        [],
        entry,
      );
    }
    assert.ok((await staticPackages(join(src, 's3-store.ts'))).has('@aws-sdk/client-s3'), 'the scan sees imports at all');
  });

  test("an S3 registry reaches its endpoint through the SDK's own settings", async () => {
    const bucket = await emulator.bucket();
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: emulator.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const store = await openObjectStore(`s3://${bucket}`, { s3Endpoint: process.env.AWS_ENDPOINT_URL_S3 });
    assert.deepEqual(await store.check(), { ok: true });
    await store.putObject('hello.txt', 'hi');
    assert.equal((await store.getObject('hello.txt'))?.toString(), 'hi');
  });
});
