import { readNamedProfile } from '../config/known-profiles.ts';
import { readProfile, type Profile } from '../config/profile.ts';
import { resolveSettings } from '../config/settings.ts';
import { SecretRedactor } from '../secret/redact.ts';
import { resolveSecret, type ResolvedSecret } from '../secret/resolve.ts';
import { DEPRECATION_NOTICE } from '../secret/source.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { println, type CliIo } from './io.ts';
import type { CommonOptions } from './shared-options.ts';

/** What a command that reads the profile works with: the profile, its region, and a log that never shows a secret. */
export interface CommandContext {
  profile: Profile | undefined;
  region: string | undefined;
  redactor: SecretRedactor;
  log: Logger;
}

/** `mayCreate`: the command records into the profile (`secrets sync`), so a new name is fine. */
export async function commandContext(options: CommonOptions, io: CliIo, { mayCreate = false } = {}): Promise<CommandContext> {
  const profile = mayCreate ? await readProfile(options.profile, io.env) : await readNamedProfile(options.profile, io.env);
  const { values } = resolveSettings(['region'], { flags: { region: options.region }, env: io.env, profile });
  const redactor = new SecretRedactor();
  // The CLI's own results go to stdout; its log lines are for debugging and stay quiet by default.
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn', destination: io.logs, redactor });
  return { profile, region: values.region, redactor, log };
}

/** The secret from the command's inputs (flags > env > profile); its values are remembered by the redactor at once. */
export async function resolveCommandSecret(
  options: CommonOptions,
  context: CommandContext,
  io: CliIo,
  { offline = false } = {},
): Promise<ResolvedSecret> {
  // Offline, a secret kept in Secrets Manager is named but not read: nothing goes over the network.
  const resolved = await resolveSecret(
    { flags: options, env: io.env, profile: { name: options.profile, secretRef: context.profile?.secretArn } },
    { readFile: io.readFile, secretStore: () => io.secretStore(context.region, context.profile?.awsProfile) },
    { readAws: !offline },
  );
  context.redactor.remember(resolved.input.raw);
  if (resolved.deprecated) println(io.stderr, DEPRECATION_NOTICE);
  context.log.debug({ source: resolved.report.source.label, complete: resolved.report.complete }, 'secret resolved');
  return resolved;
}
