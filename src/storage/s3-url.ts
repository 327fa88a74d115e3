import { UsageError } from '../errors/app-error.ts';
import { keyProblem } from './object-key.ts';

export interface S3Location {
  bucket: string;
  /** '' or a key prefix ending in `/`. */
  prefix: string;
}

// S3's bucket naming rules (the subset that matters for telling a typo early).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket` or `s3://bucket/some/prefix[/]`. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url);
  const bucket = match?.[1] ?? '';
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new UsageError('REGISTRY_INVALID', `REGISTRY ${JSON.stringify(url)} does not name an S3 bucket: use s3://bucket-name (3–63 lowercase letters, digits, dots, hyphens).`);
  }
  const prefix = (match?.[2] ?? '').replace(/\/$/, '');
  if (prefix !== '' && keyProblem(prefix) !== undefined) {
    throw new UsageError('REGISTRY_INVALID', `REGISTRY ${JSON.stringify(url)} has a key prefix that is not allowed: ${keyProblem(prefix)}.`);
  }
  return { bucket, prefix: prefix === '' ? '' : `${prefix}/` };
}
