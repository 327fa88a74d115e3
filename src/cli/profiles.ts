import { listProfiles } from '../config/known-profiles.ts';
import { configDir } from '../config/paths.ts';
import { readProfile, type Profile } from '../config/profile.ts';
import { errorReason } from '../errors/error-reason.ts';
import type { ProfilesOptions } from './commands/profiles.ts';
import { println, type CliIo } from './io.ts';

interface ProfileLine {
  name: string;
  secretArn?: string;
  region?: string;
  stackName?: string;
  registry?: string;
  /** Why the profile could not be read, in place of its settings. */
  problem?: string;
}

/** What a profile points at: the settings that say which secret, where, and which stack. Never secret values (a profile holds none). */
function lineOf(name: string, profile: Profile | undefined): ProfileLine {
  const registry = profile?.registry ?? (profile?.bucketName ? `s3://${profile.bucketName}` : undefined);
  return {
    name,
    ...(profile?.secretArn && { secretArn: profile.secretArn }),
    ...(profile?.region && { region: profile.region }),
    ...(profile?.stackName && { stackName: profile.stackName }),
    ...(registry && { registry }),
  };
}

async function readLine(name: string, io: CliIo): Promise<ProfileLine> {
  try {
    return lineOf(name, await readProfile(name, io.env));
  } catch (error) {
    return { name, problem: errorReason(error) };
  }
}

/** `profiles`: every profile in the config dir, one line each; a broken one is listed with its problem, not skipped. */
export async function profiles(options: ProfilesOptions, io: CliIo): Promise<number> {
  const lines = await Promise.all((await listProfiles(io.env)).map((name) => readLine(name, io)));
  if (options.json) {
    println(io.stdout, JSON.stringify({ dir: configDir(io.env), profiles: lines }));
    return 0;
  }
  if (lines.length === 0) {
    println(io.stdout, `no profiles in ${configDir(io.env)}: create one with \`benchling-webhook init\``);
    return 0;
  }
  println(io.stdout, `profiles in ${configDir(io.env)}:`);
  const width = Math.max(...lines.map((l) => l.name.length));
  for (const line of lines) {
    const parts = line.problem
      ? [`unreadable: ${line.problem}`]
      : [`secret ${line.secretArn ?? '(none: run secrets sync)'}`, `region ${line.region ?? '(AWS_REGION)'}`, ...(line.stackName ? [`stack ${line.stackName}`] : []), ...(line.registry ? [`registry ${line.registry}`] : [])];
    println(io.stdout, `  ${line.name.padEnd(width)}  ${parts.join(', ')}`);
  }
  return 0;
}
