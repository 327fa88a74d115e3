import { AppError, UsageError } from '../../errors/app-error.ts';
import type { Prompter, Verdict } from './prompter.ts';

/** `--yes` answers from flags, the profile and defaults; otherwise a person answers at prompts. */
export type AskMode = { kind: 'script' } | { kind: 'interactive'; prompter: Prompter };

type Problem = string | undefined;

/** One setting init decides. Every problem text names what is wrong, never the value (it may be a credential). */
export interface Question<T> {
  /** The flag that answers it without a prompt; named when the answer is missing or wrong. */
  flag: string;
  /** From a flag (or the secret input forms). */
  given: T | undefined;
  /** What the profile (or the stored secret) holds now: the default on a re-run. */
  current: T | undefined;
  fallback?: T | undefined;
  required: boolean;
  /** A malformed answer: a usage error when it came from a flag. */
  format?: (value: T) => Problem | Promise<Problem>;
  /** A check against the real service (absent with --offline): a failed check when it came from a flag. */
  live?: ((value: T) => Promise<Problem>) | undefined;
  /** Shows the prompt; `validate` gives the reason to show at the prompt, which then asks again. */
  ask(prompter: Prompter, defaultValue: T | undefined, validate: (value: T) => Promise<Verdict>): Promise<T | undefined>;
}

async function verdict<T>(question: Question<T>, value: T): Promise<Verdict> {
  const malformed = await question.format?.(value);
  if (malformed) return malformed;
  return (await question.live?.(value)) ?? true;
}

/** An answer that no person can re-type (a flag, or the profile under --yes) must be right as it is. */
async function insist<T>(question: Question<T>, value: T, origin: string): Promise<T> {
  const malformed = await question.format?.(value);
  if (malformed) throw new UsageError('INIT_ANSWER_INVALID', `${origin}: ${malformed}`);
  const failed = await question.live?.(value);
  if (failed) throw new AppError('INIT_CHECK_FAILED', `${origin}: ${failed}`);
  return value;
}

export async function answer<T>(question: Question<T>, mode: AskMode): Promise<T | undefined> {
  if (question.given !== undefined) return insist(question, question.given, question.flag);
  if (mode.kind === 'interactive') {
    return question.ask(mode.prompter, question.current ?? question.fallback, (value) => verdict(question, value));
  }
  if (question.current !== undefined) return insist(question, question.current, `the profile's value (change it with ${question.flag})`);
  if (question.fallback !== undefined) return insist(question, question.fallback, question.flag);
  if (question.required) {
    throw new UsageError('INIT_ANSWER_MISSING', `${question.flag} is required with --yes (there is no value in the profile to keep)`);
  }
  return undefined;
}

/** For questions that must come back with a value. */
export async function answerRequired<T>(question: Question<T> & { required: true }, mode: AskMode): Promise<T> {
  const value = await answer(question, mode);
  if (value === undefined) throw new UsageError('INIT_ANSWER_MISSING', `${question.flag} is required`);
  return value;
}
