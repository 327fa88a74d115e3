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
  if (!(await ask(question, policy))) throw new AppError('NOT_CONFIRMED', `not confirmed: nothing was changed (${what})`);
}

/** Ctrl-C at the prompt is a no, not a crash: the caller then undoes what it prepared. */
async function ask(question: string, policy: ConfirmationPolicy): Promise<boolean> {
  try {
    return await policy.runtime.confirm(question);
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') return false;
    throw error;
  }
}
