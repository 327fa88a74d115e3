import type { Env } from '../../config/env.ts';
import type { Profile } from '../../config/profile.ts';
import { AppError } from '../../errors/app-error.ts';
import { errorReason } from '../../errors/error-reason.ts';
import type { InitOptions } from '../commands/init.ts';
import { answer, type AskMode, type Question } from './ask.ts';
import { catalogOrigin, fetchCatalogConfig, type FetchJson, type QuiltCatalog } from './quilt-catalog.ts';
import { PROPOSAL_FLAGS, proposeFromQuilt, stackResourceIds, stacksServing, type ProposedSetting, type QuiltProposals } from './quilt-discovery.ts';
import { cloudFormationQuiltStacks, type QuiltStackDirectory, type QuiltStackFacts } from './quilt-stack.ts';
import { problemOf, type StackQuestionsInput } from './stack-questions.ts';

/** Where discovery reads from; tests pass the loopback catalog and CloudFormation. */
export interface QuiltDiscoveryDeps {
  fetchJson: FetchJson;
  stacks(region: string, awsProfile: string | undefined, env: Env): QuiltStackDirectory;
}

export const quiltDiscoveryDeps: QuiltDiscoveryDeps = {
  fetchJson: (url, init) => fetch(url, init),
  stacks: cloudFormationQuiltStacks,
};

/** The catalog question's answer: the host the canvas links use, and the catalog's config when it was read. */
export interface CatalogAnswer {
  host: string | undefined;
  catalog: QuiltCatalog | undefined;
}

const isNone = (value: string) => value.toLowerCase() === 'none';

/**
 * Asked first, since what the catalog says answers later questions. With --yes only a
 * --quilt-catalog flag is read (a re-run keeps the profile's values); at the prompt the answer
 * is read, and a catalog that cannot be read is refused there with the reason.
 */
export async function answerCatalog(input: StackQuestionsInput, deps: QuiltDiscoveryDeps): Promise<CatalogAnswer> {
  const { options, profile, mode } = input;
  const read = new Map<string, QuiltCatalog>();
  const discover = async (typed: string) => read.get(typed) ?? read.set(typed, await fetchCatalogConfig(typed, deps.fetchJson)).get(typed)!;
  const question: Question<string> = {
    flag: '--quilt-catalog',
    given: options.quiltCatalog,
    current: profile?.quiltCatalog,
    required: false,
    format: (value) => (isNone(value) ? undefined : problemOf(() => catalogOrigin(value))),
    ask: async (prompter, defaultValue, validate) => {
      const check = async (value: string) => {
        const typed = value.trim();
        if (typed === '' || isNone(typed)) return true;
        const verdict = await validate(typed);
        if (verdict !== true || options.offline) return verdict;
        return discover(typed).then(
          () => true as const,
          (error: unknown) => `${errorReason(error)} (clear the answer to go on without a catalog)`,
        );
      };
      const message = 'Quilt catalog host or URL (its settings are read from it; Enter skips, "none" removes it)';
      const typed = (await prompter.text({ message, default: defaultValue, validate: check })).trim();
      return typed === '' ? undefined : typed;
    },
  };
  const typed = await answer(question, mode);
  if (typed === undefined || isNone(typed)) return { host: undefined, catalog: undefined };
  const asked = mode.kind === 'interactive' || options.quiltCatalog !== undefined;
  const catalog = !options.offline && asked ? await discover(typed) : undefined;
  return { host: catalog?.host ?? catalogOrigin(typed).host, catalog };
}

async function findQuiltStack(catalog: QuiltCatalog, directory: QuiltStackDirectory, say: (text: string) => void): Promise<string | undefined> {
  const ids = stackResourceIds(catalog.config);
  for (const id of ids) {
    const owner = await directory.stackOwning(id);
    if (owner) return owner;
  }
  const serving = stacksServing(catalog.host, await directory.list());
  if (serving.length === 1) return serving[0];
  const owns = ids.length > 0 ? `no CloudFormation stack in ${catalog.config.region} owns ${ids.join(', ')}` : `${catalog.configUrl} names no resource of its stack`;
  const hosts = serving.length > 1 ? `several serve ${catalog.host} (${serving.join(', ')})` : `none has the output QuiltWebHost ${catalog.host}`;
  say(`${owns}, and ${hosts}: only the catalog's own settings are proposed; pass --quilt-stack NAME to read the stack's outputs`);
  return undefined;
}

