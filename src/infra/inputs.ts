import type { Env } from '../config/env.ts';
import { DEFAULT_PROFILE, type Profile } from '../config/profile.ts';
import { resolveSettings, type SettingKey, type Settings, type SettingsInput } from '../config/settings.ts';
import { UsageError } from '../errors/app-error.ts';
import { SECRET_FIELDS, SECRETS_ENV, SECRETS_FLAG } from '../secret/fields.ts';
import { classifyWholeValue, selectSecretSource, type SecretFlags } from '../secret/source.ts';
import type { WebhookHttpLimits } from './benchling-webhook.ts';
import type { BenchlingWebhookStackProps } from './benchling-webhook-stack.ts';
import { chooseImage, type ImageChoice } from './image-choice.ts';
import { parseKmsKeyArn } from './kms-key-arn.ts';
import { parseSecretArn } from './secret-arn.ts';

/** Everything a synth can be told, as CLI flags (camelCase) or as CDK context keys of the same names. */
export interface StackInputValues extends SecretFlags {
  stackName?: string;
  vpcId?: string;
  /** Comma-separated, or a list. */
  subnetIds?: string | readonly string[];
  bucketName?: string;
  /** Comma-separated, or a list. */
  allowCidrs?: string | readonly string[];
  imageUri?: string;
  /** Build the Dockerfile even when this release names a published image. */
  buildImage?: boolean;
  alarmEmail?: string;
  /** The KMS key of the secret, when not Secrets Manager's default. */
  secretKmsKeyArn?: string;
  region?: string;
  account?: string;
}

export interface StackInputs {
  stackName: string;
  props: BenchlingWebhookStackProps;
  /** Where the secret's ARN came from, for the command's output. */
  secretSource: string;
  /** Where the containers' image comes from. */
  image: ImageChoice;
}

export interface StackInputContext {
  env: Env;
  profileName: string;
  profile: Profile | undefined;
  /** The image published with this release of the package, if it is one (see chooseImage). */
  releasedImage?: string;
}

export function defaultStackName(profileName: string): string {
  return profileName === DEFAULT_PROFILE ? 'BenchlingWebhookStack' : `BenchlingWebhookStack-${profileName}`;
}

const SYNC_HINT =
  'run `benchling-webhook secrets sync` once (it stores the secret in Secrets Manager and records its ARN in the profile), then synth again';

/**
 * The secret enters the stack only as its ARN. The older separate values and an inline or
 * file secret are refused, never turned into a secret inside the template: that is how the
 * incident's secret lost a field.
 */
export function resolveSecretArn(flags: SecretFlags, context: StackInputContext): { arn: string; source: string } {
  const source = selectSecretSource(flags, context.env, { name: context.profileName, secretRef: context.profile?.secretArn });
  switch (source.kind) {
    case 'separate': {
      const named = SECRET_FIELDS.filter((f) => f.name in source.values).map((f) => `${f.flag}/${f.env}`);
      throw new UsageError(
        'SYNTH_NEEDS_SECRET_ARN',
        `the stack takes the Benchling secret only by its ARN, not as separate values (${named.join(', ')}): ${SYNC_HINT}`,
      );
    }
    case 'none':
      throw new UsageError(
        'SYNTH_NEEDS_SECRET_ARN',
        `no Benchling secret ARN: pass ${SECRETS_FLAG} <arn>, set ${SECRETS_ENV}=<arn>, or ${SYNC_HINT}`,
      );
    case 'profile':
      return { arn: parseSecretArn(source.ref, `secretArn of profile ${source.profile}`).arn, source: `profile ${source.profile}` };
    case 'whole': {
      const where = source.origin === 'flag' ? SECRETS_FLAG : SECRETS_ENV;
      const value = classifyWholeValue(source.value, source.origin);
      if (value.form !== 'aws') {
        throw new UsageError('SYNTH_NEEDS_SECRET_ARN', `${where} holds the secret itself; the stack takes only its ARN: ${SYNC_HINT}`);
      }
      return { arn: parseSecretArn(value.id, where).arn, source: where };
    }
  }
}

function splitList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? value.split(',') : [...value];
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^[0-9a-f:]+:[0-9a-f:]*\/(\d{1,3})$/i;

export function checkCidr(cidr: string): void {
  const v4 = IPV4_CIDR.exec(cidr);
  const ok = v4
    ? v4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(v4[5]) <= 32
    : IPV6_CIDR.test(cidr) && Number(IPV6_CIDR.exec(cidr)?.[1]) <= 128;
  if (!ok) throw new UsageError('CIDR_INVALID', `allow-list entry ${cidr} is not a CIDR such as 203.0.113.0/24`);
}

function existingVpc(values: StackInputValues): BenchlingWebhookStackProps['existingVpc'] {
  const subnets = splitList(values.subnetIds);
  if (values.vpcId === undefined && subnets.length === 0) return undefined;
  if (values.vpcId === undefined) throw new UsageError('VPC_ID_MISSING', 'subnet ids were given without --vpc-id');
  if (subnets.length === 0) throw new UsageError('SUBNET_IDS_MISSING', '--vpc-id needs --subnet-ids: the private subnets (comma-separated) the tasks run in');
  return { vpcId: values.vpcId, privateSubnetIds: subnets };
}

