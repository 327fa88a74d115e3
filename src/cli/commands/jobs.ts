import type { Command } from 'commander';
import type { CliCommand, CommandGroup, SharedFlags } from '../command.ts';

/** What every `jobs` subcommand takes; `id` is the positional argument of show, retry and purge. */
export interface JobsOptions {
  /** Given: the stack's SQS dead-letter queue. Absent: the local embedded queue `serve`/`worker` use. */
  profile?: string;
  region?: string;
  stackName?: string;
  /** Without --profile: which queue, as `serve`/`worker` take it (QUEUE): `embedded`, or an SQS FIFO queue URL. */
  queue?: string;
  json?: boolean;
  id?: string;
  all?: boolean;
  kind?: string;
  entry?: string;
  yes?: boolean;
}

/** Which dead letters: no default profile here, since leaving --profile out means the local queue. */
function source(command: Command, flags: SharedFlags): Command {
  command
    .option('--profile <name>', "the profile whose deployed stack's SQS dead-letter queue to use (default: the local embedded queue under XDG_DATA_HOME)")
    .option('--stack-name <name>', 'with --profile: stack name (default BenchlingWebhookStack, or BenchlingWebhookStack-<profile>)');
  flags.region(command, 'AWS region (env AWS_REGION; with --profile, else the profile region)');
  command.option('--queue <value>', "without --profile: the queue `serve`/`worker` use (env QUEUE, default embedded); an SQS FIFO queue URL means its dead-letter queue");
  return flags.json(command, 'print machine-readable JSON');
}

function filters(command: Command): Command {
  return command
    .option('--all', 'every dead job (narrowed by --kind and --entry)')
    .option('--kind <kind>', 'with --all: only jobs of this kind (entry, canvas, unreadable)')
    .option('--entry <id>', 'with --all: only jobs for this entry');
}

const list: CliCommand<JobsOptions> = {
  name: 'list',
  description: 'list the dead jobs: kind, entry, receive count, last error and when',
  options(command, flags) {
    source(command, flags).option('--kind <kind>', 'only jobs of this kind (entry, canvas, unreadable)').option('--entry <id>', 'only jobs for this entry');
  },
  load: async () => (await import('../jobs.ts')).jobsList,
};

const show: CliCommand<JobsOptions> = {
  name: 'show',
  description: 'everything about one dead job, its body included',
  options(command, flags) {
    source(command.argument('<id>', 'the dead job (from `jobs list`)'), flags);
  },
  load: async () => (await import('../jobs.ts')).jobsShow,
};

const retry: CliCommand<JobsOptions> = {
  name: 'retry',
  description: 'send a dead job (or --all matching) back to the queue, to run again with fresh counts',
  options(command, flags) {
    filters(source(command.argument('[id]', 'the dead job (from `jobs list`); or --all'), flags));
  },
  load: async () => (await import('../jobs.ts')).jobsRetry,
};

const purge: CliCommand<JobsOptions> = {
  name: 'purge',
  description: 'delete a dead job (or --all matching) for good; asks first, or --yes',
  options(command, flags) {
    filters(source(command.argument('[id]', 'the dead job (from `jobs list`); or --all'), flags)).option('--yes', 'do not ask: delete them');
  },
  load: async () => (await import('../jobs.ts')).jobsPurge,
};

export const jobsCommands: CommandGroup = {
  name: 'jobs',
  description: 'the dead jobs of the local embedded queue, or of the stack\'s SQS dead-letter queue (--profile): list, show, retry, purge',
  commands: [list, show, retry, purge],
};
