import { UsageError } from '../errors/app-error.ts';

export interface SqsQueueLocation {
  region: string;
  account: string;
  name: string;
}

// https://sqs.<region>.amazonaws.com/<account>/<name>, and the legacy <region>.queue.amazonaws.com host.
const SQS_URL = /^https:\/\/(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

/** Where an AWS SQS queue URL points; the stack grants on the queue's ARN, which the URL spells out. */
export function parseSqsQueueUrl(url: string, setting: string): SqsQueueLocation {
  const match = SQS_URL.exec(url);
  if (!match) {
    throw new UsageError(
      'SQS_URL_INVALID',
      `${setting} must be \`direct\` or an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/quilt-packager`,
    );
  }
  return { region: (match[1] ?? match[2])!, account: match[3]!, name: match[4]! };
}
