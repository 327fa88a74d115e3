/**
 * The CDK app for direct `cdk synth` / `cdk deploy` users:
 *
 *   npx cdk --app "npx tsx src/infra/app.ts" synth -c profile=prod
 *
 * It goes through the same secret contract as `benchling-webhook synth`: the secret's ARN
 * from context `benchlingSecrets`, env BENCHLING_SECRETS or the profile; the older separate
 * values stop synth with the way to fix it. Other context keys: stackName, vpcId, subnetIds,
 * bucketName, allowCidrs, imageUri, alarmEmail, region, account.
 */
import { App } from 'aws-cdk-lib';
import { DEFAULT_PROFILE, readProfile } from '../config/profile.ts';
import { AppError } from '../errors/app-error.ts';
import { addBenchlingStack } from './build-app.ts';
import { contextInputValues } from './app-context.ts';
import { resolveStackInputs } from './inputs.ts';

async function main(): Promise<void> {
  // No autoSynth: a refused input must not leave an empty assembly behind.
  const app = new App({ autoSynth: false });
  const profileName = String(app.node.tryGetContext('profile') ?? DEFAULT_PROFILE);
  const profile = await readProfile(profileName, process.env);
  const inputs = resolveStackInputs(contextInputValues((key) => app.node.tryGetContext(key)), { env: process.env, profileName, profile });
  addBenchlingStack(app, inputs);
  app.synth();
}

try {
  await main();
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  process.stderr.write(`error [${error.code}]: ${error.message}\n`);
  process.exitCode = error.exitCode;
}
