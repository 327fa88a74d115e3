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
import { JOB_FAILURE_LIMIT } from '../config/dead-letter-limits.ts';
import { DedupMemory } from './dedup-memory.ts';
import { bodyJson, checkJob } from './job-input.ts';
import type { DeadLetter, EnqueueResult, Lease, NewJob, Queue, QueueDepth } from './queue.ts';
import { settleOnce } from './settle-once.ts';
import { sqsCall } from './sqs-call.ts';
import { deadLetterAttributes, deadLetterOf, FailureCounts, parseRedrivePolicy, type DeadLetterNote, type RedrivePolicy } from './sqs-dead-letters.ts';
import { deadLetterQueueUrl } from './sqs-dead-letter-target.ts';
import { sqsId } from './sqs-ids.ts';
import { groupAttributes, messageBody, messageGroupId, receiveCount } from './sqs-messages.ts';
import { batchSize, waitTime } from './wait-time.ts';

export interface SqsQueueOptions {
  /** Endpoint, region and credentials come from the client (the SDK's own settings, e.g. AWS_ENDPOINT_URL_SQS). */
  client: SQSClient;
  /** A FIFO queue with ContentBasedDeduplication off and a RedrivePolicy to the dead-letter queue. */
  queueUrl: string;
  /**
   * Read (never consumed) by deadLetters() and depth(); the worker's dead letters are sent here.
   * Default for sending: the queue its RedrivePolicy names.
   */
  deadLetterQueueUrl?: string;
  /** Failures this process sees before it dead-letters a job itself. Default 5 (JOB_FAILURE_LIMIT). */
  maxFailures?: number;
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
/** Failure counts kept per process: far more than the jobs in flight at once. */
const FAILURES_KEPT = 1000;
/** How long deadLetters() hides the messages it is reading before putting them back. */
const PEEK_HOLD_S = 30;
const SYSTEM_ATTRIBUTES = ['ApproximateReceiveCount', 'MessageGroupId', 'SentTimestamp'] as const;

/**
 * The queue on SQS FIFO: MessageGroupId = groupId (SQS keeps a group to one message in flight,
 * in order), MessageDeduplicationId = dedupId, a lease is a receipt handle.
 *
 * Coalescing is not possible here: SQS cannot change or merge a message once sent, so
 * `coalesce` is accepted and ignored and every enqueue becomes a message; the worker
 * collapses a run of jobs for one entry instead (worker/entry-jobs.ts).
 *
 * Dead-lettering is in two parts (see sqs-dead-letters.ts): on its maxFailures-th failure seen
 * by this process a job is moved to the dead-letter queue here, with the reason in a message
 * attribute; and SQS moves a message once it has been received the RedrivePolicy's
 * maxReceiveCount times, however those deliveries ended (no reason kept: deadLetters() then
 * reports "exceeded maxReceiveCount (n)" plus the last failure this process saw).
 */
export class SqsQueue implements Queue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;
  private readonly deadLetterQueueUrl: string | undefined;
  private readonly visibilitySeconds: number | undefined;
  /** SQS does not say when it dropped a duplicate; this process's memory answers for what it sent. */
  private readonly recent: DedupMemory;
  private readonly sending = new Map<string, Promise<string>>();
  private readonly failures = new FailureCounts(FAILURES_KEPT);
  private readonly maxFailures: number;
  private redrive: Promise<RedrivePolicy> | undefined;
  private deadLetterTarget: Promise<string> | undefined;
  private queueVisibility: Promise<number> | undefined;
  private closed = false;

  constructor(options: SqsQueueOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.deadLetterQueueUrl = options.deadLetterQueueUrl;
    this.maxFailures = options.maxFailures ?? JOB_FAILURE_LIMIT;
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
    const leaseSeconds = messages.length > 0 ? await this.leaseSeconds() : 0;
    for (const message of messages) {
      const groupId = messageGroupId(message);
      if (groups.has(groupId)) extra.push(message);
      else leases.push(this.lease(message, groupId, limit, leaseSeconds));
      groups.add(groupId);
    }
    await this.release(this.queueUrl, extra);
    return leases;
  }

  /** The lease length: the one this process asks for, else the queue's own VisibilityTimeout (read once; SQS's default 30 s if unreadable). */
  private leaseSeconds(): Promise<number> {
    if (this.visibilitySeconds !== undefined) return Promise.resolve(this.visibilitySeconds);
    this.queueVisibility ??= this.attributes(this.queueUrl, ['VisibilityTimeout']).then(
      (attributes) => Number(attributes.VisibilityTimeout ?? 30) || 30,
      () => 30,
    );
    return this.queueVisibility;
  }

