import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { DeadLetter } from './queue.ts';
import { messageBody, messageGroupId, receiveCount } from './sqs-messages.ts';

/**
 * The worker's side of dead-lettering on SQS. SQS counts every receive towards the redrive
 * policy's maxReceiveCount, a delivery cut by a crash as much as a failed one, so that limit is
 * set high (JOB_RECEIVE_LIMIT) and the worker dead-letters a job itself once it has seen it
 * fail maxFailures times: it sends the message to the dead-letter queue, with why, and deletes
 * it from the job queue.
 */

/** The message attribute a dead letter sent by the worker carries: JSON of DeadLetterNote. */
export const DEAD_LETTER_ATTRIBUTE = 'deadLetter';

/** Kept short: message attributes count towards SQS's 256 KB message limit. */
const MAX_REASON_CHARS = 2000;

export interface DeadLetterNote {
  /** The job's id (its MessageId in the job queue): the copy in the dead-letter queue has a new one. */
  jobId: string;
  reason: string;
  failures: number;
  receives: number;
}

export function deadLetterAttributes(message: Message, note: DeadLetterNote): Record<string, MessageAttributeValue> {
  const reason = note.reason.length > MAX_REASON_CHARS ? `${note.reason.slice(0, MAX_REASON_CHARS)}…` : note.reason;
  // JSON-encoded, like the groupId attribute: control characters in a reason are not allowed raw.
  const value = JSON.stringify({ ...note, reason });
  return { ...message.MessageAttributes, [DEAD_LETTER_ATTRIBUTE]: { DataType: 'String', StringValue: value } };
}

/** The note of a dead letter the worker sent; undefined for one SQS moved (maxReceiveCount) or anything unreadable. */
export function deadLetterNote(message: Message): DeadLetterNote | undefined {
  const raw = message.MessageAttributes?.[DEAD_LETTER_ATTRIBUTE]?.StringValue;
  if (raw === undefined) return undefined;
  try {
    const note = JSON.parse(raw) as Partial<DeadLetterNote>;
    if (typeof note.jobId !== 'string' || typeof note.reason !== 'string' || typeof note.failures !== 'number' || typeof note.receives !== 'number') return undefined;
    return { jobId: note.jobId, reason: note.reason, failures: note.failures, receives: note.receives };
  } catch {
    return undefined;
  }
}

/**
 * A message of the dead-letter queue as a dead letter. One the worker sent carries its note;
 * one SQS moved (maxReceiveCount) says only that, plus the last failure this process saw
 * (lastReason). When: the message's SentTimestamp, the time it was sent to where it now is.
 */
export function deadLetterOf(message: Message, limit: number | undefined, lastReason: (jobId: string) => string | undefined = () => undefined): DeadLetter {
  const note = deadLetterNote(message);
  const jobId = note?.jobId ?? message.MessageId ?? '';
  const sent = Number(message.Attributes?.SentTimestamp);
  const base = { jobId, groupId: messageGroupId(message), body: messageBody(message), at: Number.isFinite(sent) && sent > 0 ? sent : undefined };
  if (note) return { ...base, receiveCount: note.receives, reason: `failed ${note.failures} times; last reason: ${note.reason}` };
  const last = lastReason(jobId);
  const exceeded = limit === undefined ? 'exceeded maxReceiveCount' : `exceeded maxReceiveCount (${limit})`;
  return { ...base, receiveCount: limit ?? receiveCount(message), reason: last === undefined ? exceeded : `${exceeded}; last failure: ${last}` };
}

/** The attributes a dead letter goes back to the job queue with: its own, without the dead-letter note. */
export function retriedAttributes(message: Message): Record<string, MessageAttributeValue> | undefined {
  const { [DEAD_LETTER_ATTRIBUTE]: _note, ...rest } = message.MessageAttributes ?? {};
  return Object.keys(rest).length > 0 ? rest : undefined;
}

export interface RedrivePolicy {
  maxReceiveCount: number | undefined;
  deadLetterTargetArn: string | undefined;
}

export function parseRedrivePolicy(text: string | undefined): RedrivePolicy {
  let policy: { maxReceiveCount?: unknown; deadLetterTargetArn?: unknown } = {};
  try {
    policy = text ? (JSON.parse(text) as typeof policy) : {};
  } catch {
    // An unreadable policy says nothing: as if there were none.
  }
  const limit = Number(policy.maxReceiveCount);
  return {
    maxReceiveCount: Number.isInteger(limit) && limit > 0 ? limit : undefined,
    deadLetterTargetArn: typeof policy.deadLetterTargetArn === 'string' ? policy.deadLetterTargetArn : undefined,
  };
}

/** `arn:aws:sqs:<region>:<account>:<name>` → the name and account GetQueueUrl needs. */
export function queueOfArn(arn: string): { name: string; account: string } | undefined {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs') return undefined;
  return { account: parts[4]!, name: parts[5]! };
}

/**
 * Failures this process has seen per message, the oldest forgotten past `kept`. SQS cannot
 * store a count on a message, so a count lives as long as the process: after a restart a job
 * starts again from 0, and the redrive policy's maxReceiveCount bounds what that can add up to.
 */
export class FailureCounts {
  private readonly counts = new Map<string, { failures: number; reason: string }>();

  constructor(private readonly kept: number) {}

  failures(jobId: string): number {
    return this.counts.get(jobId)?.failures ?? 0;
  }

  lastReason(jobId: string): string | undefined {
    return this.counts.get(jobId)?.reason;
  }

  /** Counts one more failure; the count from now on. */
  add(jobId: string, reason: string): number {
    const failures = this.failures(jobId) + 1;
    this.counts.delete(jobId);
    this.counts.set(jobId, { failures, reason });
    if (this.counts.size > this.kept) this.counts.delete(this.counts.keys().next().value as string);
    return failures;
  }

  forget(jobId: string): void {
    this.counts.delete(jobId);
  }
}
