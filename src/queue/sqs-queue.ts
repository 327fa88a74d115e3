import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Message, QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { AppError } from '../errors/app-error.ts';
import { DedupMemory } from './dedup-memory.ts';
import { bodyJson, checkJob } from './job-input.ts';
import type { DeadLetter, EnqueueResult, Lease, NewJob, Queue, QueueDepth } from './queue.ts';
import { settleOnce } from './settle-once.ts';
import { sqsCall } from './sqs-call.ts';
import { sqsId } from './sqs-ids.ts';
import { groupAttributes, messageBody, messageGroupId, receiveCount } from './sqs-messages.ts';
import { batchSize, waitTime } from './wait-time.ts';

export interface SqsQueueOptions {
  /** Endpoint, region and credentials come from the client (the SDK's own settings, e.g. AWS_ENDPOINT_URL_SQS). */
  client: SQSClient;
  /** A FIFO queue with ContentBasedDeduplication off and a RedrivePolicy to the dead-letter queue. */
  queueUrl: string;
  /** Read (never consumed) by deadLetters() and depth(). */
  deadLetterQueueUrl?: string;
  /** Lease length, rounded up to whole seconds; by default the queue's own VisibilityTimeout. */
  visibilityTimeoutMs?: number;
  /** How long this process answers "duplicate" for a dedupId it sent. Default 24 h. */
  dedupTtlMs?: number;
  /** Cap on dedupIds remembered in this process. Default 10,000. */
  dedupMaxEntries?: number;
}

/** SQS's limits: 10 messages per receive, 20 s of long polling per call. */
const MAX_BATCH = 10;
const MAX_WAIT_S = 20;
const MAX_VISIBILITY_S = 12 * 60 * 60;
const REASONS_KEPT = 1000;
/** How long deadLetters() hides the messages it is reading before putting them back. */
const PEEK_HOLD_S = 30;
const SYSTEM_ATTRIBUTES = ['ApproximateReceiveCount', 'MessageGroupId'] as const;

/**
 * The queue on SQS FIFO: MessageGroupId = groupId (SQS keeps a group to one message in flight,
 * in order), MessageDeduplicationId = dedupId, a lease is a receipt handle.
 *
 * Coalescing is not possible here: SQS cannot change or merge a message once sent, so
 * `coalesce` is accepted and ignored and every enqueue becomes a message; the worker
 * collapses a run of jobs for one entry instead (worker/entry-jobs.ts).
 *
 * Dead-lettering is SQS's, by the RedrivePolicy's maxReceiveCount: a message is moved on the
 * receive after its last failed delivery. SQS keeps no reason, and a retry cannot add an
 * attribute to a message, so deadLetters() reports "exceeded maxReceiveCount (n)" plus the
 * last retry reason when this process saw it; the worker logs each reason as it retries.
 */
