import { createHash } from 'node:crypto';

/** What SQS accepts as a MessageGroupId or MessageDeduplicationId: 1–128 of these characters. */
const SQS_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/**
 * The id itself when SQS accepts it, else its SHA-256 (64 hex characters): still stable,
 * so SQS dedup and grouping work across processes on the same input.
 */
export function sqsId(value: string): string {
  return SQS_ID.test(value) ? value : createHash('sha256').update(value).digest('hex');
}