  private lease(message: Message, groupId: string, maxReceives: number | undefined, leaseSeconds: number): Lease {
    const jobId = message.MessageId ?? '';
    const handle = message.ReceiptHandle ?? '';
    const settle = settleOnce(jobId);
    const receives = receiveCount(message);
    const failures = this.failures.failures(jobId);
    return {
      jobId,
      groupId,
      body: messageBody(message),
      receiveCount: receives,
      maxReceives,
      failures,
      maxFailures: this.maxFailures,
      ack: async () => {
        settle();
        await this.delete(handle);
        this.failures.forget(jobId);
      },
      retry: async (reason, delayMs = 0) => {
        settle();
        const now = this.failures.add(jobId, reason);
        if (now < this.maxFailures) return this.handBack(handle, delayMs);
        await this.moveToDeadLetters(message, { jobId, reason, failures: now, receives });
        this.failures.forget(jobId);
      },
      defer: async (_reason, delayMs) => {
        settle();
        await this.handBack(handle, delayMs);
      },
      deadLetter: async (reason) => {
        settle();
        await this.moveToDeadLetters(message, { jobId, reason, failures, receives });
        this.failures.forget(jobId);
      },
      leaseMs: leaseSeconds * 1000,
      extend: () => this.handBack(handle, leaseSeconds * 1000),
    };
  }

  /** SQS counts visibility in whole seconds: a delay rounds up to the next second. */
  private async handBack(handle: string, delayMs: number): Promise<void> {
    const input = { QueueUrl: this.queueUrl, ReceiptHandle: handle, VisibilityTimeout: Math.min(MAX_VISIBILITY_S, seconds(Math.max(0, delayMs))) };
    await sqsCall('ChangeMessageVisibility', () => this.client.send(new ChangeMessageVisibilityCommand(input)));
  }

  private async delete(handle: string): Promise<void> {
    await sqsCall('DeleteMessage', () => this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: handle })));
  }

  /**
   * Sent first, deleted second: a crash in between leaves the job in both queues (it may run
   * once more), never in neither. The deduplication id makes a second send of it a no-op.
   */
  private async moveToDeadLetters(message: Message, note: DeadLetterNote): Promise<void> {
    const url = await this.deadLetterUrl();
    const fifo = url.endsWith('.fifo');
    await sqsCall('SendMessage', () =>
      this.client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: message.Body ?? '',
          MessageAttributes: deadLetterAttributes(message, note),
          ...(fifo ? { MessageGroupId: message.Attributes?.MessageGroupId ?? sqsId(messageGroupId(message)), MessageDeduplicationId: sqsId(`dead-${message.MessageId ?? ''}`) } : {}),
        }),
      ),
    );
    await this.delete(message.ReceiptHandle ?? '');
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
    return deadLetterOf(message, limit, (jobId) => this.failures.lastReason(jobId));
  }

  /** From the queue's RedrivePolicy: how many deliveries a dead letter had. */
  private async maxReceiveCount(): Promise<number | undefined> {
    return (await this.redrivePolicy()).maxReceiveCount;
  }

  /** Read once per process; a failed read is tried again next time. */
  private redrivePolicy(): Promise<RedrivePolicy> {
    this.redrive ??= this.attributes(this.queueUrl, ['RedrivePolicy']).then(
      ({ RedrivePolicy }) => parseRedrivePolicy(RedrivePolicy),
      (error: unknown) => {
        this.redrive = undefined;
        throw error;
      },
    );
    return this.redrive;
  }

  /** Where the worker's dead letters go: the given URL, else the queue the RedrivePolicy names. */
  private deadLetterUrl(): Promise<string> {
    if (this.deadLetterQueueUrl !== undefined) return Promise.resolve(this.deadLetterQueueUrl);
    this.deadLetterTarget ??= this.resolveDeadLetterUrl().catch((error: unknown) => {
      this.deadLetterTarget = undefined;
      throw error;
    });
    return this.deadLetterTarget;
  }

  private async resolveDeadLetterUrl(): Promise<string> {
    return deadLetterQueueUrl(this.client, this.queueUrl, (await this.redrivePolicy()).deadLetterTargetArn);
  }

  private async attributes(url: string, names: QueueAttributeName[]): Promise<Partial<Record<QueueAttributeName, string>>> {
    const out = await sqsCall('GetQueueAttributes', () => this.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names })));
    return out.Attributes ?? {};
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
