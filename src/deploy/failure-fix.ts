import { SECRET_FIELDS, SECRETS_FLAG } from '../secret/fields.ts';

// ECS's words when it injects a secret by JSON key, and ours when the process checks it at start.
const MISSING_JSON_KEY = /did not contain json key ([\w-]+)/i;
const PROCESS_REFUSED_FIELD = /`(\w+)` is (?:missing|invalid)/;

function missingSecretKeyFix(key: string): string {
  const field = SECRET_FIELDS.find((f) => f.name === key);
  const supply = field ? `${SECRETS_FLAG} (JSON holding ${key}) or ${field.flag}` : `${SECRETS_FLAG} with a JSON object holding ${key}`;
  return (
    `the Benchling secret has no \`${key}\`: run \`benchling-webhook secrets sync\` with ${supply}, ` +
    'then `benchling-webhook deploy` again'
  );
}

/**
 * What to do about a stopped task, from its reason and its container's last log lines. The
 * reason is ECS's text, so this matches the phrases ECS uses; anything unknown points at the logs.
 */
export function fixFor(reason: string, logLines: readonly string[] = []): string {
  const key = MISSING_JSON_KEY.exec(reason)?.[1] ?? logLines.map((line) => PROCESS_REFUSED_FIELD.exec(line)?.[1]).find(Boolean);
  if (key) return missingSecretKeyFix(key);
  if (/unable to pull secrets or registry auth/i.test(reason)) {
    return 'the task could not read the secret or the image registry: check that the secret ARN exists in this region (`benchling-webhook validate`) and that the private subnets reach AWS (NAT or VPC endpoints)';
  }
  if (/CannotPullContainerError/i.test(reason)) {
    return 'the image could not be pulled: check --image-uri, or that the image built and pushed by the deploy exists in ECR';
  }
  if (/health ?checks?/i.test(reason)) {
    return 'the service did not answer GET /health: read the log lines above; `benchling-webhook serve` with the same settings reproduces it locally';
  }
  if (/OutOfMemory/i.test(reason)) return 'the container ran out of memory: give the task more memory';
  return 'read the container log lines above; `benchling-webhook validate` re-checks the secret and the settings';
}
