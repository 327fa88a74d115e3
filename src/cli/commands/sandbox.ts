import type { CliCommand } from '../command.ts';

export interface SandboxOptions {
  port: string;
  host: string;
  appUrl: string;
  writeSecret?: string;
}

/** Fixed, so the commands the sandbox prints (and the README's walkthrough) stay the same. */
export const SANDBOX_DEFAULT_PORT = '7070';
/** Where `serve` listens by default: the app's webhook URL unless --app-url says otherwise. */
export const LOCAL_SERVE_URL = 'http://127.0.0.1:8080';

export const sandboxCommand: CliCommand<SandboxOptions> = {
  name: 'sandbox',
  description: 'run a simulated Benchling tenant (entries, exports, canvases, a canvas page) for a local serve, until Ctrl-C',
  options(command) {
    command
      .option('--port <port>', 'port to listen on (0: any free port)', SANDBOX_DEFAULT_PORT)
      .option('--host <host>', 'interface to listen on', '127.0.0.1')
      .option('--app-url <url>', "the app's webhook base URL: where canvas clicks and `send` deliver", LOCAL_SERVE_URL)
      .option('--write-secret <file>', 'also write the simulated secret to this file (mode 0600), for serve --benchling-secrets @file');
  },
  load: async () => (await import('../sandbox.ts')).sandbox,
};
