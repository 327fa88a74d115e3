import type { Command } from 'commander';
import { SECRET_FIELDS } from '../../secret/fields.ts';
import type { CliCommand } from '../command.ts';
import type { CommonOptions } from '../shared-options.ts';

/** Every prompt of `init` has a flag, so that `init --yes` can do all of it from a script. */
export interface InitOptions extends CommonOptions {
  awsProfile?: string;
  bucketName?: string;
  newBucket?: boolean;
  packagePrefix?: string;
  packageLinkKey?: string;
  quiltCatalog?: string;
  quiltStack?: string;
  packager?: string;
  vpcId?: string;
  subnetIds?: string;
  newVpc?: boolean;
  allowCidrs?: string;
  benchlingApiUrl?: string;
  benchlingJwksUrl?: string;
  offline?: boolean;
  yes?: boolean;
}

/**
 * Elsewhere the separate secret flags are deprecated in favour of the stored secret; init is
 * where that secret is made, so for init they are the plain way to answer its questions.
 */
function describeSecretFieldFlags(command: Command): void {
  for (const field of SECRET_FIELDS) {
    const option = command.options.find((o) => o.long === field.flag);
    if (option) option.description = `the app's ${field.name} (env ${field.env})`;
  }
}

export const initCommand: CliCommand<InitOptions> = {
  name: 'init',
  description: 'set up a profile: AWS, the Benchling app, bucket, network; interactive, or --yes with flags',
  options(command, flags) {
    describeSecretFieldFlags(flags.secretInputs(command));
    command
      .option('--aws-profile <name>', "AWS profile (from ~/.aws/config or ~/.aws/credentials) for this profile's AWS calls")
      .option('--bucket-name <name>', 'write packages to this existing bucket')
      .option('--new-bucket', 'let the stack create the package bucket (the default)')
      .option('--package-prefix <prefix>', 'package names are <prefix>/<entry display id> (default benchling)')
      .option('--package-link-key <key>', 'metadata key that links packages to an entry (default experiment_id)')
      .option('--quilt-catalog <url>', 'Quilt catalog host or URL: its config.json and stack propose region, bucket and packager; also the host of canvas links ("none" removes it)')
      .option('--quilt-stack <name>', "the Quilt catalog's CloudFormation stack, when it cannot be found from the catalog")
      .option('--packager <queue>', 'Quilt packaging engine SQS queue URL, or "direct" to write packages without it (env PACKAGER)')
      .option('--vpc-id <id>', 'run in this existing VPC (with --subnet-ids)')
      .option('--subnet-ids <ids>', 'comma-separated private subnets of --vpc-id (at least two)')
      .option('--new-vpc', 'let the stack create its VPC (the default)')
      .option('--allow-cidrs <cidrs>', 'comma-separated source CIDRs allowed to call the endpoint; "none" for any source')
      .option('--benchling-api-url <url>', 'Benchling API base (env BENCHLING_API_URL; default https://{tenant}.benchling.com)')
      .option('--benchling-jwks-url <url>', 'app definition key set (env BENCHLING_JWKS_URL)');
    flags.offline(command, 'skip the checks that need the network; the secret is then not stored');
    command.option('--yes', "ask nothing: flags, then the profile's current values, then defaults");
    flags.json(command, 'print the written profile path and its settings as JSON');
  },
  load: async () => (await import('../init/wizard.ts')).init,
};
