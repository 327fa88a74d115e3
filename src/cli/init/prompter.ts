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
    secret: (q) => askHidden(q, context),
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

/**
 * A masked prompt that, when its answer is refused, shows why and asks again with an empty
 * field: the refused value cannot be seen, so editing it (inquirer keeps it, and typing would
 * append to it) would only ever be guessing.
 */
async function askHidden(question: { message: string; validate?: Validate }, context: Required<Pick<Context, 'input' | 'output'>>): Promise<string> {
  for (;;) {
    const typed = await password({ message: question.message, mask: '*' }, context);
    const verdict = (await question.validate?.(typed)) ?? true;
    if (verdict === true) return typed;
    context.output.write(`> ${verdict}\n`);
  }
}
