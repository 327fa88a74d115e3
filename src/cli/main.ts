import { Command, CommanderError, Help } from 'commander';
import { AppError } from '../errors/app-error.ts';
import { registerCommands, type CommandAction, type CommandEntry, type Registration, type SharedFlags } from './command.ts';
import { backfillCommand } from './commands/backfill.ts';
import { deployCommand } from './commands/deploy.ts';
import { demoCommand } from './commands/demo.ts';
import { destroyCommand } from './commands/destroy.ts';
import { initCommand } from './commands/init.ts';
import { jobsCommands } from './commands/jobs.ts';
import { logsCommand } from './commands/logs.ts';
import { manifestCommand } from './commands/manifest.ts';
import { sandboxCommand } from './commands/sandbox.ts';
import { profilesCommand } from './commands/profiles.ts';
import { secretsCommands } from './commands/secrets.ts';
import { sendCommand } from './commands/send.ts';
import { serveCommand } from './commands/serve.ts';
import { statusCommand } from './commands/status.ts';
import { synthCommand } from './commands/synth.ts';
import { validateCommand } from './commands/validate.ts';
import { workerCommand } from './commands/worker.ts';
import { println, type CliIo, type TextSink } from './io.ts';
import { VERSION } from './version.ts';

/** The commands, in the order `--help` lists them. */
const COMMANDS: readonly CommandEntry[] = [
  initCommand,
  secretsCommands,
  serveCommand,
  workerCommand,
  validateCommand,
  deployCommand,
  synthCommand,
  manifestCommand,
  demoCommand,
  sandboxCommand,
  sendCommand,
  backfillCommand,
  profilesCommand,
  statusCommand,
  logsCommand,
  jobsCommands,
  destroyCommand,
];

interface Terminal {
  stdout: TextSink;
  stderr: TextSink;
}

/**
 * `flags` undefined: the list of commands alone (`--help`), whose options are not declared,
 * so that it loads neither the settings' schemas nor the secret's parsers. Each command that
 * would take options still shows `[options]`.
 */
function buildProgram(terminal: Terminal, run: Registration['run'], flags: SharedFlags | undefined): Command {
  const program = new Command('benchling-webhook')
    .description('Benchling notebook entries to Quilt packages: set up, validate, deploy and run')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => terminal.stdout.write(s), writeErr: (s) => terminal.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  const undeclared = new WeakSet<Command>();
  registerCommands(program, COMMANDS, { flags, run, undeclared: (command) => undeclared.add(command) });
  const help = new Help();
  return program.configureHelp({
    subcommandTerm: (command) => {
      const term = help.subcommandTerm(command);
      return undeclared.has(command) ? term.replace(command.name(), `${command.name()} [options]`) : term;
    },
  });
}

function reportError(error: AppError, terminal: Terminal, json: boolean): void {
  if (json) println(terminal.stdout, JSON.stringify({ error: { code: error.code, message: error.message } }));
  println(terminal.stderr, `error [${error.code}]: ${error.message}`);
}

/**
 * A failure no code path foresaw still ends as one coded line, not a stack trace: the trace
 * helps whoever fixes the bug, so LOG_LEVEL=debug (or trace) prints it too.
 */
function unexpected(error: unknown, env: Record<string, string | undefined>, terminal: Terminal): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && (env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace')) println(terminal.stderr, error.stack ?? message);
  return new AppError('UNEXPECTED', `${message} (an unforeseen failure: run again with LOG_LEVEL=debug to see where it happened, and report it)`);
}

/** Runs the CLI and returns its exit code: 0 ok, 1 a failed check, 2 a usage error. `io` defaults to the process's own. */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  const terminal: Terminal = io ?? { stdout: process.stdout, stderr: process.stderr };
  let commandIo = io;
  let exitCode = 0;
  const run = async <O>(action: CommandAction<O>, options: O) => {
    commandIo ??= (await import('./process-io.ts')).processIo();
    exitCode = await action(options, commandIo);
  };
  const list = buildProgram(terminal, run, undefined);
  const namesCommand = argv.some((arg) => list.commands.some((command) => command.name() === arg));
  const program = namesCommand ? buildProgram(terminal, run, await import('./shared-options.ts')) : list;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const quiet = ['commander.helpDisplayed', 'commander.version'];
      return quiet.includes(error.code) ? 0 : 2;
    }
    const known = error instanceof AppError ? error : unexpected(error, io?.env ?? process.env, terminal);
    reportError(known, terminal, argv.includes('--json'));
    return known.exitCode;
  }
}
