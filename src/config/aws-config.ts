import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { Env } from './env.ts';

/** What the AWS SDK's own config files say: the profile names and each profile's region. */
export interface AwsConfigFacts {
  profiles: string[];
  regions: Record<string, string>;
}

type IniData = Record<string, Record<string, string | undefined> | undefined>;

// The loader keys `[sso-session x]` and `[services x]` sections as `sso-session.x`, `services.x`.
const NOT_A_PROFILE = /^(sso-session|services)\./;

/** Pure: the profile names of ~/.aws/config and ~/.aws/credentials, sorted, `default` first. */
export function awsConfigFacts(configFile: IniData, credentialsFile: IniData): AwsConfigFacts {
  const all = [...Object.keys(configFile), ...Object.keys(credentialsFile)];
  const names = new Set(all.filter((name) => !NOT_A_PROFILE.test(name)));
  const profiles = [...names].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
  const regions: Record<string, string> = {};
  for (const name of profiles) {
    const region = configFile[name]?.region ?? credentialsFile[name]?.region;
    if (region) regions[name] = region;
  }
  return { profiles, regions };
}

/**
 * Reads the files the SDK would read (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE from the
 * command's env). Missing or unreadable files mean no profiles, not a failure: init then
 * asks instead of offering choices.
 */
export async function loadAwsConfigFacts(env: Env): Promise<AwsConfigFacts> {
  try {
    const files = await loadSharedConfigFiles({
      filepath: env.AWS_SHARED_CREDENTIALS_FILE,
      configFilepath: env.AWS_CONFIG_FILE,
      ignoreCache: true,
    });
    return awsConfigFacts(files.configFile, files.credentialsFile);
  } catch {
    return { profiles: [], regions: {} };
  }
}

/** The region the SDK would use for this profile: AWS_REGION, AWS_DEFAULT_REGION, then the profile's own. */
export function inferRegion(env: Env, facts: AwsConfigFacts, awsProfile: string | undefined): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || facts.regions[awsProfile ?? env.AWS_PROFILE ?? 'default'];
}
