import { readdir } from 'node:fs/promises';
import { UsageError } from '../errors/app-error.ts';
import type { Env } from './env.ts';
import { configDir } from './paths.ts';
import { DEFAULT_PROFILE, readProfile, type Profile } from './profile.ts';

/** The names of the profiles in the config dir, sorted; none when the dir does not exist yet. */
export async function listProfiles(env: Env): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(configDir(env));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/**
 * The profile a command was pointed at. `default` may be absent (every setting then has its
 * default), but a profile named with --profile that does not exist is a typo or a missing
 * `init`: going on with defaults would check, deploy or serve something else than meant.
 */
export async function readNamedProfile(name: string, env: Env): Promise<Profile | undefined> {
  const profile = await readProfile(name, env);
  if (profile !== undefined || name === DEFAULT_PROFILE) return profile;
  const known = await listProfiles(env);
  const list = known.length === 0 ? 'there are none yet' : `known profiles: ${known.join(', ')}`;
  throw new UsageError(
    'PROFILE_NOT_FOUND',
    `no profile "${name}" in ${configDir(env)} (${list}; \`benchling-webhook profiles\` lists them): check --profile, or create it with \`benchling-webhook init --profile ${name}\``,
  );
}
