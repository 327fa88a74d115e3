import { resolve } from 'node:path';
import { readNamedProfile } from '../config/known-profiles.ts';
import { describeImage } from '../infra/image-choice.ts';
import type { SynthOptions } from './commands/synth.ts';
import { println, type CliIo } from './io.ts';
import { assertOutputDirectory } from './output-directory.ts';
import { RELEASED_IMAGE } from './version.ts';

/**
 * `synth`: writes the template offline, with no AWS credentials. It needs only the secret's
 * ARN; every rule (cdk-nag and the project's) runs, and any violation fails the command.
 */
export async function synth(options: SynthOptions, io: CliIo): Promise<number> {
  // Inputs first: a refused secret input comes back before aws-cdk-lib is loaded.
  const { resolveStackInputs } = await import('../infra/inputs.ts');
  const profile = await readNamedProfile(options.profile, io.env);
  const inputs = resolveStackInputs(options, { env: io.env, profileName: options.profile, profile, releasedImage: RELEASED_IMAGE });
  const outdir = resolve(options.out);
  await assertOutputDirectory(outdir);
  const [{ synthesize }, { listAcknowledgements }] = await Promise.all([import('../infra/synthesize.ts'), import('../infra/acknowledge.ts')]);
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
