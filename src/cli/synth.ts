import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readProfile } from '../config/profile.ts';
import { describeImage } from '../infra/image-choice.ts';
import type { StackInputValues } from '../infra/inputs.ts';
import { println, type CliIo } from './io.ts';
import type { CommonOptions } from './secret-options.ts';
import { RELEASED_IMAGE } from './version.ts';

export interface SynthOptions extends CommonOptions, StackInputValues {
  out: string;
  /** Commander's `--no-cfn-validation` sets this to false. */
  cfnValidation: boolean;
  region?: string;
}

/** The stack's options; the secret options (`--benchling-secrets`, `--profile`, `--region`) come from addSecretOptions. */
export function addSynthOptions(command: Command): Command {
  return command
    .option('--out <dir>', 'where to write the CloudFormation template(s) and assets', 'cdk.out')
    .option('--stack-name <name>', 'stack name (default BenchlingWebhookStack, or BenchlingWebhookStack-<profile>)')
    .option('--account <id>', 'AWS account to deploy to (default the secret ARN\'s account)')
    .option('--vpc-id <id>', 'use this existing VPC instead of a new one (with --subnet-ids)')
    .option('--subnet-ids <ids>', 'comma-separated private subnets of the existing VPC (at least two AZs)')
    .option('--bucket-name <name>', 'write packages to this existing bucket instead of a new one')
    .option('--allow-cidrs <cidrs>', 'comma-separated source CIDRs allowed to call the endpoint (default any)')
    .option('--image-uri <uri>', 'run this image instead of building the Dockerfile at deploy time')
    .option('--build-image', 'build the Dockerfile with Docker at deploy time even when this release names a published image')
    .option('--alarm-email <address>', 'mail the alarms to this address')
    .option('--secret-kms-key-arn <arn>', "the KMS key the Benchling secret is encrypted with, when not Secrets Manager's default")
    .option('--no-cfn-validation', "skip CloudFormation's schema validation (about 10 s faster)")
    .option('--json', 'print the result as JSON');
}

/**
 * `synth`: writes the template offline, with no AWS credentials. It needs only the secret's
 * ARN; every rule (cdk-nag and the project's) runs, and any violation fails the command.
 */
export async function synth(options: SynthOptions, io: CliIo): Promise<number> {
  // Inputs first: a refused secret input comes back before aws-cdk-lib is loaded.
  const { resolveStackInputs } = await import('../infra/inputs.ts');
  const profile = await readProfile(options.profile, io.env);
  const inputs = resolveStackInputs(options, { env: io.env, profileName: options.profile, profile, releasedImage: RELEASED_IMAGE });
  const [{ synthesize }, { listAcknowledgements }] = await Promise.all([import('../infra/synthesize.ts'), import('../infra/acknowledge.ts')]);
  const outdir = resolve(options.out);
  const result = synthesize({ ...inputs, outdir, cloudFormationValidation: options.cfnValidation !== false });
  const acknowledged = listAcknowledgements(result.app);
  const env = inputs.props.env ?? {};
  if (options.json) {
    println(
      io.stdout,
      JSON.stringify({
        stackName: inputs.stackName,
        account: env.account,
        region: env.region,
        secretArn: inputs.props.secretArn,
        secretSource: inputs.secretSource,
        outdir,
        template: result.templatePath,
        image: inputs.image,
        acknowledgements: acknowledged,
      }),
    );
    return 0;
  }
  println(io.stdout, `${inputs.stackName} (${env.account ?? '?'}/${env.region ?? '?'}) → ${result.templatePath}`);
  println(io.stdout, `secret: ${inputs.props.secretArn} (from ${inputs.secretSource}); no secret value is in the template`);
  println(io.stdout, `image: ${describeImage(inputs.image)}`);
  println(io.stdout, `rules: cdk-nag AwsSolutions and the Benchling rules passed; ${acknowledged.length} findings acknowledged, each with its reason`);
  return 0;
}
