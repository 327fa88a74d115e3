import type { CliCommand } from '../command.ts';

export interface ProfilesOptions {
  json?: boolean;
}

export const profilesCommand: CliCommand<ProfilesOptions> = {
  name: 'profiles',
  description: 'list the profiles and what each points at: secret, region, stack, registry',
  options(command, flags) {
    flags.json(command, 'print the profiles as JSON');
  },
  load: async () => (await import('../profiles.ts')).profiles,
};
