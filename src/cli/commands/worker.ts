import type { CliCommand } from '../command.ts';
import { SERVE_SETTINGS } from '../serve-settings.ts';
import type { CommonOptions } from '../shared-options.ts';

/** What `worker` takes, and `serve` with it: the runtime settings arrive under their camelCase names. */
export interface WorkerOptions extends CommonOptions {
  secretTtl?: string;
  [setting: string]: unknown;
}

export const workerCommand: CliCommand<WorkerOptions> = {
  name: 'worker',
  description: 'run only the packaging worker (the second container on AWS)',
  options(command, flags) {
    flags.secretTtl(flags.settings(flags.secretInputs(command), SERVE_SETTINGS));
  },
  load: async () => (await import('../worker.ts')).worker,
};
