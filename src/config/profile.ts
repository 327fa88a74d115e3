import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, UsageError } from '../errors/app-error.ts';
import { SECRET_FIELDS } from '../secret/fields.ts';
import type { Env } from './env.ts';
import { configDir } from './paths.ts';

/**
 * A profile holds settings and the secret's ARN or name: never secret values. Unknown
 * keys are refused so that a typo is caught rather than silently ignored.
 */
export const ProfileSchema = z.strictObject({
  secretArn: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  registry: z.string().min(1).optional(),
  packagePrefix: z.string().min(1).optional(),
  packageLinkKey: z.string().min(1).optional(),
  queue: z.string().min(1).optional(),
  packager: z.string().min(1).optional(),
  quiltCatalog: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  logLevel: z.string().min(1).optional(),
  benchlingApiUrl: z.string().min(1).optional(),
  benchlingJwksUrl: z.string().min(1).optional(),
  benchlingRateLimit: z.string().min(1).optional(),
  exportMaxDownload: z.union([z.string().min(1), z.number()]).optional(),
  exportMaxUncompressed: z.union([z.string().min(1), z.number()]).optional(),
  exportMaxFiles: z.number().int().optional(),
  exportMaxRatio: z.number().optional(),
  // The webhook service's HTTP limits: seconds (`20` or `"20s"`), and a connection count.
  httpHeadersTimeout: z.union([z.number(), z.string().min(1)]).optional(),
  httpBodyTimeout: z.union([z.number(), z.string().min(1)]).optional(),
  httpIdleTimeout: z.union([z.number(), z.string().min(1)]).optional(),
  httpMaxConnections: z.number().int().optional(),
  jobMaxFailures: z.number().int().optional(),
  workerConcurrency: z.number().int().optional(),
  jobDeadline: z.union([z.number(), z.string()]).optional(),
  // Stack settings, written by `init`; synth, deploy and validate fall back to them.
  awsProfile: z.string().min(1).optional(),
  stackName: z.string().min(1).optional(),
  /** An existing bucket to write packages into; absent means the stack creates one. */
  bucketName: z.string().min(1).optional(),
  /** The KMS key of the secret when it is not Secrets Manager's default; the tasks get kms:Decrypt on it. */
  secretKmsKeyArn: z.string().min(1).optional(),
  vpcId: z.string().min(1).optional(),
  subnetIds: z.array(z.string().min(1)).min(1).optional(),
  allowCidrs: z.array(z.string().min(1)).min(1).optional(),
});

export type Profile = z.infer<typeof ProfileSchema>;

export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function profilePath(name: string, env: Env): string {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError('PROFILE_NAME_INVALID', `profile name must be letters, digits, - and _ (at most 64)`);
  }
  return join(configDir(env), `${name}.json`);
}

/** undefined when the profile does not exist yet. */
export async function readProfile(name: string, env: Env): Promise<Profile | undefined> {
  const path = profilePath(name, env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('PROFILE_UNREADABLE', `cannot read profile ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('PROFILE_INVALID', `profile ${path} is not valid JSON: fix or delete it`);
  }
  const leaked = SECRET_FIELDS.map((f) => f.name).filter((f) => typeof json === 'object' && json !== null && f in json);
  if (leaked.length > 0) {
    throw new AppError(
      'PROFILE_HOLDS_SECRET',
      `profile ${path} holds ${leaked.join(', ')}: secret values never go in a profile; ` +
        'store them with `benchling-webhook secrets sync` and remove them from the file',
    );
  }
  const parsed = ProfileSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new AppError('PROFILE_INVALID', `profile ${path} is invalid: ${where}`);
  }
  return parsed.data;
}

/** Writes atomically with mode 0600: a crash leaves the old file or the new one, never half. */
export async function writeProfile(name: string, profile: Profile, env: Env): Promise<string> {
  const path = profilePath(name, env);
  const valid = ProfileSchema.parse(profile);
  await mkdir(configDir(env), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
  return path;
}

/** Read, change, write: the one way commands record something in a profile. */
export async function updateProfile(name: string, env: Env, change: (p: Profile) => Profile): Promise<string> {
  const current = (await readProfile(name, env)) ?? {};
  return writeProfile(name, change(current), env);
}
