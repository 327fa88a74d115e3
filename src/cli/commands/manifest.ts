import type { CliCommand } from '../command.ts';

export interface ManifestOptions {
  /** Write the YAML here instead of stdout. */
  out?: string;
  /** `v2` (default) or `v3`: which entry webhooks the app subscribes to. */
  webhookVersion?: string;
}

export const manifestCommand: CliCommand<ManifestOptions> = {
  name: 'manifest',
  description: 'print the Benchling app manifest (YAML) to upload in the Developer Console; offline',
  options(command) {
    command.option('--out <file>', 'write it to FILE instead of stdout');
    command.option('--webhook-version <v2|v3>', 'subscribe to v3.entry.created instead of v2.entry.created with v3 (the other subscriptions stay v2)', 'v2');
  },
  load: async () => (await import('../manifest.ts')).manifest,
};
