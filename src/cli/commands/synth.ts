import type { StackInputValues } from '../../infra/inputs.ts';
import type { CliCommand } from '../command.ts';
import type { CommonOptions } from '../shared-options.ts';

export interface SynthOptions extends CommonOptions, StackInputValues {
  out: string;
  /** Commander's `--no-cfn-validation` sets this to false. */
  cfnValidation: boolean;
  region?: string;
}

export const synthCommand: CliCommand<SynthOptions> = {
  name: 'synth',
  description: 'write the CloudFormation template(s) to --out DIR, offline; needs only the secret ARN',
  options(command, flags) {
    flags.stackInputs(flags.secretInputs(command), 'cdk.out');
  },
  load: async () => (await import('../synth.ts')).synth,
};
