import { inferRegion, type AwsConfigFacts } from '../../config/aws-config.ts';
import type { Profile } from '../../config/profile.ts';
import { SETTINGS } from '../../config/settings.ts';
import { UsageError } from '../../errors/app-error.ts';
import { checkCidr } from '../../infra/inputs.ts';
import type { Env } from '../../config/env.ts';
import { parseS3Url } from '../../storage/s3-url.ts';
import type { InitOptions } from '../commands/init.ts';
import { answer, type AskMode, type Question } from './ask.ts';
import type { LiveChecks } from './checks.ts';
import type { VpcDirectory } from './vpcs.ts';

export type BucketAnswer = { kind: 'new' } | { kind: 'existing'; name: string };

export interface StackQuestionsInput {
  options: InitOptions;
  profile: Profile | undefined;
  env: Env;
  facts: AwsConfigFacts;
  mode: AskMode;
  checks: LiveChecks | undefined;
  /** undefined with --offline: ids are typed instead of chosen. */
  vpcDirectory: ((region: string, awsProfile: string | undefined) => VpcDirectory) | undefined;
}

type Problem = string | undefined;

export function problemOf(check: () => void): Problem {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function awsProfileQuestion(input: StackQuestionsInput): Question<string> {
  const { facts } = input;
  return {
    flag: '--aws-profile',
    given: input.options.awsProfile,
    current: input.profile?.awsProfile,
    required: false,
    format: (name) =>
      facts.profiles.includes(name)
        ? undefined
        : `AWS profile ${name} is not in ~/.aws/config or ~/.aws/credentials: run \`aws configure --profile ${name}\` or pick one of: ${facts.profiles.join(', ') || '(none)'}`,
    ask: async (prompter, current) => {
      if (facts.profiles.length === 0) return current;
      const none = { name: '(none: the AWS SDK default credentials)', value: '' };
      const chosen = await prompter.choose({
        message: 'AWS profile',
        choices: [...facts.profiles.map((p) => ({ name: p, value: p, description: facts.regions[p] })), none],
        default: current ?? input.env.AWS_PROFILE ?? (facts.profiles.includes('default') ? 'default' : ''),
      });
      return chosen === '' ? undefined : chosen;
    },
  };
}

export function regionQuestion(input: StackQuestionsInput, awsProfile: string | undefined): Question<string> & { required: true } {
  return {
    flag: '--region',
    given: input.options.region,
    current: input.profile?.region,
    fallback: inferRegion(input.env, input.facts, awsProfile),
    required: true,
    format: (region) => (REGION.test(region) ? undefined : 'give an AWS region such as us-east-1'),
    ask: (prompter, current, validate) => prompter.text({ message: 'AWS region', default: current, validate }),
  };
}

function givenBucket(options: InitOptions): BucketAnswer | undefined {
  if (options.newBucket && options.bucketName !== undefined) {
    throw new UsageError('INIT_FLAGS_CONFLICT', '--new-bucket and --bucket-name exclude each other: pass one');
  }
  if (options.newBucket) return { kind: 'new' };
  return options.bucketName === undefined ? undefined : { kind: 'existing', name: options.bucketName };
}

export function bucketQuestion(input: StackQuestionsInput, region: string): Question<BucketAnswer> & { required: true } {
  const { profile, checks } = input;
  const nameProblem = (name: string) => problemOf(() => parseS3Url(`s3://${name}`)) && `${name} is not an S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)`;
  return {
    flag: '--bucket-name <name> or --new-bucket',
    given: givenBucket(input.options),
    current: profile?.bucketName !== undefined ? { kind: 'existing', name: profile.bucketName } : undefined,
    fallback: { kind: 'new' },
    required: true,
    format: (bucket) => (bucket.kind === 'existing' ? nameProblem(bucket.name) : undefined),
    live: checks && (async (bucket) => (bucket.kind === 'existing' ? checks.bucket(bucket.name, region) : undefined)),
    ask: async (prompter, current, validate) => {
      const kind = await prompter.choose({
        message: 'Package bucket',
        choices: [
          { name: 'a new bucket, created by the stack', value: 'new' as const },
          { name: 'an existing bucket', value: 'existing' as const },
        ],
        default: current?.kind,
      });
      if (kind === 'new') return { kind };
      const name = await prompter.text({
        message: 'Existing bucket name',
        default: current?.kind === 'existing' ? current.name : undefined,
        validate: (value) => validate({ kind, name: value.trim() }),
      });
      return { kind, name: name.trim() };
    },
  };
}

function textQuestion(
  flag: string,
  message: string,
  given: string | undefined,
  current: string | undefined,
  fallback: string | undefined,
  format: (value: string) => Problem,
): Question<string> {
  return {
    flag,
    given,
    current,
    fallback,
    required: fallback !== undefined,
    format,
    ask: async (prompter, defaultValue, validate) => {
      const typed = (await prompter.text({ message, default: defaultValue, validate: (v) => (v.trim() === '' ? true : validate(v.trim())) })).trim();
      return typed === '' ? undefined : typed;
    },
  };
}

const PACKAGE_NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export async function packageSettings(input: StackQuestionsInput) {
  const { options, profile, mode } = input;
  const part = (what: string) => (value: string) => (PACKAGE_NAME_PART.test(value) ? undefined : `the ${what} must be letters, digits, ., _ and - (no /)`);
  const packagePrefix = await answer(
    textQuestion('--package-prefix', 'Package prefix (packages are <prefix>/<entry id>)', options.packagePrefix, profile?.packagePrefix, SETTINGS.packagePrefix.default, part('package prefix')),
    mode,
  );
  const packageLinkKey = await answer(
    textQuestion('--package-link-key', 'Metadata key that links packages to an entry', options.packageLinkKey, profile?.packageLinkKey, SETTINGS.packageLinkKey.default, part('link key')),
    mode,
  );
  return { packagePrefix, packageLinkKey };
}

export function cidrsQuestion(input: StackQuestionsInput): Question<string[]> & { required: true } {
  const parse = (text: string) => (/^\s*none\s*$/i.test(text) ? [] : splitList(text));
  return {
    flag: '--allow-cidrs',
    given: input.options.allowCidrs === undefined ? undefined : parse(input.options.allowCidrs),
    current: input.profile?.allowCidrs,
    fallback: [],
    required: true,
    format: (cidrs) => cidrs.map((c) => problemOf(() => checkCidr(c))).find((p) => p !== undefined),
    ask: async (prompter, current, validate) => {
      const typed = await prompter.text({
        message: 'Source CIDRs allowed to call the endpoint (comma-separated; Enter or "none" for any source)',
        default: current && current.length > 0 ? current.join(',') : undefined,
        validate: (v) => validate(parse(v)),
      });
      return parse(typed);
    },
  };
}

