import type { DeadLetter } from './queue.ts';

/**
 * An operator's view of a queue's dead letters (`benchling-webhook jobs`): read them, send some
 * back to be run again, or drop them. The same for the embedded queue and for SQS, so the
 * command does not care which one it holds.
 */
export interface DeadLetterAdmin {
  /** What these dead letters are, for messages: the queue directory or the dead-letter queue's URL. */
  readonly source: { kind: 'embedded' | 'sqs'; location: string };
  list(): Promise<DeadLetter[]>;
  /**
   * Sends every selected dead letter back to its queue, at the end of its group, with its
   * counts reset; a dead letter leaves the dead letters only once it is back. The ones sent back.
   */
  retry(select: (letter: DeadLetter) => boolean): Promise<DeadLetter[]>;
  /** Deletes every selected dead letter for good; the ones deleted. */
  purge(select: (letter: DeadLetter) => boolean): Promise<DeadLetter[]>;
  close(): Promise<void>;
}
