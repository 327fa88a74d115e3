import type { Command } from 'commander';
import type { CliIo } from './io.ts';
import type * as SharedOptions from './shared-options.ts';

/** The flags several commands share (shared-options.ts), handed to each command that declares its options. */
export type SharedFlags = typeof SharedOptions;

/** What a command does: its exit code, 0 ok, 1 a failed check (a usage error is thrown). */
export type CommandAction<O> = (options: O, io: CliIo) => Promise<number>;

/**
 * One command of the CLI, in three parts loaded at three moments: its name and description
 * (every `--help` lists them), its options (declared only when the command line names a
 * command, to run it or to show its help), and its implementation (imported only when it
 * runs, so a quick refusal never pays for what another command needs).
 */
export interface CliCommand<O> {
  name: string;
  description: string;
  options(command: Command, flags: SharedFlags): void;
  load(): Promise<CommandAction<O>>;
}

/** A command that only groups others (`secrets check`, `secrets sync`). */
export interface CommandGroup {
  name: string;
  description: string;
  commands: readonly CliCommand<never>[];
}

export type CommandEntry = CliCommand<never> | CommandGroup;

export interface Registration {
  /** Undefined for the list of commands alone: their options are then not declared. */
  flags: SharedFlags | undefined;
  /** Runs an action; what it returns becomes the exit code. */
  run<O>(action: CommandAction<O>, options: O): Promise<void>;
  /** Called with each command whose options were left undeclared. */
  undeclared(command: Command): void;
}

function registerCommand(parent: Command, spec: CliCommand<never>, registration: Registration): void {
  const command = parent.command(spec.name).description(spec.description);
  if (registration.flags) spec.options(command, registration.flags);
  else registration.undeclared(command);
  // Commander hands over the arguments, then the options this command declared, then the command itself; the
  // action gets one object, each argument under its declared name, which is what its module's options type describes.
  command.action(async (...received: unknown[]) => {
    const self = received.at(-1) as Command;
    const named = Object.fromEntries(self.registeredArguments.map((argument, i) => [argument.name(), self.processedArgs[i] as unknown]));
    await registration.run(await spec.load(), { ...(self.opts() as object), ...named } as never);
  });
}

/** Adds each command (and each group's commands) to the program, as its module declares it. */
export function registerCommands(program: Command, entries: readonly CommandEntry[], registration: Registration): void {
  for (const entry of entries) {
    if (!('commands' in entry)) {
      registerCommand(program, entry, registration);
      continue;
    }
    const group = program.command(entry.name).description(entry.description);
    for (const spec of entry.commands) registerCommand(group, spec, registration);
  }
}
