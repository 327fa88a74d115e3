import type { StackTargetOptions } from '../../operate/stack-target.ts';
import type { CliCommand } from '../command.ts';

export interface DestroyOptions extends StackTargetOptions {
  yes?: boolean;
  deleteSecret?: boolean;
  /** Commander gives true for a bare --delete-bucket, the name when one follows. */
  deleteBucket?: string | boolean;
  json?: boolean;
}

export const destroyCommand: CliCommand<DestroyOptions> = {
  name: 'destroy',
  description: 'delete the stack after confirmation; keeps the bucket, the secret and the log groups unless told otherwise',
  options(command, flags) {
    flags
      .stackTarget(command)
      .option('--yes', 'do not ask (needed when not run in a terminal)')
      .option('--delete-secret', "also schedule the profile's Benchling secret for deletion (30-day recovery window)")
      .option('--delete-bucket [bucket]', 'also empty and delete the package bucket the stack created; name it (here, or when asked) to confirm');
  },
  load: async () => (await import('../destroy.ts')).destroy,
};
