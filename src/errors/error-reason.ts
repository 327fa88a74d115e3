import { AppError } from './app-error.ts';

/** An error as one line for a checklist or a prompt: the code when it has one, never a secret value. */
export function errorReason(error: unknown): string {
  return error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
}
