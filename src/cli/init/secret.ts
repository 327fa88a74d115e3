import { SECRET_FIELDS, type SecretField } from '../../secret/fields.ts';
import { BenchlingSecretSchema, FIELD_SCHEMAS, type BenchlingSecret } from '../../secret/schema.ts';
import { answerRequired, type AskMode, type Question } from './ask.ts';
import type { LiveChecks } from './checks.ts';
import type { Prompter, Verdict } from './prompter.ts';

export type SecretParts = Partial<Record<SecretField, string>>;

export type SecretAnswer =
  /** Nothing new was given and the stored secret was not read (offline): it stays as it is. */
  | { kind: 'keep'; arn: string }
  | { kind: 'entered'; secret: BenchlingSecret };

export interface SecretQuestionsInput {
  /** From the secret flags, their env vars, or a whole --benchling-secrets value. */
  given: SecretParts;
  /** The secret the profile's ARN points at, when it could be read. */
  stored: SecretParts | undefined;
  /** The profile's secret when --offline kept it from being read: it stays when no field is given. */
  unreadArn: string | undefined;
  checks: LiveChecks | undefined;
  mode: AskMode;
}

function flagOf(field: SecretField): string {
  return SECRET_FIELDS.find((f) => f.name === field)!.flag;
}

function formatProblem(field: SecretField, value: string): string | undefined {
  const parsed = FIELD_SCHEMAS[field].safeParse(value);
  return parsed.success ? undefined : `${field} ${parsed.error.issues.map((i) => i.message).join('; ')}`;
}

function visible(message: string) {
  return async (prompter: Prompter, current: string | undefined, validate: (v: string) => Promise<Verdict>) =>
    prompter.text({ message, default: current, validate });
}

/**
 * Credentials are masked as they are typed and a stored one is never shown as a default:
 * Enter keeps it, and it is checked like a typed one.
 */
function masked(message: string) {
  return async (prompter: Prompter, current: string | undefined, validate: (v: string) => Promise<Verdict>) => {
    const keep = (typed: string) => (typed === '' && current !== undefined ? current : typed);
    const hint = current === undefined ? '' : ' (Enter keeps the stored one)';
    return keep(await prompter.secret({ message: `${message}${hint}`, validate: (typed) => validate(keep(typed)) }));
  };
}

const MESSAGES: Record<SecretField, { text: string; hidden: boolean }> = {
  tenant: { text: 'Benchling tenant (acme, acme.benchling.com or its URL)', hidden: false },
  client_id: { text: 'Benchling app client id', hidden: true },
  client_secret: { text: 'Benchling app client secret', hidden: true },
  app_definition_id: { text: 'App definition id (appdef_…)', hidden: false },
};

function fieldQuestion(
  field: SecretField,
  input: SecretQuestionsInput,
  live: ((value: string) => Promise<string | undefined>) | undefined,
): Question<string> & { required: true } {
  const show = MESSAGES[field].hidden ? masked : visible;
  return {
    flag: flagOf(field),
    given: input.given[field],
    current: input.stored?.[field],
    required: true,
    format: (value) => formatProblem(field, value),
    live,
    ask: show(MESSAGES[field].text),
  };
}

interface Credentials {
  tenant: string;
  clientId: string;
  clientSecret: string;
}

/** From flags (or the profile under --yes): a refused client secret is an error, as no one can type it again. */
async function credentialsFrom(input: SecretQuestionsInput): Promise<Credentials> {
  const { checks, mode } = input;
  const tenant = FIELD_SCHEMAS.tenant.parse(await answerRequired(fieldQuestion('tenant', input, undefined), mode));
  const clientId = await answerRequired(fieldQuestion('client_id', input, undefined), mode);
  const oauth = checks && ((value: string) => checks.oauth({ tenant, client_id: clientId, client_secret: value }));
  const clientSecret = await answerRequired(fieldQuestion('client_secret', input, oauth), mode);
  return { tenant, clientId, clientSecret };
}

/**
 * At prompts. A client secret the tenant refuses may be right for another tenant or client
 * id (a typo in the tenant reads as a refused secret, or as no answer at all): the user
 * chooses to type the secret again, or to go back to the tenant, the earlier answers then
 * being the defaults. The refused secret is never a default.
 */
async function askCredentials(input: SecretQuestionsInput, prompter: Prompter): Promise<Credentials> {
  const mode: AskMode = { kind: 'interactive', prompter };
  let round = input;
  for (;;) {
    const tenant = FIELD_SCHEMAS.tenant.parse(await answerRequired(fieldQuestion('tenant', round, undefined), mode));
    const clientId = await answerRequired(fieldQuestion('client_id', round, undefined), mode);
    for (;;) {
      const clientSecret = await answerRequired(fieldQuestion('client_secret', round, undefined), mode);
      const problem = await input.checks?.oauth({ tenant, client_id: clientId, client_secret: clientSecret });
      if (problem === undefined) return { tenant, clientId, clientSecret };
      prompter.note(`> ${problem}`);
      const next = await prompter.choose({
        message: 'What to type again?',
        choices: [
          { name: 'the client secret', value: 'secret' as const },
          { name: 'the tenant, client id and client secret', value: 'tenant' as const },
        ],
      });
      const { client_secret: _refused, ...kept } = round.stored ?? {};
      round = { ...round, given: {}, stored: { ...kept, tenant, client_id: clientId } };
      if (next === 'tenant') break;
    }
  }
}

/** The four fields, each checked as it is given: the client secret by a token from the tenant, the app definition by its keys. */
export async function askSecret(input: SecretQuestionsInput): Promise<SecretAnswer> {
  const nothingGiven = Object.keys(input.given).length === 0;
  if (nothingGiven && input.unreadArn !== undefined) {
    if (input.mode.kind === 'interactive') input.mode.prompter.note(`secret: keeping ${input.unreadArn} (not read: --offline)`);
    return { kind: 'keep', arn: input.unreadArn };
  }
  const { checks, mode } = input;
  const { tenant, clientId, clientSecret } = mode.kind === 'interactive' ? await askCredentials(input, mode.prompter) : await credentialsFrom(input);
  const withAppDefinition = (app_definition_id: string) =>
    BenchlingSecretSchema.parse({ tenant, client_id: clientId, client_secret: clientSecret, app_definition_id });
  const jwks = checks && ((value: string) => checks.jwks(withAppDefinition(value)));
  const appDefinitionId = await answerRequired(fieldQuestion('app_definition_id', input, jwks), mode);
  return { kind: 'entered', secret: withAppDefinition(appDefinitionId) };
}
