import type { Command } from 'commander';
import { readProfile, type Profile } from '../config/profile.ts';
import { resolveSettings } from '../config/settings.ts';
import { SecretRedactor } from '../secret/redact.ts';
import { resolveSecret, type ResolvedSecret } from '../secret/resolve.ts';
import { DEPRECATION_NOTICE, type SecretFlags } from '../secret/source.ts';
import { SECRET_FIELDS, SECRETS_ENV, SECRETS_FLAG } from '../secret/fields.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { println, type CliIo } from './io.ts';

export interface CommonOptions extends SecretFlags {
  profile: string;
  region?: string;
  json?: boolean;
}

/** The same secret inputs on every command that needs the secret (DESIGN.md "CLI"). */
export function addSecretOptions(command: Command): Command {
  command.option(
    `${SECRETS_FLAG} <value>`,
    `the secret: inline JSON, @file, or a Secrets Manager ARN or name (env ${SECRETS_ENV})`,
  );
  for (const field of SECRET_FIELDS) {
    command.option(`${field.flag} <value>`, `deprecated: ${field.name} alone (env ${field.env})`);
  }
  return command
    .option('--profile <name>', 'profile to read and record settings in', 'default')
    .option('--region <region>', 'AWS region (env AWS_REGION)');
}

export interface CommandContext {
  profile: Profile | undefined;
  region: string | undefined;
  redactor: SecretRedactor;
  log: Logger;
}

export async function commandContext(options: CommonOptions, io: CliIo): Promise<CommandContext> {
  const profile = await readProfile(options.profile, io.env);
  const { values } = resolveSettings(['region'], { flags: { region: options.region }, env: io.env, profile });
  const redactor = new SecretRedactor();
  // The CLI's own results go to stdout; its log lines are for debugging and stay quiet by default.
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn', destination: io.logs, redactor });
  return { profile, region: values.region, redactor, log };
}

export async function resolveCommandSecret(
  options: CommonOptions,
  context: CommandContext,
  io: CliIo,
): Promise<ResolvedSecret> {
  const resolved = await resolveSecret(
    { flags: options, env: io.env, profile: { name: options.profile, secretRef: context.profile?.secretArn } },
    { readFile: io.readFile, secretStore: () => io.secretStore(context.region, context.profile?.awsProfile) },
  );
  context.redactor.remember(resolved.input.raw);
  if (resolved.deprecated) println(io.stderr, DEPRECATION_NOTICE);
  context.log.debug({ source: resolved.report.source.label, complete: resolved.report.complete }, 'secret resolved');
  return resolved;
}
