import { loadAwsConfigFacts } from '../../config/aws-config.ts';
import { readProfile, updateProfile, type Profile } from '../../config/profile.ts';
import { resolveSettings } from '../../config/settings.ts';
import { AppError, UsageError } from '../../errors/app-error.ts';
import { describeChanges } from '../../secret/diff.ts';
import { SECRET_FIELDS, SECRETS_ENV } from '../../secret/fields.ts';
import { parseSecretJson, readSecretInput } from '../../secret/read-input.ts';
import type { BenchlingSecret } from '../../secret/schema.ts';
import type { SecretStore } from '../../secret/secret-store.ts';
import { selectSecretSource } from '../../secret/source.ts';
import { defaultSecretName, writeSecret, type SecretWrite } from '../../secret/write-secret.ts';
import type { InitOptions } from '../commands/init.ts';
import { println, type CliIo } from '../io.ts';
import { answer, answerRequired, type AskMode } from './ask.ts';
import { liveChecks } from './checks.ts';
import { profileFromAnswers, type InitAnswers } from './profile.ts';
import type { Prompter } from './prompter.ts';
import { answerCatalog, answerPackager, describeOutcome, discoverQuilt, discoveryOutcome, quiltDiscoveryDeps, withProposals, type QuiltDiscoveryDeps } from './quilt-question.ts';
import { describeProposals } from './quilt-discovery.ts';
import { askSecret, type SecretAnswer, type SecretParts } from './secret.ts';
import { awsProfileQuestion, bucketQuestion, cidrsQuestion, packageSettings, regionQuestion, type StackQuestionsInput } from './stack-questions.ts';
import { vpcQuestion } from './vpc-question.ts';
import { ec2VpcDirectory, type VpcDirectory } from './vpcs.ts';

/** What init needs from outside itself; tests pass streams-driven prompts and the loopback fakes. */
export interface InitDeps {
  /** undefined under --yes: nothing is asked. */
  prompter: Prompter | undefined;
  vpcDirectory(region: string, awsProfile: string | undefined): VpcDirectory;
  secretStore(region: string, awsProfile: string | undefined): SecretStore;
  /** The Quilt catalog and its CloudFormation stack; absent means the real ones. */
  quilt?: QuiltDiscoveryDeps;
}

type SecretOutcome =
  | { stored: 'kept'; arn: string }
  | { stored: 'written'; write: SecretWrite }
  | { stored: 'not-stored'; arn: string | undefined };

function pickFields(raw: unknown): SecretParts {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const parts: SecretParts = {};
  for (const { name } of SECRET_FIELDS) {
    const value = record[name];
    if (typeof value === 'string' && value.trim() !== '') parts[name] = value;
  }
  return parts;
}

/** The secret input forms of every other command, without the deprecation notice: for init the separate flags are the natural input. */
async function givenSecret(options: InitOptions, io: CliIo, store: () => SecretStore): Promise<{ parts: SecretParts; arn?: string }> {
  const source = selectSecretSource(options, io.env);
  if (source.kind === 'none') return { parts: {} };
  if (source.kind === 'separate') return { parts: source.values };
  const input = await readSecretInput(source, { readFile: io.readFile, secretStore: store });
  return { parts: pickFields(input.raw), arn: input.aws?.arn };
}

async function storedSecret(arn: string, store: SecretStore, say: (text: string) => void): Promise<SecretParts | undefined> {
  try {
    const stored = await store.read(arn);
    return stored.secretString === undefined ? undefined : pickFields(parseSecretJson(stored.secretString, `the secret ${arn}`));
  } catch (error) {
    say(`could not read the stored secret (${error instanceof AppError ? error.code : 'error'}: ${(error as Error).message})`);
    return undefined;
  }
}

function sameSecret(secret: BenchlingSecret, stored: SecretParts | undefined): boolean {
  return stored !== undefined && SECRET_FIELDS.every(({ name }) => stored[name] === secret[name]);
}

async function storeSecret(
  answered: SecretAnswer,
  context: { options: InitOptions; profile: Profile | undefined; stored: SecretParts | undefined; givenArn: string | undefined; store: () => SecretStore },
): Promise<SecretOutcome> {
  const { options, profile } = context;
  if (answered.kind === 'keep') return { stored: 'kept', arn: answered.arn };
  if (profile?.secretArn && sameSecret(answered.secret, context.stored)) return { stored: 'kept', arn: profile.secretArn };
  if (options.offline) return { stored: 'not-stored', arn: profile?.secretArn };
  // A recorded secret that could not be read back (deleted, say) is replaced under the default name.
  const recorded = context.stored !== undefined ? profile?.secretArn : undefined;
  const target = context.givenArn ?? recorded ?? defaultSecretName(options.profile);
  return { stored: 'written', write: await writeSecret(context.store(), target, answered.secret, options.profile) };
}

function syncLater(options: InitOptions, region: string): string {
  const placeholder = `{${SECRET_FIELDS.map((f) => `"${f.name}":"…"`).join(',')}}`;
  return [
    'the secret was not stored (--offline): Secrets Manager was not contacted and the values were not written anywhere.',
    'Store it when you are online with:',
    `  ${SECRETS_ENV}='${placeholder}' benchling-webhook secrets sync --profile ${options.profile} --region ${region}`,
  ].join('\n');
}

function describeSecret(outcome: SecretOutcome): string {
  if (outcome.stored === 'kept') return `kept ${outcome.arn}`;
  if (outcome.stored === 'written') {
    const { action, name, arn, changes } = outcome.write;
    return `${action} ${name} (${arn})${action === 'updated' ? `: ${describeChanges(changes)}` : ''}`;
  }
  return 'not stored (--offline)';
}

