import type { CliCommand } from '../command.ts';

export interface DemoOptions {
  registry?: string;
  timeout: string;
}

export const demoCommand: CliCommand<DemoOptions> = {
  name: 'demo',
  description: 'run the whole chain locally: a simulated Benchling tenant, the service and worker, one signed entry event',
  options(command) {
    command
      .option('--registry <dir>', 'where to write the package (default: a new temporary directory)')
      .option('--timeout <seconds>', 'give up waiting for the package after this long', '15');
  },
  load: async () => (await import('../demo.ts')).demo,
};
