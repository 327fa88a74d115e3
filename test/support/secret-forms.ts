import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeProfile } from '../../src/config/profile.ts';
import { SECRET_FIELDS } from '../../src/secret/fields.ts';
import type { SecretsManagerFake } from './secrets-manager-fake.ts';

/** A secret as a user might hold it: any subset of fields, any extra keys. */
export type RawSecret = Record<string, string>;

export interface FormContext {
  fake: SecretsManagerFake;
  dir: string;
  /** Unique per call: file, secret and profile names. */
  id: string;
  /** The env every run gets: XDG dirs and the fake's endpoint. */
  baseEnv: Record<string, string>;
}

export interface PreparedInput {
  argv: string[];
  env: Record<string, string>;
}

export interface SecretForm {
  name: string;
  /** The form cannot carry keys beyond the four fields. */
  fieldsOnly?: true;
  prepare(secret: RawSecret, ctx: FormContext): Promise<PreparedInput>;
}

async function secretFile(secret: RawSecret, ctx: FormContext): Promise<string> {
  const path = join(ctx.dir, `${ctx.id}.json`);
  await writeFile(path, JSON.stringify(secret), { mode: 0o600 });
  return path;
}

function inAws(secret: RawSecret, ctx: FormContext): { arn: string; name: string } {
  // Seeded behind the CLI's back: a secret someone else wrote, possibly incomplete.
  return ctx.fake.seed(`stored/${ctx.id}`, JSON.stringify(secret));
}

/** Every input form DESIGN.md lists, each built from the same raw secret. */
export const SECRET_FORMS: SecretForm[] = [
  {
    name: 'inline JSON flag',
    prepare: async (s, ctx) => ({ argv: ['--benchling-secrets', JSON.stringify(s)], env: ctx.baseEnv }),
  },
  {
    name: 'inline JSON env',
    prepare: async (s, ctx) => ({ argv: [], env: { ...ctx.baseEnv, BENCHLING_SECRETS: JSON.stringify(s) } }),
  },
  {
    name: '@file flag',
    prepare: async (s, ctx) => ({ argv: ['--benchling-secrets', `@${await secretFile(s, ctx)}`], env: ctx.baseEnv }),
  },
  {
    name: '@file env',
    prepare: async (s, ctx) => ({ argv: [], env: { ...ctx.baseEnv, BENCHLING_SECRETS: `@${await secretFile(s, ctx)}` } }),
  },
  {
    name: 'ARN flag',
    prepare: async (s, ctx) => ({ argv: ['--benchling-secrets', inAws(s, ctx).arn], env: ctx.baseEnv }),
  },
  {
    name: 'secret name env',
    prepare: async (s, ctx) => ({ argv: [], env: { ...ctx.baseEnv, BENCHLING_SECRETS: inAws(s, ctx).name } }),
  },
  {
    name: 'separate flags',
    fieldsOnly: true,
    prepare: async (s, ctx) => ({
      argv: SECRET_FIELDS.filter((f) => f.name in s).flatMap((f) => [f.flag, s[f.name]!]),
      env: ctx.baseEnv,
    }),
  },
  {
    name: 'separate env vars',
    fieldsOnly: true,
    prepare: async (s, ctx) => ({
      argv: [],
      env: { ...ctx.baseEnv, ...Object.fromEntries(SECRET_FIELDS.filter((f) => f.name in s).map((f) => [f.env, s[f.name]!])) },
    }),
  },
  {
    name: 'profile',
    prepare: async (s, ctx) => {
      const profile = `p-${ctx.id}`;
      await writeProfile(profile, { secretArn: inAws(s, ctx).arn }, ctx.baseEnv);
      return { argv: ['--profile', profile], env: ctx.baseEnv };
    },
  },
];
