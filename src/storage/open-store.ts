import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors/app-error.ts';
import type { ObjectStore } from './object-store.ts';
import { parseS3Url } from './s3-url.ts';

export interface OpenStoreOptions {
  /** Base for a relative directory; process.cwd() when unset. */
  cwd?: string | undefined;
  region?: string | undefined;
  /** AWS_ENDPOINT_URL_S3: a custom endpoint (an emulator) is addressed path-style; the SDK reads the URL itself. */
  s3Endpoint?: string | undefined;
}

/**
 * `REGISTRY`: `s3://bucket[/prefix]`, or a local directory (a path, or a file:// URL). The
 * S3 SDK is imported only for an s3:// registry, so local runs never load it.
 */
export async function openObjectStore(registry: string, options: OpenStoreOptions = {}): Promise<ObjectStore> {
  if (registry.startsWith('s3://')) {
    const location = parseS3Url(registry);
    const [{ S3Client }, { S3Store }] = await Promise.all([import('@aws-sdk/client-s3'), import('./s3-store.ts')]);
    const client = new S3Client({ region: options.region, forcePathStyle: options.s3Endpoint !== undefined });
    return new S3Store({ client, ...location });
  }
  const { LocalDirectoryStore } = await import('./local-directory-store.ts');
  return new LocalDirectoryStore(localDirectory(registry, options.cwd ?? process.cwd()));
}

function localDirectory(registry: string, cwd: string): string {
  try {
    if (registry.startsWith('file://')) return fileURLToPath(registry);
  } catch {
    throw invalid(registry);
  }
  // `gs://…` or `https://…` is a mistake, not a folder named `gs:` to create.
  if (registry.trim() === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(registry)) throw invalid(registry);
  return resolve(cwd, registry);
}

function invalid(registry: string): UsageError {
  return new UsageError('REGISTRY_INVALID', `REGISTRY ${JSON.stringify(registry)} is neither s3://bucket nor a local directory.`);
}
