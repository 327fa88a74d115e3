import type { Command } from 'commander';
import { SETTINGS, settingDefaultText, settingFlag, type SettingKey } from '../config/settings.ts';
import { SECRET_FIELDS, SECRETS_ENV, SECRETS_FLAG } from '../secret/fields.ts';
import type { SecretFlags } from '../secret/source.ts';

/**
 * The flags several commands take, each spelt, typed and defaulted here once; a command says
 * what the flag means for it where that differs (what `--json` prints, whose `--profile`).
 * Loaded only when the command line names a command: the settings' schemas are no small load.
 */

/** What every command that reads the profile and may need the secret is given. */
export interface CommonOptions extends SecretFlags {
  profile: string;
  region?: string;
  json?: boolean;
}

export function profile(command: Command, description: string): Command {
  return command.option('--profile <name>', description, 'default');
}

export function region(command: Command, description: string): Command {
  return command.option('--region <region>', description);
}

export function json(command: Command, description: string): Command {
  return command.option('--json', description);
}

export function offline(command: Command, description: string): Command {
  return command.option('--offline', description);
}

/** The same secret inputs on every command that needs the secret (DESIGN.md "CLI"), then --profile and --region. */
export function secretInputs(command: Command): Command {
  command.option(`${SECRETS_FLAG} <value>`, `the secret: inline JSON, @file, or a Secrets Manager ARN or name (env ${SECRETS_ENV})`);
  for (const field of SECRET_FIELDS) {
    command.option(`${field.flag} <value>`, `deprecated: ${field.name} alone (env ${field.env})`);
  }
  return region(profile(command, 'profile to read and record settings in'), 'AWS region (env AWS_REGION)');
}

export function secretName(command: Command): Command {
  return command.option('--secret-name <name>', 'Secrets Manager name to write (default benchling-webhook/<profile>)');
}

export function secretKmsKeyArn(command: Command): Command {
  return command.option('--secret-kms-key-arn <arn>', "the KMS key the Benchling secret is encrypted with, when not Secrets Manager's default");
}

export function secretTtl(command: Command): Command {
  return command.option('--secret-ttl <seconds>', 're-read the secret this often', '60');
}

/** Runtime settings as flags named after their env vars (REGISTRY → --registry). */
export function settings(command: Command, keys: readonly SettingKey[]): Command {
  for (const key of keys) {
    const fallback = settingDefaultText(key);
    command.option(`${settingFlag(key)} <value>`, `env ${SETTINGS[key].env}${fallback === undefined ? '' : `, default ${fallback}`}`);
  }
  return command;
}

/**
 * The stack's inputs, as `synth` writes the template and `deploy` deploys it. `outDefault`:
 * synth writes to ./cdk.out; a deploy or its plan to a temporary directory unless --out names one.
 */
export function stackInputs(command: Command, outDefault: string | undefined): Command {
  command
    .option('--out <dir>', 'where to write the CloudFormation template(s) and assets', outDefault)
    .option('--stack-name <name>', 'stack name (default BenchlingWebhookStack, or BenchlingWebhookStack-<profile>)')
    .option('--account <id>', "AWS account to deploy to (default the secret ARN's account)")
    .option('--vpc-id <id>', 'use this existing VPC instead of a new one (with --subnet-ids)')
    .option('--subnet-ids <ids>', 'comma-separated private subnets of the existing VPC (at least two AZs)')
    .option('--bucket-name <name>', 'write packages to this existing bucket instead of a new one')
    .option('--allow-cidrs <cidrs>', 'comma-separated source CIDRs allowed to call the endpoint (default any)')
    .option('--image-uri <uri>', 'run this image instead of building the Dockerfile at deploy time')
    .option('--build-image', 'build the Dockerfile with Docker at deploy time even when this release names a published image')
    .option('--alarm-email <address>', 'mail the alarms to this address');
  secretKmsKeyArn(command).option('--no-cfn-validation', "skip CloudFormation's schema validation (about 10 s faster)");
  return json(command, 'print the result as JSON');
}

/** The commands on the profile's deployed stack: which stack, where. */
export function stackTarget(command: Command): Command {
  region(profile(command, 'profile whose stack this is'), 'AWS region (env AWS_REGION, else the profile region)');
  command.option('--stack-name <name>', 'stack name (default BenchlingWebhookStack, or BenchlingWebhookStack-<profile>)');
  return json(command, 'print machine-readable JSON');
}