export class SqsQueue implements Queue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;
  private readonly deadLetterQueueUrl: string | undefined;
  private readonly visibilitySeconds: number | undefined;
  /** SQS does not say when it dropped a duplicate; this process's memory answers for what it sent. */
  private readonly recent: DedupMemory;
  private readonly sending = new Map<string, Promise<string>>();
  private readonly reasons = new Map<string, string>();
  private redriveLimit: Promise<number | undefined> | undefined;
  private closed = false;

  constructor(options: SqsQueueOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.deadLetterQueueUrl = options.deadLetterQueueUrl;
    this.visibilitySeconds = options.visibilityTimeoutMs === undefined ? undefined : seconds(options.visibilityTimeoutMs);
    this.recent = new DedupMemory({ ttlMs: options.dedupTtlMs ?? 24 * 60 * 60_000, maxEntries: options.dedupMaxEntries ?? 10_000 });
  }

  async enqueue(job: NewJob): Promise<EnqueueResult> {
    this.assertOpen();
    checkJob(job);
    const seen = this.recent.get(job.dedupId, Date.now());
    if (seen !== undefined) return { jobId: seen, duplicate: true, coalesced: false };
    const pending = this.sending.get(job.dedupId);
    if (pending) return { jobId: await pending, duplicate: true, coalesced: false };
    const sent = this.send(job);
    this.sending.set(job.dedupId, sent);
    try {
      const jobId = await sent;
      this.recent.remember(job.dedupId, jobId, Date.now());
      return { jobId, duplicate: false, coalesced: false };
    } finally {
      this.sending.delete(job.dedupId);
    }
  }

  /**
   * At most 10 leases (SQS's batch limit). SQS waits in whole seconds, so waitMs is rounded up
   * to the next second; longer waits take several calls of at most 20 s.
   */
  async receive(options: { max?: number; waitMs?: number } = {}): Promise<Lease[]> {
    this.assertOpen();
    const max = batchSize(options.max, MAX_BATCH);
    const deadline = Date.now() + waitTime(options.waitMs);
    for (;;) {
      const messages = await this.poll(max, deadline - Date.now());
      if (messages.length > 0 || Date.now() >= deadline || this.closed) return this.leases(messages);
    }
  }

  async depth(): Promise<QueueDepth> {
    const main = await this.attributes(this.queueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible']);
    const dlq = this.deadLetterQueueUrl ? await this.attributes(this.deadLetterQueueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']) : {};
    return {
      waiting: count(main.ApproximateNumberOfMessages) + count(main.ApproximateNumberOfMessagesDelayed),
      inFlight: count(main.ApproximateNumberOfMessagesNotVisible),
      dead: count(dlq.ApproximateNumberOfMessages) + count(dlq.ApproximateNumberOfMessagesNotVisible),
    };
  }

  /**
   * Reads the dead-letter queue without consuming it: receives with a short hold, then makes
   * every message visible again. On FIFO, SQS shows one message per group while another of
   * the group is held, so this may list fewer than depth().dead.
   */
  async deadLetters(): Promise<DeadLetter[]> {
    const url = this.deadLetterQueueUrl;
    if (!url) return [];
    const limit = await this.maxReceiveCount();
    const expected = count((await this.attributes(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages);
    const held = new Map<string, Message>();
    try {
      await this.peek(url, expected, held);
    } finally {
      await this.release(url, [...held.values()]);
    }
    return [...held.values()].map((message) => this.deadLetter(message, limit));
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (this.closed) return { ok: false, reason: 'the queue is closed' };
    try {
      await this.attributes(this.queueUrl, ['QueueArn']);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }

  /** The client belongs to the caller and stays open; a long poll in progress ends on its own. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private async send(job: NewJob): Promise<string> {
    const out = await sqsCall('SendMessage', () =>
      this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: bodyJson(job.body),
          MessageGroupId: sqsId(job.groupId),
          MessageDeduplicationId: sqsId(job.dedupId),
          MessageAttributes: groupAttributes(job.groupId),
        }),
      ),
    );
    if (!out.MessageId) throw new AppError('queue_sqs_failed', 'SQS SendMessage returned no MessageId.');
    return out.MessageId;
  }

  private async poll(max: number, remainingMs: number): Promise<Message[]> {
    const out = await sqsCall('ReceiveMessage', () =>
      this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: remainingMs > 0 ? Math.min(MAX_WAIT_S, seconds(remainingMs)) : 0,
          VisibilityTimeout: this.visibilitySeconds,
          MessageSystemAttributeNames: [...SYSTEM_ATTRIBUTES],
          MessageAttributeNames: ['All'],
        }),
      ),
    );
    return out.Messages ?? [];
  }

  /**
   * SQS may return several messages of one group in a batch; the contract is one lease per
   * group at a time, so later ones go back at once (SQS keeps them behind the one in flight).
   */
  private async leases(messages: Message[]): Promise<Lease[]> {
    const groups = new Set<string>();
    const leases: Lease[] = [];
    const extra: Message[] = [];
    // Read once per process; a queue whose policy cannot be read just says it does not know.
    const limit = messages.length > 0 ? await this.maxReceiveCount().catch(() => undefined) : undefined;
    for (const message of messages) {
      const groupId = messageGroupId(message);
      if (groups.has(groupId)) extra.push(message);
      else leases.push(this.lease(message, groupId, limit));
      groups.add(groupId);
    }
    await this.release(this.queueUrl, extra);
    return leases;
  }

  private lease(message: Message, groupId: string, maxReceives: number | undefined): Lease {
    const jobId = message.MessageId ?? '';
    const handle = message.ReceiptHandle ?? '';
    const settle = settleOnce(jobId);
    return {
      jobId,
      groupId,
      body: messageBody(message),
      receiveCount: receiveCount(message),
      maxReceives,
      ack: async () => {
        settle();
        await sqsCall('DeleteMessage', () => this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: handle })));
      },
      // SQS counts visibility in whole seconds: a delay rounds up to the next second.
      retry: async (reason, delayMs = 0) => {
        settle();
        this.rememberReason(jobId, reason);
        const input = { QueueUrl: this.queueUrl, ReceiptHandle: handle, VisibilityTimeout: Math.min(MAX_VISIBILITY_S, seconds(Math.max(0, delayMs))) };
        await sqsCall('ChangeMessageVisibility', () => this.client.send(new ChangeMessageVisibilityCommand(input)));
      },
    };
  }

  private async peek(url: string, expected: number, held: Map<string, Message>): Promise<void> {
    while (held.size < expected) {
      const out = await sqsCall('ReceiveMessage', () =>
        this.client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: MAX_BATCH,
            WaitTimeSeconds: 1,
            VisibilityTimeout: PEEK_HOLD_S,
            MessageSystemAttributeNames: [...SYSTEM_ATTRIBUTES],
            MessageAttributeNames: ['All'],
          }),
        ),
      );
      const fresh = (out.Messages ?? []).filter((message) => !held.has(message.MessageId ?? ''));
      if (fresh.length === 0) return;
      for (const message of fresh) held.set(message.MessageId ?? '', message);
    }
  }

  /** Makes messages visible again; best effort, since they reappear anyway when their hold ends. */
  private async release(url: string, messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += MAX_BATCH) {
      const entries = messages.slice(i, i + MAX_BATCH).map((message, n) => ({ Id: String(n), ReceiptHandle: message.ReceiptHandle ?? '', VisibilityTimeout: 0 }));
      await this.client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: entries })).catch(() => undefined);
    }
  }

  private deadLetter(message: Message, limit: number | undefined): DeadLetter {
    const jobId = message.MessageId ?? '';
    const last = this.reasons.get(jobId);
    const exceeded = limit === undefined ? 'exceeded maxReceiveCount' : `exceeded maxReceiveCount (${limit})`;
    return {
      jobId,
      groupId: messageGroupId(message),
      body: messageBody(message),
      receiveCount: limit ?? receiveCount(message),
      reason: last === undefined ? exceeded : `${exceeded}; last retry reason: ${last}`,
    };
  }

  /** From the queue's RedrivePolicy: how many deliveries a dead letter had. */
  private maxReceiveCount(): Promise<number | undefined> {
    this.redriveLimit ??= this.attributes(this.queueUrl, ['RedrivePolicy']).then(
      ({ RedrivePolicy }) => {
        const policy = RedrivePolicy ? (JSON.parse(RedrivePolicy) as { maxReceiveCount?: number | string }) : {};
        const limit = Number(policy.maxReceiveCount);
        return Number.isInteger(limit) && limit > 0 ? limit : undefined;
      },
      (error: unknown) => {
        this.redriveLimit = undefined;
        throw error;
      },
    );
    return this.redriveLimit;
  }

  private async attributes(url: string, names: QueueAttributeName[]): Promise<Partial<Record<QueueAttributeName, string>>> {
    const out = await sqsCall('GetQueueAttributes', () => this.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names })));
    return out.Attributes ?? {};
  }

  private rememberReason(jobId: string, reason: string): void {
    this.reasons.delete(jobId);
    this.reasons.set(jobId, reason);
    if (this.reasons.size > REASONS_KEPT) this.reasons.delete(this.reasons.keys().next().value as string);
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('queue_closed', 'The queue is closed.');
  }
}

function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

function count(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}
