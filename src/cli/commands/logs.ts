import type { StackTargetOptions } from '../../operate/stack-target.ts';
import type { CliCommand } from '../command.ts';

export interface LogsOptions extends StackTargetOptions {
  since: string;
  container?: string;
  follow?: boolean;
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
      .option('--follow', 'keep printing new events until Ctrl-C');
  },
  load: async () => (await import('../logs.ts')).logs,
};
