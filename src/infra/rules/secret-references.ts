import { SECRET_FIELDS, SECRETS_ENV } from '../../secret/fields.ts';
import { containers, nameValues, render, type CfnValue, type ContainerRef, type RuleFinding } from './template.ts';
import type { CfnTemplate } from './template.ts';

export const SECRET_REFERENCE_RULE = 'Benchling-SecretReference';

/** From `<secret arn>:<json key>:<version stage>:<version id>`, the ValueFrom of an ECS secret. */
interface EcsSecretRef {
  secret: string;
  jsonKey: string | undefined;
}

function parseValueFrom(value: CfnValue): EcsSecretRef {
  const text = render(value);
  // A literal ARN has seven colon-separated parts; a reference renders as one `${...}` part.
  const head = text.startsWith('arn:') ? 7 : 1;
  const parts = text.split(':');
  return { secret: parts.slice(0, head).join(':'), jsonKey: parts[head] || undefined };
}

function describe(reference: string): string {
  return reference.startsWith('${') ? `${reference}, a resource of this template,` : 'another secret';
}

/**
 * Every secret reference of every container points at the contract's secret, and a container
 * that takes the secret by JSON key takes exactly the contract's fields, each under the env
 * name the process reads. This is the check the incident lacked: keys written = keys read.
 */
export function checkSecretReferences(template: CfnTemplate, secretArn: string): RuleFinding[] {
  return containers(template).flatMap((c) => checkContainer(c, secretArn));
}

function checkContainer(c: ContainerRef, secretArn: string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const at = (location: string, message: string) =>
    findings.push({ rule: SECRET_REFERENCE_RULE, logicalId: c.logicalId, location: `${c.location}.${location}`, message });
  const who = `container ${c.name} of ${c.logicalId}`;

  const env = nameValues(c.definition.Environment, 'Value');
  const whole = env.filter((e) => e.name === SECRETS_ENV);
  for (const entry of whole) {
    if (entry.value !== secretArn) {
      at('Environment', `${who} sets ${SECRETS_ENV} to ${typeof entry.value === 'string' ? 'a different value' : render(entry.value)}, not the contract's secret ${secretArn}`);
    }
  }
  for (const field of SECRET_FIELDS) {
    if (env.some((e) => e.name === field.env)) at('Environment', `${who} sets ${field.env} in its plain environment; it must come from the secret ${secretArn}`);
  }

  const byKey = new Map<string, string>();
  let wholeByEcs = false;
  for (const { name, value } of nameValues(c.definition.Secrets, 'ValueFrom')) {
    const ref = parseValueFrom(value);
    if (ref.secret !== secretArn) {
      at('Secrets', `${who} takes ${name} from ${describe(ref.secret)} not from the contract's secret ${secretArn}`);
      continue;
    }
    if (ref.jsonKey === undefined) {
      if (name === SECRETS_ENV) wholeByEcs = true;
      else at('Secrets', `${who} takes the whole secret as ${name}; the process reads it as ${SECRETS_ENV}`);
      continue;
    }
    const field = SECRET_FIELDS.find((f) => f.name === ref.jsonKey);
    if (!field) at('Secrets', `${who} reads json key ${ref.jsonKey}, which is not a field of the secret contract`);
    else if (name !== field.env) at('Secrets', `${who} puts json key ${field.name} in ${name}; the process reads it as ${field.env}`);
    byKey.set(ref.jsonKey, name);
  }
  if (byKey.size > 0) {
    const missing = SECRET_FIELDS.filter((f) => !byKey.has(f.name)).map((f) => f.name);
    if (missing.length > 0) at('Secrets', `${who} takes the secret by json key but not ${missing.join(', ')}: the process needs every field`);
  }
  const forms = [whole.length > 0, wholeByEcs, byKey.size > 0].filter(Boolean).length;
  if (forms === 0 && findings.length === 0) at('Environment', `${who} has no reference to the Benchling secret; set ${SECRETS_ENV} to ${secretArn}`);
  if (forms > 1) at('Secrets', `${who} receives the secret in more than one form; pass it once`);
  return findings;
}