/**
 * The catalog's config, then its stack's outputs, as proposals. The stack is --quilt-stack, or
 * the one owning the catalog's API or buckets, or else the one whose QuiltWebHost output is the
 * catalog's host, in the catalog's region. With --yes a failure
 * to read the stack ends init; at the prompts it is shown and init goes on without the stack.
 */
export async function discoverQuilt(
  catalog: QuiltCatalog,
  context: { options: InitOptions; env: Env; mode: AskMode; awsProfile: string | undefined; deps: QuiltDiscoveryDeps; say: (text: string) => void },
): Promise<QuiltProposals> {
  const { options, say } = context;
  const directory = context.deps.stacks(catalog.config.region, context.awsProfile, context.env);
  let stack: QuiltStackFacts | undefined;
  try {
    const name = options.quiltStack ?? (await findQuiltStack(catalog, directory, say));
    stack = name === undefined ? undefined : await directory.describe(name);
  } catch (error) {
    if (context.mode.kind === 'script' || !(error instanceof AppError)) throw error;
    say(`could not read the Quilt stack (${errorReason(error)}); only the catalog's own settings are proposed`);
  } finally {
    directory.close();
  }
  return proposeFromQuilt(catalog, stack);
}

/** The profile as the later questions see it: each proposal replaces the profile's value, and flags still win. */
export function withProposals(input: StackQuestionsInput, quilt: QuiltProposals | undefined): StackQuestionsInput {
  if (!quilt) return input;
  const proposed: Profile = Object.fromEntries(Object.entries(quilt.proposals).map(([key, proposal]) => [key, proposal.value]));
  return { ...input, profile: { ...input.profile, ...proposed } };
}

// An SQS queue URL ends in /<account>/<name>; a local emulator's host is allowed, the stack checks the AWS form.
const QUEUE_URL = /^https?:\/\/[^\s/]+\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/** Asked only when there is a value to show (a proposal, or the profile's); otherwise the packager stays `direct`. */
export function packagerQuestion(input: StackQuestionsInput): Question<string> {
  return {
    flag: '--packager',
    given: input.options.packager,
    current: input.profile?.packager,
    required: false,
    format: (value) => (value === 'direct' || QUEUE_URL.test(value) ? undefined : "give `direct` or the Quilt packaging engine's SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)"),
    ask: async (prompter, current, validate) => {
      if (current === undefined) return undefined;
      const typed = await prompter.text({ message: 'Quilt packaging engine queue ("direct" writes packages without it)', default: current, validate: (v) => validate(v.trim()) });
      return typed.trim();
    },
  };
}

export async function answerPackager(input: StackQuestionsInput): Promise<string | undefined> {
  return answer(packagerQuestion(input), input.mode);
}

export interface DiscoveredSetting {
  value: string | undefined;
  source: string;
}

/** Where each setting discovery proposed finally came from: the proposal's source, or what overrode it. */
export function discoveryOutcome(quilt: QuiltProposals, written: Profile, options: InitOptions) {
  const settings: Partial<Record<ProposedSetting, DiscoveredSetting>> = {};
  for (const [key, proposal] of Object.entries(quilt.proposals) as [ProposedSetting, { value: string; source: string }][]) {
    const value = written[key];
    const flagged = key !== 'quiltCatalog' && options[key] !== undefined;
    const source = value === proposal.value ? proposal.source : flagged ? `flag ${PROPOSAL_FLAGS[key]}` : value === undefined ? 'not used' : 'answered at the prompt';
    settings[key] = { value, source };
  }
  return { catalog: quilt.catalog, stack: quilt.stack, settings };
}

export function describeOutcome(outcome: ReturnType<typeof discoveryOutcome>): string[] {
  const entries = Object.entries(outcome.settings);
  return [
    `from Quilt catalog ${outcome.catalog}${outcome.stack ? ` (stack ${outcome.stack})` : ''}:`,
    ...entries.map(([key, setting]) => `  ${key}: ${setting.source}`),
  ];
}
