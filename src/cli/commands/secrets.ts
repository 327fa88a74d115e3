import type { CliCommand, CommandGroup } from '../command.ts';
import type { CommonOptions } from '../shared-options.ts';

export interface SyncOptions extends CommonOptions {
  secretName?: string;
}

const check: CliCommand<CommonOptions> = {
  name: 'check',
  description: 'parse and validate the secret from any input form; exit 1 if a field is missing',
  options(command, flags) {
    flags.json(flags.secretInputs(command), 'print the report as JSON');
  },
  load: async () => (await import('../secrets-check.ts')).secretsCheck,
};

const sync: CliCommand<SyncOptions> = {
  name: 'sync',
  description: 'validate the secret, then create or update it in Secrets Manager and record its ARN',
  options(command, flags) {
    flags.json(flags.secretName(flags.secretInputs(command)), 'print the result as JSON');
  },
  load: async () => (await import('../secrets-sync.ts')).secretsSync,
};

export const secretsCommands: CommandGroup = {
  name: 'secrets',
  description: 'check and store the Benchling secret',
  commands: [check, sync],
};
