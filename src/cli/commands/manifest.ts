import type { CliCommand } from '../command.ts';

export interface ManifestOptions {
  /** Write the YAML here instead of stdout. */
  out?: string;
}

export const manifestCommand: CliCommand<ManifestOptions> = {
  name: 'manifest',
  description: 'print the Benchling app manifest (YAML) to upload in the Developer Console; offline',
  options(command) {
    command.option('--out <file>', 'write it to FILE instead of stdout');
  },
  load: async () => (await import('../manifest.ts')).manifest,
};
