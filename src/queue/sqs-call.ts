import { AppError } from '../errors/app-error.ts';

/** SQS's answers to a receipt handle that no longer holds the message. */
const LEASE_LOST = new Set(['ReceiptHandleIsInvalid', 'MessageNotInflight', 'InvalidReceiptHandle']);

/** Runs one SQS call; its failure becomes a coded AppError naming the operation. */
export async function sqsCall<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw sqsError(operation, error);
  }
}

export function sqsError(operation: string, error: unknown): AppError {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (LEASE_LOST.has(name)) {
    return new AppError('queue_lease_lost', `SQS ${operation}: the lease expired and the message may have been delivered again (${name}).`);
  }
  return new AppError('queue_sqs_failed', `SQS ${operation} failed: ${name}: ${message}`);
}
