import { join } from 'node:path';
import { UsageError } from '../errors/app-error.ts';
import type { Queue } from './queue.ts';

export interface OpenQueueOptions {
  /** Where the embedded queue keeps its journal (a `queue/` folder is made inside). */
  dataDir: string;
  region?: string | undefined;
  /** AWS_ENDPOINT_URL_SQS: with a local endpoint the SDK must not send calls to the queue URL's host. */
  sqsEndpoint?: string | undefined;
  /** ENTRY_SETTLE, for the embedded queue's coalescible jobs (SQS cannot hold a message back: the worker does). */
  settle?: { quietMs: number; maxMs: number } | undefined;
  /** JOB_MAX_FAILURES: failed deliveries after which a job is dead-lettered, on either queue. */
  maxFailures?: number | undefined;
}

/** `QUEUE` names an SQS FIFO queue (its URL) rather than `embedded`. */
export function isSqsQueueUrl(setting: string): boolean {
  return /^https?:\/\/\S+\.fifo$/.test(setting);
}

export const QUEUE_SETTING_HELP = 'QUEUE must be `embedded` or the URL of an SQS FIFO queue (ending in .fifo)';

/** `QUEUE`: `embedded`, or an SQS FIFO queue URL. Each kind loads only its own code. */
export async function openQueue(setting: string, options: OpenQueueOptions): Promise<Queue> {
  if (setting === 'embedded') {
    const { EmbeddedQueue } = await import('./embedded-queue.ts');
    return EmbeddedQueue.open(join(options.dataDir, 'queue'), { settleMs: options.settle?.quietMs, settleMaxMs: options.settle?.maxMs, maxFailures: options.maxFailures });
  }
  if (isSqsQueueUrl(setting)) {
    const [{ SQSClient }, { SqsQueue }] = await Promise.all([import('@aws-sdk/client-sqs'), import('./sqs-queue.ts')]);
    const client = new SQSClient({ region: options.region, useQueueUrlAsEndpoint: options.sqsEndpoint === undefined });
    return new SqsQueue({ client, queueUrl: setting, maxFailures: options.maxFailures });
  }
  throw new UsageError('QUEUE_INVALID', QUEUE_SETTING_HELP);
}

/**
 * The interactive lane's queue (INTERACTIVE_QUEUE), where canvas navigation clicks wait: its own
 * journal or SQS FIFO queue, so a click never sits behind an export in the entry's group or in
 * the worker's export slots (docs/architecture.md, "The interactive lane"). Unset, it is a
 * second journal beside an embedded QUEUE, and `main` itself beside an SQS one: a stack that
 * has only one queue keeps working, its clicks ordered by canvas rather than by entry.
 */
export async function openInteractiveQueue(setting: string | undefined, main: { setting: string; queue: Queue }, options: OpenQueueOptions): Promise<Queue> {
  if (setting === undefined && main.setting !== 'embedded') return main.queue;
  if (setting === undefined || setting === 'embedded') {
    const { EmbeddedQueue } = await import('./embedded-queue.ts');
    return EmbeddedQueue.open(join(options.dataDir, 'queue-interactive'), { maxFailures: options.maxFailures });
  }
  if (setting === main.setting) return main.queue;
  if (!/^https?:\/\/\S+\.fifo$/.test(setting)) throw new UsageError('INTERACTIVE_QUEUE_INVALID', 'INTERACTIVE_QUEUE must be `embedded` or the URL of an SQS FIFO queue (ending in .fifo)');
  return openQueue(setting, options);
}

/**
 * PACKAGE_EVENT_QUEUE: the queue an EventBridge rule fills with Quilt's package-revision
 * events (docs/configuration.md). A standard queue, written by EventBridge rather than by the
 * service: the worker only receives and settles its messages, which SqsQueue does on a
 * standard queue as on a FIFO one (every message in one group, one at a time per loop).
 */
export async function openPackageEventQueue(url: string, options: Pick<OpenQueueOptions, 'region' | 'sqsEndpoint' | 'maxFailures'>): Promise<Queue> {
  if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError('PACKAGE_EVENT_QUEUE_INVALID', 'PACKAGE_EVENT_QUEUE must be the URL of the SQS queue that receives Quilt\'s package-revision events');
  const [{ SQSClient }, { SqsQueue }] = await Promise.all([import('@aws-sdk/client-sqs'), import('./sqs-queue.ts')]);
  const client = new SQSClient({ region: options.region, useQueueUrlAsEndpoint: options.sqsEndpoint === undefined });
  return new SqsQueue({ client, queueUrl: url, maxFailures: options.maxFailures });
}