/** What `init` recorded in the profile fills in the stack options that no flag or context gave. */
function withProfileStackValues(values: StackInputValues, profile: Profile | undefined): StackInputValues {
  if (!profile) return values;
  // A VPC and its subnets come as a pair: a --vpc-id flag never borrows the profile's subnets.
  const vpcFromFlags = values.vpcId !== undefined || values.subnetIds !== undefined;
  return {
    ...values,
    stackName: values.stackName ?? profile.stackName,
    vpcId: vpcFromFlags ? values.vpcId : profile.vpcId,
    subnetIds: vpcFromFlags ? values.subnetIds : profile.subnetIds,
    bucketName: values.bucketName ?? profile.bucketName,
    allowCidrs: values.allowCidrs ?? profile.allowCidrs,
    secretKmsKeyArn: values.secretKmsKeyArn ?? profile.secretKmsKeyArn,
  };
}

const EXPORT_LIMIT_KEYS = ['exportMaxDownload', 'exportMaxUncompressed', 'exportMaxFiles', 'exportMaxRatio'] as const;
const HTTP_LIMIT_KEYS = ['httpHeadersTimeout', 'httpBodyTimeout', 'httpIdleTimeout', 'httpMaxConnections'] as const;

/** Only the settings someone set (env or profile): the containers' own defaults cover the rest. */
function setByUser<K extends SettingKey>(keys: readonly K[], input: SettingsInput): Partial<Settings<K>> {
  const { values, origins } = resolveSettings(keys, input);
  const set: Partial<Settings<K>> = {};
  for (const key of keys) if (origins[key] !== 'default' && values[key] !== undefined) set[key] = values[key];
  return set;
}

/** The webhook container's HTTP limits that the environment or the profile set. */
function webhookHttpProps(input: SettingsInput): { http: WebhookHttpLimits } | undefined {
  const given = setByUser(HTTP_LIMIT_KEYS, input);
  const limits: WebhookHttpLimits = {
    headersTimeoutSeconds: given.httpHeadersTimeout,
    bodyTimeoutSeconds: given.httpBodyTimeout,
    idleTimeoutSeconds: given.httpIdleTimeout,
    maxConnections: given.httpMaxConnections,
  };
  return Object.values(limits).some((value) => value !== undefined) ? { http: limits } : undefined;
}

/** Flags (or context) > env > profile > the ARN itself, for the settings a stack needs. */
export function resolveStackInputs(given: StackInputValues, context: StackInputContext): StackInputs {
  const values = withProfileStackValues(given, context.profile);
  const secret = resolveSecretArn(values, context);
  const arn = parseSecretArn(secret.arn, secret.source);
  const keys = ['region', 'packagePrefix', 'packageLinkKey', 'quiltCatalog', 'logLevel', 'packager', 'jobMaxFailures'] as const;
  const fromEnvAndProfile: SettingsInput = { flags: {}, env: context.env, profile: context.profile };
  const { values: settings } = resolveSettings(keys, { ...fromEnvAndProfile, flags: { region: values.region } });
  const cidrs = splitList(values.allowCidrs);
  cidrs.forEach(checkCidr);
  const image = chooseImage(values, context.releasedImage);
  const account = values.account ?? context.env.CDK_DEFAULT_ACCOUNT ?? arn.account;
  if (!/^\d{12}$/.test(account)) throw new UsageError('ACCOUNT_INVALID', 'the AWS account must be 12 digits');
  const stackName = values.stackName ?? defaultStackName(context.profileName);
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new UsageError('STACK_NAME_INVALID', 'the stack name must start with a letter and hold only letters, digits and hyphens');
  }
  const props: BenchlingWebhookStackProps = {
    env: { account, region: settings.region ?? context.env.CDK_DEFAULT_REGION ?? arn.region },
    secretArn: arn.arn,
    secretKmsKeyArn: values.secretKmsKeyArn === undefined ? undefined : parseKmsKeyArn(values.secretKmsKeyArn, '--secret-kms-key-arn'),
    existingVpc: existingVpc(values),
    existingBucketName: values.bucketName,
    allowedSourceCidrs: cidrs.length > 0 ? cidrs : undefined,
    imageUri: image.uri,
    alarmEmail: values.alarmEmail,
    settings: {
      packagePrefix: settings.packagePrefix,
      packageLinkKey: settings.packageLinkKey,
      quiltCatalog: settings.quiltCatalog,
      logLevel: settings.logLevel,
      packager: settings.packager,
      ...setByUser(EXPORT_LIMIT_KEYS, fromEnvAndProfile),
      jobMaxFailures: settings.jobMaxFailures,
      ...setByUser(['workerConcurrency', 'jobDeadline'], fromEnvAndProfile),
    },
    webhook: webhookHttpProps(fromEnvAndProfile),
  };
  return { stackName, props, secretSource: secret.source, image };
}
