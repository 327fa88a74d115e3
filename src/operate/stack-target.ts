import { readNamedProfile } from '../config/known-profiles.ts';
import type { Profile } from '../config/profile.ts';
import { resolveSettings } from '../config/settings.ts';
import { defaultStackName } from '../infra/inputs.ts';
import type { Env } from '../config/env.ts';
import type { AwsTarget } from './aws-clients.ts';

export interface StackTargetOptions {
  profile: string;
  region?: string;
  stackName?: string;
}

export interface StackTarget extends AwsTarget {
  stackName: string;
  profileName: string;
  profile: Profile | undefined;
}

/** The profile's stack: --stack-name > the profile's stackName > the name deploy gives it; region --region > AWS_REGION > profile. */
export async function resolveStackTarget(options: StackTargetOptions, env: Env): Promise<StackTarget> {
  const profile = await readNamedProfile(options.profile, env);
  const { values } = resolveSettings(['region'], { flags: { region: options.region }, env, profile });
  return {
    stackName: options.stackName ?? profile?.stackName ?? defaultStackName(options.profile),
    profileName: options.profile,
    profile,
    region: values.region,
    awsProfile: profile?.awsProfile,
  };
}
