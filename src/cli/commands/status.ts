import type { StackTargetOptions } from '../../operate/stack-target.ts';
import type { CliCommand } from '../command.ts';

export interface StatusOptions extends StackTargetOptions {
  json?: boolean;
  /** --history: the profile's deploy records instead of the stack's health. */
  history?: boolean;
  /** Commander gives true for a bare --watch, the seconds when they follow. */
  watch?: string | boolean;
}

export const statusCommand: CliCommand<StatusOptions> = {
  name: 'status',
  description: 'the stack, its ECS services, queue and dead letters, alarms and URL; exit 0 when healthy, 1 when anything is unhealthy',
  options(command, flags) {
    flags
      .stackTarget(command)
      .option('--history', "list the profile's deploys (when, version, image, template hash, outcome, the stack's state before); needs no AWS")
      .option('--watch [seconds]', 'refresh every 10 s (or every SECONDS) until Ctrl-C')
      .addHelpText(
        'after',
        '\nexit codes: 0 healthy; 1 unhealthy: the stack failed or rolled back, fewer tasks running than desired, jobs in the dead-letter queue, or an alarm in ALARM; 2 usage error',
      );
  },
  load: async () => (await import('../status.ts')).status,
};
