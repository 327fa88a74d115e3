import { SECRETS_ENV } from '../../secret/fields.ts';
import { containers, nameValues, resourcesOfType, strings, type CfnTemplate, type RuleFinding } from './template.ts';

export const SECRET_LITERAL_RULE = 'Benchling-NoSecretLiteral';

/** Shapes of credentials that must never be a literal in a template. */
const CREDENTIAL_SHAPES: { what: string; pattern: RegExp }[] = [
  { what: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { what: 'a private key', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/ },
  { what: 'a JSON credential field with its value', pattern: /"(?:client_secret|client_id|password|secret_access_key|api_key)"\s*:\s*"[^"]/i },
  { what: 'a Benchling API key', pattern: /\bsk_[A-Za-z0-9]{20,}\b/ },
  { what: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36}\b/ },
];

const CREDENTIAL_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|API_KEY|CLIENT_ID|CREDENTIAL/i;

function place(path: string): Pick<RuleFinding, 'logicalId' | 'location'> {
  const match = /^Resources\.([^.]+)\.(.*)$/.exec(path);
  return match ? { logicalId: match[1], location: match[2]! } : { location: path };
}

function finding(path: string, message: string): RuleFinding {
  return { rule: SECRET_LITERAL_RULE, ...place(path), message };
}

/**
 * The template never holds a secret value: no credential-shaped literal anywhere, no secret
 * built from literal values, no credential-named plain environment variable, and none of the
 * values the caller knows to be secret (a test passes the ones it uses).
 */
export function checkSecretLiterals(template: CfnTemplate, knownSecretValues: readonly string[] = []): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const known = knownSecretValues.filter((v) => v.trim().length >= 4).flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]);
  for (const [path, text] of strings(template, '')) {
    const shape = CREDENTIAL_SHAPES.find(({ pattern }) => pattern.test(text));
    if (shape) findings.push(finding(path, `${path} holds ${shape.what}; secrets enter the stack only by the secret's ARN`));
    if (known.some((value) => text.includes(value))) {
      findings.push(finding(path, `${path} holds a known secret value (not shown); secrets enter the stack only by the secret's ARN`));
    }
  }
  for (const [logicalId, secret] of resourcesOfType(template, 'AWS::SecretsManager::Secret')) {
    if (secret.Properties?.SecretString !== undefined) {
      findings.push({
        rule: SECRET_LITERAL_RULE,
        logicalId,
        location: 'Properties.SecretString',
        message:
          `secret ${logicalId} is built from values written into the template; store the secret with ` +
          '`benchling-webhook secrets sync` and pass the stack its ARN',
      });
    }
  }
  for (const c of containers(template)) {
    for (const { name } of nameValues(c.definition.Environment, 'Value')) {
      if (name === SECRETS_ENV || !CREDENTIAL_NAME.test(name)) continue;
      findings.push({
        rule: SECRET_LITERAL_RULE,
        logicalId: c.logicalId,
        location: `${c.location}.Environment`,
        message: `container ${c.name} of ${c.logicalId} sets ${name} in its plain environment; credentials come only from the secret`,
      });
    }
  }
  return dedupe(findings);
}

function dedupe(findings: RuleFinding[]): RuleFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.logicalId ?? ''}|${f.location}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
