import { updateProfile } from '../config/profile.ts';
import { describeChanges } from '../secret/diff.ts';
import { formatReport } from '../secret/report.ts';
import { defaultSecretName, writeSecret, type SecretWrite } from '../secret/write-secret.ts';
import { commandContext, resolveCommandSecret } from './command-context.ts';
import type { SyncOptions } from './commands/secrets.ts';
import { println, type CliIo } from './io.ts';

export interface SyncResult extends SecretWrite {
  profilePath: string;
}

function formatResult(result: SyncResult): string {
  const verb = { created: 'created', updated: 'updated', unchanged: 'already up to date:' }[result.action];
  const lines = [`${verb} secret ${result.name}`, `  arn:     ${result.arn}`, `  fields:  ${result.fields.join(', ')}`];
  if (result.action === 'updated') lines.push(`  changes: ${describeChanges(result.changes)} (new version is AWSCURRENT)`);
  lines.push(`  profile: secret ARN recorded in ${result.profilePath}`);
  return lines.join('\n');
}

/**
 * `secrets sync`: validate first, so nothing incomplete ever reaches AWS; then create the
 * secret or put a new version, and record its ARN in the profile for every later command.
 */
export async function secretsSync(options: SyncOptions, io: CliIo): Promise<number> {
  const context = await commandContext(options, io, { mayCreate: true });
  const resolved = await resolveCommandSecret(options, context, io);
  if (!resolved.secret) {
    println(io.stdout, options.json ? JSON.stringify({ written: false, report: resolved.report }) : formatReport(resolved.report));
    println(io.stderr, 'nothing was written: the secret is incomplete');
    return 1;
  }
  const target =
    options.secretName ?? resolved.input.aws?.arn ?? context.profile?.secretArn ?? defaultSecretName(options.profile);
  const written = await writeSecret(io.secretStore(context.region, context.profile?.awsProfile), target, resolved.secret, options.profile);
  const profilePath = await updateProfile(options.profile, io.env, (p) => ({ ...p, secretArn: written.arn }));
  const result: SyncResult = { ...written, profilePath };
  context.log.info({ action: result.action, arn: result.arn, fields: result.fields }, 'secret synced');
  println(io.stdout, options.json ? JSON.stringify(result) : formatResult(result));
  return 0;
}
