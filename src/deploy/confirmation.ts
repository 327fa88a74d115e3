import { AppError, UsageError } from '../errors/app-error.ts';
import type { OperateRuntime } from '../operate/operate-runtime.ts';

export interface ConfirmationPolicy {
  /** --yes: the person running the command has agreed in advance. */
  yes: boolean;
  runtime: Pick<OperateRuntime, 'interactive' | 'confirm'>;
}

/**
 * Asks before a change: yes in a terminal, or --yes given. Without a terminal and without
 * --yes nobody can answer, so the command stops before the change rather than guessing.
 */
export async function confirmChange(question: string, what: string, policy: ConfirmationPolicy): Promise<void> {
  if (policy.yes) return;
  if (!policy.runtime.interactive()) {
    throw new UsageError('CONFIRMATION_REQUIRED', `${what} needs confirmation, but this is not a terminal: nothing was changed; pass --yes to confirm`);
  }
  if (!(await policy.runtime.confirm(question))) throw new AppError('NOT_CONFIRMED', `not confirmed: nothing was changed (${what})`);
}
