import type { CliCommand } from '../command.ts';
import { SERVE_SETTINGS, SERVICE_HTTP_SETTINGS, SERVICE_PORT_SETTINGS } from '../serve-settings.ts';
import type { ServeOptions } from './serve.ts';

export interface BackfillOptions extends ServeOptions {
  since?: string;
  project?: string;
  folder?: string;
  schema?: string;
  entry?: string[];
  dryRun?: boolean;
  maxWaiting?: string;
  json?: boolean;
  stack?: boolean;
  stackName?: string;
}

export const backfillCommand: CliCommand<BackfillOptions> = {
  name: 'backfill',
  description: 'package existing entries (all the app can read, or --since, --project, --folder, --schema, --entry), resumable, with progress and --dry-run',
  options(command, flags) {
    command
      .option('--since <date>', 'only entries modified after this date or RFC 3339 time (2024-01-01, 2024-01-01T12:00:00Z)')
      .option('--project <id>', 'only entries in this project')
      .option('--folder <id>', 'only entries in this folder')
      .option('--schema <id>', 'only entries of this entry schema')
      .option('--entry <ids...>', 'only these entries (ids, repeated or comma-separated)')
      .option('--dry-run', 'list and count the entries it would package; queue nothing')
      .option('--stack', "queue into the profile's deployed stack's SQS queue (its QueueUrl output); the stack's worker packages")
      .option('--stack-name <name>', 'with --stack: the stack (default the profile\'s)')
      .option('--max-waiting <n>', 'queue another entry only while fewer jobs than this wait in the queue, so live webhooks never wait behind the backfill', '4');
    flags.settings(flags.secretInputs(command), [...SERVE_SETTINGS, ...SERVICE_PORT_SETTINGS, ...SERVICE_HTTP_SETTINGS]);
    command.option('--host <host>', 'with the embedded queue: the interface the webhook service listens on meanwhile', '0.0.0.0');
    flags.secretTtl(command);
    flags.json(command, 'print the counts (and, with --dry-run, the entries) as JSON');
  },
  load: async () => (await import('../backfill.ts')).backfill,
};
