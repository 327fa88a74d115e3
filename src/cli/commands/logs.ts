import type { StackTargetOptions } from '../../operate/stack-target.ts';
import type { CliCommand } from '../command.ts';

export interface LogsOptions extends StackTargetOptions {
  since: string;
  container?: string;
  follow?: boolean;
  /** A CloudWatch Logs filter pattern: only the events it matches. */
  filter?: string;
  json?: boolean;
}

export const logsCommand: CliCommand<LogsOptions> = {
  name: 'logs',
  description: 'CloudWatch logs of the webhook and worker containers, as <time> <container> <message>',
  options(command, flags) {
    flags
      .stackTarget(command)
      .option('--since <duration>', 'how far back: 30s, 10m, 2h, 1d', '10m')
      .option('--container <name>', 'only this container: webhook or worker')
      .option('--follow', 'keep printing new events until Ctrl-C')
      .option('--filter <pattern>', 'only the events that match this CloudWatch Logs filter pattern: a word (job), a "quoted phrase", or { $.level >= 50 } for JSON lines');
  },
  load: async () => (await import('../logs.ts')).logs,
};