function report(name: string, path: string, profile: Profile, outcome: SecretOutcome): string {
  const width = Math.max(...Object.keys(profile).map((k) => k.length));
  const settings = Object.entries(profile).map(([key, value]) => `  ${key.padEnd(width)}  ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  return [`wrote profile ${name}: ${path}`, ...settings, `secret: ${describeSecret(outcome)}`, `next: benchling-webhook validate --profile ${name}`].join('\n');
}

function askMode(deps: InitDeps): AskMode {
  return deps.prompter ? { kind: 'interactive', prompter: deps.prompter } : { kind: 'script' };
}

/** `init` with its dependencies given: the answers, then the secret stored, then the profile written. */
export async function runInit(options: InitOptions, io: CliIo, deps: InitDeps): Promise<number> {
  const profile = await readProfile(options.profile, io.env);
  const mode = askMode(deps);
  const say = (text: string) => (deps.prompter ? deps.prompter.note(text) : println(io.stderr, text));
  const endpoints = resolveSettings(['benchlingApiUrl', 'benchlingJwksUrl'], { flags: options, env: io.env, profile }).values;
  const checks = options.offline ? undefined : liveChecks({ apiUrl: endpoints.benchlingApiUrl, jwksUrl: endpoints.benchlingJwksUrl }, io.env);
  const input: StackQuestionsInput = {
    options,
    profile,
    env: io.env,
    facts: await loadAwsConfigFacts(io.env),
    mode,
    checks,
    vpcDirectory: options.offline ? undefined : deps.vpcDirectory,
  };

  const quiltDeps = deps.quilt ?? quiltDiscoveryDeps;
  const catalog = await answerCatalog(input, quiltDeps);
  const awsProfile = await answer(awsProfileQuestion(input), mode);
  const quilt = catalog.catalog && (await discoverQuilt(catalog.catalog, { options, env: io.env, mode, awsProfile, deps: quiltDeps, say }));
  if (quilt) describeProposals(quilt).forEach(say);
  const asked = withProposals(input, quilt);
  const region = await answerRequired(regionQuestion(asked, awsProfile), mode);
  const store = () => deps.secretStore(region, awsProfile);
  const given = await givenSecret(options, io, store);
  const stored = profile?.secretArn && !options.offline ? await storedSecret(profile.secretArn, store(), say) : undefined;
  const unreadArn = options.offline ? profile?.secretArn : undefined;
  const secret = await askSecret({ given: given.parts, stored, unreadArn, checks, mode });
  const bucket = await answerRequired(bucketQuestion(asked, region), mode);
  const packages = await packageSettings(input);
  const packager = await answerPackager(asked);
  const vpc = await answerRequired(vpcQuestion(input, region, awsProfile), mode);
  const allowCidrs = await answerRequired(cidrsQuestion(input), mode);

  const outcome = await storeSecret(secret, { options, profile, stored, givenArn: given.arn, store });
  const answers: InitAnswers = {
    awsProfile,
    region,
    secretArn: outcome.stored === 'written' ? outcome.write.arn : outcome.arn,
    bucket,
    ...packages,
    quiltCatalog: quilt?.proposals.quiltCatalog?.value ?? catalog.host,
    packager,
    vpc,
    allowCidrs,
    benchlingApiUrl: options.benchlingApiUrl ?? profile?.benchlingApiUrl,
    benchlingJwksUrl: options.benchlingJwksUrl ?? profile?.benchlingJwksUrl,
  };
  const written = profileFromAnswers(profile ?? {}, answers);
  const path = await updateProfile(options.profile, io.env, () => written);
  if (outcome.stored === 'not-stored') println(io.stderr, syncLater(options, region));
  const discovery = quilt && discoveryOutcome(quilt, written, options);
  if (options.json) {
    const action = outcome.stored === 'written' ? outcome.write.action : undefined;
    println(io.stdout, JSON.stringify({ profile: options.profile, path, settings: written, secret: { stored: outcome.stored, action, arn: answers.secretArn }, discovery }));
  } else {
    println(io.stdout, [report(options.profile, path, written, outcome), ...(discovery ? describeOutcome(discovery) : [])].join('\n'));
  }
  return 0;
}

function awsSecretStore(io: CliIo) {
  return (region: string, awsProfile: string | undefined): SecretStore => io.secretStore(region, awsProfile === io.env.AWS_PROFILE ? undefined : awsProfile);
}

/** Prompts run on the process's terminal; without one, only --yes can work. */
async function terminalPrompter(options: InitOptions): Promise<Prompter | undefined> {
  if (options.yes) return undefined;
  if (!process.stdin.isTTY) {
    throw new UsageError('INIT_NEEDS_TERMINAL', 'init asks its questions on a terminal: run it in one, or pass --yes with the flags (benchling-webhook init --help)');
  }
  const { inquirerPrompter } = await import('./prompter.ts');
  // With --json, stdout carries only the result; the questions go to the terminal through stderr.
  return inquirerPrompter({ input: process.stdin, output: options.json ? process.stderr : process.stdout });
}

/** `init`: set up a profile, interactively or (with --yes) from flags alone. */
export async function init(options: InitOptions, io: CliIo): Promise<number> {
  const deps: InitDeps = {
    prompter: await terminalPrompter(options),
    vpcDirectory: ec2VpcDirectory,
    secretStore: awsSecretStore(io),
  };
  try {
    return await runInit(options, io, deps);
  } catch (error) {
    // Ctrl-C at a prompt: nothing has been written yet, since the profile is written last.
    if (error instanceof Error && error.name === 'ExitPromptError') throw new AppError('INIT_CANCELLED', 'init was cancelled; the profile was not changed');
    throw error;
  }
}
