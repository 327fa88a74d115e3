import { checkbox, input, password, select } from '@inquirer/prompts';

type Context = NonNullable<Parameters<typeof input>[1]>;

/** `true`, or the reason shown at the prompt before it asks again. */
export type Verdict = true | string;
export type Validate = (value: string) => Verdict | Promise<Verdict>;

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  checked?: boolean;
}

/** The questions init asks, independent of how they are shown: a terminal, or streams in a test. */
export interface Prompter {
  text(question: { message: string; default?: string | undefined; validate?: Validate }): Promise<string>;
  /** Typed characters are masked; the answer is never echoed. */
  secret(question: { message: string; validate?: Validate }): Promise<string>;
  choose<T>(question: { message: string; choices: Choice<T>[]; default?: T | undefined }): Promise<T>;
  chooseMany<T>(question: { message: string; choices: Choice<T>[]; validate?: (values: readonly T[]) => Verdict }): Promise<T[]>;
  /** A line of information between prompts. */
  note(text: string): void;
}

/** @inquirer/prompts on the given streams (the process's terminal, or a test's streams). */
export function inquirerPrompter(context: Required<Pick<Context, 'input' | 'output'>>): Prompter {
  return {
    text: (q) => input({ message: q.message, default: q.default, validate: q.validate }, context),
    secret: (q) => password({ message: q.message, mask: '*', validate: q.validate }, context),
    choose: <T>(q: { message: string; choices: Choice<T>[]; default?: T | undefined }) =>
      select<T>({ message: q.message, choices: q.choices, default: q.default, pageSize: 12 }, context),
    chooseMany: <T>(q: { message: string; choices: Choice<T>[]; validate?: (values: readonly T[]) => Verdict }) =>
      checkbox<T>(
        {
          message: q.message,
          choices: q.choices,
          validate: q.validate ? (items) => q.validate!(items.map((i) => i.value)) : undefined,
        },
        context,
      ),
    note: (text) => context.output.write(`${text}\n`),
  };
}
