import { AppError } from '../errors/app-error.ts';

/**
 * S3 failures as AppErrors that say what to change. Messages carry the operation, the
 * s3:// location and S3's own error text — never a request or response body, so no object
 * contents can leak into a log line.
 */
export function s3Error(operation: string, location: string, error: unknown): unknown {
  if (error instanceof AppError) return error;
  const { name, message, status, code } = describeFailure(error);
  const [appCode, text] = classify(operation, location, name, message, status, code);
  return new AppError(appCode, text);
}

/** An answer meaning "no object at this key" (HeadObject has no body, so only a bare 404). */
export function isAbsent(error: unknown): boolean {
  const { name, status } = describeFailure(error);
  return name === 'NoSuchKey' || (name === 'NotFound' && status === 404);
}

/** The IAM action a refused operation needed, for the access-denied hint. */
const ACTION: Record<string, string> = {
  PutObject: 's3:PutObject',
  Upload: 's3:PutObject',
  // Without s3:ListBucket, S3 answers 403 rather than 404 for a key that does not exist.
  GetObject: 's3:GetObject (and s3:ListBucket, or a missing key reads as denied)',
  HeadObject: 's3:GetObject (and s3:ListBucket, or a missing key reads as denied)',
  DeleteObject: 's3:DeleteObject',
  ListObjectsV2: 's3:ListBucket',
  HeadBucket: 's3:ListBucket',
};

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH']);
const BAD_CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'TokenRefreshRequired', 'InvalidToken']);
const WRONG_REGION = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException']);

function classify(operation: string, location: string, name: string, message: string, status?: number, code?: string): [string, string] {
  const bucket = /^s3:\/\/([^/]+)/.exec(location)?.[1] ?? location;
  if (name === 'CredentialsProviderError') {
    return ['storage_no_credentials', `No AWS credentials for S3 (${location}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID with its secret access key, or run with a task role.`];
  }
  if (/region is missing/i.test(message)) return ['storage_no_region', `No AWS region for S3 (${location}): set AWS_REGION to the bucket's region.`];
  if (name === 'NoSuchBucket' || (operation === 'HeadBucket' && status === 404)) {
    return ['storage_no_such_bucket', `S3 bucket "${bucket}" does not exist (${operation}): check REGISTRY, or create the bucket first.`];
  }
  if (BAD_CREDENTIALS.has(name)) return ['storage_bad_credentials', `AWS rejected the credentials for S3 ${operation} on ${location} (${name}): refresh or replace them.`];
  if (WRONG_REGION.has(name) || status === 301) {
    return ['storage_wrong_region', `S3 bucket "${bucket}" is in another region than the client's (${name}): set AWS_REGION to the bucket's region.`];
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
    const action = ACTION[operation] ?? `s3:${operation}`;
    return ['storage_access_denied', `Access denied for S3 ${operation} on ${location}: the credentials in use (task role, AWS_PROFILE or keys) need ${action} on bucket "${bucket}".`];
  }
  if ((code !== undefined && UNREACHABLE.has(code)) || name === 'TimeoutError') {
    return ['storage_unreachable', `S3 did not answer ${operation} on ${location} (${code ?? name}): check the network, and AWS_ENDPOINT_URL_S3 if it is set.`];
  }
  return ['storage_s3_failed', `S3 ${operation} on ${location} failed: ${name}: ${message.slice(0, 300)}`];
}

function describeFailure(error: unknown): { name: string; message: string; status?: number; code?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const details = error as Error & { $metadata?: { httpStatusCode?: number }; code?: unknown };
  const status = details.$metadata?.httpStatusCode;
  const code = typeof details.code === 'string' ? details.code : undefined;
  return { name: error.name, message: error.message, ...(status !== undefined && { status }), ...(code !== undefined && { code }) };
}
