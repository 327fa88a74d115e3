import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { sqsId } from './sqs-ids.ts';
import type { JobBody } from './queue.ts';

/**
 * Carries the original groupId only when SQS got a hash of it as MessageGroupId. JSON-encoded,
 * because an attribute value must avoid the same characters a message body must.
 */
export const GROUP_ATTRIBUTE = 'groupId';

export function groupAttributes(groupId: string): Record<string, MessageAttributeValue> | undefined {
  if (sqsId(groupId) === groupId) return undefined;
  return { [GROUP_ATTRIBUTE]: { DataType: 'String', StringValue: JSON.stringify(groupId) } };
}

export function messageGroupId(message: Message): string {
  const carried = message.MessageAttributes?.[GROUP_ATTRIBUTE]?.StringValue;
  if (carried !== undefined) return JSON.parse(carried) as string;
  return message.Attributes?.MessageGroupId ?? '';
}

/**
 * A body that is not a JSON object (sent by something else) is still delivered, wrapped, so
 * the worker can refuse it and SQS dead-letters it, instead of it blocking its group forever.
 */
export function messageBody(message: Message): JobBody {
  const text = message.Body ?? '';
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as JobBody;
  } catch {
    // fall through to the wrapped form
  }
  return { unparsable: text };
}

export function receiveCount(message: Message): number {
  const count = Number(message.Attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}
