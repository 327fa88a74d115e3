import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetterAdmin } from './dead-letter-admin.ts';
import type { DeadLetter } from './queue.ts';
import { sqsCall } from './sqs-call.ts';
import { deadLetterOf, parseRedrivePolicy, retriedAttributes } from './sqs-dead-letters.ts';
import { deadLetterQueueUrl } from './sqs-dead-letter-target.ts';
import { sqsId } from './sqs-ids.ts';
import { messageGroupId } from './sqs-messages.ts';

export interface SqsDeadLetterOptions {
  client: SQSClient;
  /** The job queue: where a retried dead letter is sent back to. */
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** SQS's limit of messages per receive. */
const MAX_BATCH = 10;
/** How long a message being looked at stays hidden from others; every one not handled is made visible again at the end. */
const HOLD_S = 30;

/**
 * The dead-letter queue of an SQS job queue, for `jobs`. SQS has no way to read a message
 * without receiving it, so every operation receives them all with a short hold, handles the
 * selected ones, and makes the rest visible again. On a FIFO queue SQS hides a group's next
 * message while one of the group is held, so a handled message lets the next one of its group
 * through in the following receive; one that is not selected keeps the ones behind it hidden
 * until the end (a filter may then handle fewer than it would match).
 *
 * A retry sends the message to the job queue first and deletes it from the dead letters only
 * once that send succeeded: a failure in between leaves the job in both (it may run twice),
 * never in neither. It goes back in its group (MessageGroupId), under a new deduplication id,
 * since SQS would otherwise drop it as a repeat of the original message.
 */
export class SqsDeadLetters implements DeadLetterAdmin {
  readonly source: DeadLetterAdmin['source'];
  private limit: Promise<number | undefined> | undefined;

  constructor(private readonly options: SqsDeadLetterOptions) {
    this.source = { kind: 'sqs', location: options.deadLetterQueueUrl };
  }

  /** The dead letters of job queue queueUrl: the dead-letter queue its RedrivePolicy names. */
  static async ofQueue(client: SQSClient, queueUrl: string): Promise<SqsDeadLetters> {
    const out = await sqsCall('GetQueueAttributes', () => client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] })));
    const arn = parseRedrivePolicy(out.Attributes?.RedrivePolicy).deadLetterTargetArn;
    return new SqsDeadLetters({ client, queueUrl, deadLetterQueueUrl: await deadLetterQueueUrl(client, queueUrl, arn) });
  }

  async list(): Promise<DeadLetter[]> {
    return (await this.sweep(() => false, async () => undefined)).kept;
  }

  async retry(select: (letter: DeadLetter) => boolean): Promise<DeadLetter[]> {
    return (await this.sweep(select, (message) => this.sendBack(message))).handled;
  }

  async purge(select: (letter: DeadLetter) => boolean): Promise<DeadLetter[]> {
    return (await this.sweep(select, (message) => this.delete(message))).handled;
  }

  /** The client belongs to the caller. */
  async close(): Promise<void> {}

  private async sweep(select: (letter: DeadLetter) => boolean, handle: (message: Message) => Promise<void>): Promise<{ handled: DeadLetter[]; kept: DeadLetter[] }> {
    const limit = await this.maxReceiveCount();
    const expected = await this.count();
    const held = new Map<string, Message>();
    const handled: DeadLetter[] = [];
    const seen = new Set<string>();
    try {
      while (held.size + handled.length < expected) {
        const fresh = (await this.receive()).filter((message) => !seen.has(message.MessageId ?? ''));
        if (fresh.length === 0) break;
        for (const message of fresh) {
          seen.add(message.MessageId ?? '');
          const letter = deadLetterOf(message, limit);
          if (!select(letter)) {
            held.set(message.MessageId ?? '', message);
            continue;
          }
          await handle(message);
          handled.push(letter);
        }
      }
    } finally {
      await this.release([...held.values()]);
    }
    return { handled, kept: [...held.values()].map((message) => deadLetterOf(message, limit)) };
  }

  private async sendBack(message: Message): Promise<void> {
    const group = message.Attributes?.MessageGroupId ?? sqsId(messageGroupId(message) || 'dead-letters');
    await sqsCall('SendMessage', () =>
      this.options.client.send(
        new SendMessageCommand({
          QueueUrl: this.options.queueUrl,
          MessageBody: message.Body ?? '',
          MessageGroupId: group,
          MessageDeduplicationId: `retry-${randomUUID()}`,
          MessageAttributes: retriedAttributes(message),
        }),
      ),
    );
    await this.delete(message);
  }

  private async delete(message: Message): Promise<void> {
    const input = { QueueUrl: this.options.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle ?? '' };
    await sqsCall('DeleteMessage', () => this.options.client.send(new DeleteMessageCommand(input)));
  }

  private async receive(): Promise<Message[]> {
    const out = await sqsCall('ReceiveMessage', () =>
      this.options.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.deadLetterQueueUrl,
          MaxNumberOfMessages: MAX_BATCH,
          WaitTimeSeconds: 1,
          VisibilityTimeout: HOLD_S,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId', 'SentTimestamp'],
          MessageAttributeNames: ['All'],
        }),
      ),
    );
    return out.Messages ?? [];
  }

  /** Best effort: a message not made visible again reappears anyway when its hold ends. */
  private async release(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += MAX_BATCH) {
      const entries = messages.slice(i, i + MAX_BATCH).map((message, n) => ({ Id: String(n), ReceiptHandle: message.ReceiptHandle ?? '', VisibilityTimeout: 0 }));
      await this.options.client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.options.deadLetterQueueUrl, Entries: entries })).catch(() => undefined);
    }
  }

  /** Dead letters waiting, and held by another reader: both are there to be handled. */
  private async count(): Promise<number> {
    const attributes = await this.attributes(this.options.deadLetterQueueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']);
    return Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  /** The job queue's maxReceiveCount: what a message SQS moved was received; unknown when unreadable. */
  private maxReceiveCount(): Promise<number | undefined> {
    this.limit ??= this.attributes(this.options.queueUrl, ['RedrivePolicy']).then(
      (attributes) => parseRedrivePolicy(attributes.RedrivePolicy).maxReceiveCount,
      () => undefined,
    );
    return this.limit;
  }

  private async attributes(url: string, names: ('ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesNotVisible' | 'RedrivePolicy')[]): Promise<Record<string, string>> {
    const out = await sqsCall('GetQueueAttributes', () => this.options.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names })));
    return out.Attributes ?? {};
  }
}
