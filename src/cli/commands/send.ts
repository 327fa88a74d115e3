import type { CliCommand } from '../command.ts';

export interface SendOptions {
  event: string;
  button?: string;
  url: string;
  sandbox: string;
  entry?: string;
  canvas?: string;
  json?: boolean;
}

export const sendCommand: CliCommand<SendOptions> = {
  name: 'send',
  description:
    'sign and post an event to a service as Benchling would (entry-created, entry-updated, canvas-initialized, canvas-created, click BUTTON, app-installed), through a running sandbox',
  options(command, flags) {
    command
      .argument('<event>', 'entry-created, entry-updated, canvas-initialized, canvas-created, click, app-installed')
      .argument('[button]', 'for click: the button, by its text ("Browse files") or id')
      .option('--url <url>', "the service's webhook base URL; one not on this machine gets only what needs no Benchling key", 'http://127.0.0.1:8080')
      .option('--sandbox <url>', 'the sandbox tenant that signs (benchling-webhook sandbox)', 'http://127.0.0.1:7070')
      .option('--entry <id>', "the sandbox entry: its display id (EXP…) or id (default the sandbox's first entry)")
      .option('--canvas <id>', "for click: the canvas (default the entry's newest canvas)");
    flags.json(command, 'print what was sent and the answer as JSON');
  },
  load: async () => (await import('../send.ts')).send,
};
