import type { CliCommand } from '../command.ts';
import { SERVE_SETTINGS, SERVICE_HTTP_SETTINGS, SERVICE_PORT_SETTINGS } from '../serve-settings.ts';
import type { WorkerOptions } from './worker.ts';

export interface ServeOptions extends WorkerOptions {
  host?: string;
  insecureSkipVerify?: boolean;
  /** commander's `--no-worker` sets this to false. */
  worker?: boolean;
}

export const serveCommand: CliCommand<ServeOptions> = {
  name: 'serve',
  description: 'run the webhook service and the packaging worker in one process',
  options(command, flags) {
    flags.settings(flags.secretInputs(command), [...SERVE_SETTINGS, ...SERVICE_PORT_SETTINGS, ...SERVICE_HTTP_SETTINGS]);
    command.option('--host <host>', 'interface to listen on', '0.0.0.0');
    flags.secretTtl(command);
    command
      .option('--insecure-skip-verify', 'accept unsigned webhooks (local experiments only; refused in production)')
      .option('--no-worker', 'run only the webhook service (the worker runs elsewhere, as on AWS)');
  },
  load: async () => (await import('../serve.ts')).serve,
};
