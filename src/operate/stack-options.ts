import type { Command } from 'commander';

/** The options every command on the profile's deployed stack shares: which stack, where. */
export function addStackOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'profile whose stack this is', 'default')
    .option('--region <region>', 'AWS region (env AWS_REGION, else the profile region)')
    .option('--stack-name <name>', 'stack name (default BenchlingWebhookStack, or BenchlingWebhookStack-<profile>)')
    .option('--json', 'print machine-readable JSON');
}
