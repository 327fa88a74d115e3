import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { IPolicyValidationContext } from 'aws-cdk-lib';
import fc from 'fast-check';
import { SECRET_FIELDS } from '../../src/secret/fields.ts';
import { BenchlingRules } from '../../src/infra/rules/benchling-rules.ts';
import { checkTemplate } from '../../src/infra/rules/check-template.ts';
import { checkSecretReferences } from '../../src/infra/rules/secret-references.ts';
import type { CfnTemplate, RuleFinding } from '../../src/infra/rules/template.ts';
import { SECRET_ARN, synthStack, tempDir, testSecret } from './support.ts';

/** The default stack's template, synthesized once; each test breaks a copy of it one way. */
let good: CfnTemplate;
let secret: ReturnType<typeof testSecret>;
before(() => {
  secret = testSecret();
  good = synthStack({}, { knownSecretValues: [secret.client_id, secret.client_secret] }).template;
});

/** Test-side template surgery: a template is plain JSON, walked by key. */
type Node = Record<string, unknown>;
const node = (value: unknown): Node => value as Node;
const nodes = (value: unknown): Node[] => value as Node[];

function copy(): Node {
  return structuredClone(good) as unknown as Node;
}

function resourceId(template: Node, match: (id: string, r: Node) => boolean): string {
  const found = Object.entries(node(template.Resources)).find(([id, r]) => match(id, node(r)));
  if (!found) throw new Error('no such resource');
  return found[0];
}

const props = (template: Node, match: (id: string, r: Node) => boolean) =>
  node(node(node(template.Resources)[resourceId(template, match)]).Properties);
const ofType = (type: string, named = '') => (id: string, r: Node) => r.Type === type && id.includes(named);
const firstContainer = (taskProps: Node): Node => nodes(taskProps.ContainerDefinitions)[0]!;
const runs = (command: string) => (_: string, r: Node) =>
  r.Type === 'AWS::ECS::TaskDefinition' && (firstContainer(node(r.Properties)).Command as string[])[0] === command;
const container = (t: Node, command: string): Node => firstContainer(props(t, runs(command)));
const env = (t: Node, command: string) => nodes(container(t, command).Environment);
const statements = (t: Node, policy: string) => nodes(node(props(t, ofType('AWS::IAM::Policy', policy)).PolicyDocument).Statement);

function check(template: Node, knownSecretValues: string[] = []): RuleFinding[] {
  return checkTemplate(template as CfnTemplate, { secretArn: SECRET_ARN, knownSecretValues });
}

function rules(findings: RuleFinding[]): string[] {
  return [...new Set(findings.map((f) => f.rule))].sort();
}

test('the stack as built passes every project rule', () => {
  assert.deepEqual(check(copy(), [secret.client_id, secret.client_secret]), []);
});

test('circuit breaker: off, or on without rollback, is a finding', () => {
  const t = copy();
  delete node(props(t, ofType('AWS::ECS::Service', 'Webhook')).DeploymentConfiguration).DeploymentCircuitBreaker;
  node(node(props(t, ofType('AWS::ECS::Service', 'Worker')).DeploymentConfiguration).DeploymentCircuitBreaker).Rollback = false;
  const findings = check(t);
  assert.deepEqual(rules(findings), ['Benchling-CircuitBreaker']);
  assert.equal(findings.length, 2);
});

test('containers: root user, no user, or a writable root filesystem are findings', () => {
  const t = copy();
  container(t, 'serve').User = '0:0';
  delete container(t, 'worker').User;
  container(t, 'worker').ReadonlyRootFilesystem = false;
  const findings = check(t);
  assert.deepEqual(rules(findings), ['Benchling-ContainerHardening']);
  assert.equal(findings.length, 3);
});

test('secret literals: a known value, a credential shape, a credential-named variable, a secret built in the template', () => {
  const t = copy();
  node(t.Outputs).Leak = { Value: `token=${secret.client_secret}` };
  node(t.Parameters).Key = { Type: 'String', Default: 'AKIAIOSFODNN7EXAMPLE' };
  env(t, 'worker').push({ Name: 'BENCHLING_CLIENT_SECRET', Value: 'x' });
  node(t.Resources).Legacy = { Type: 'AWS::SecretsManager::Secret', Properties: { SecretString: '{"client_id":"abc"}' } };
  const findings = check(t, [secret.client_secret]).filter((f) => f.rule === 'Benchling-NoSecretLiteral');
  const text = findings.map((f) => f.message).join('\n');
  assert.match(text, /Outputs\.Leak\.Value holds a known secret value \(not shown\)/);
  assert.match(text, /Parameters\.Key\.Default holds an AWS access key id/);
  assert.match(text, /sets BENCHLING_CLIENT_SECRET in its plain environment/);
  assert.match(text, /secret Legacy is built from values written into the template/);
  assert.match(text, /a JSON credential field with its value/);
  assert.equal(text.includes(secret.client_secret), false, 'findings never quote the value');
});

test('secret references: BENCHLING_SECRETS must be the contract ARN; separate values are refused', () => {
  const t = copy();
  env(t, 'serve').find((e) => e.Name === 'BENCHLING_SECRETS')!.Value = SECRET_ARN.replace('AbC123', 'ZzZ999');
  env(t, 'worker').push({ Name: 'BENCHLING_TENANT', Value: 'acme' });
  const messages = check(t).filter((f) => f.rule === 'Benchling-SecretReference').map((f) => f.message);
  assert.equal(messages.length, 2);
  assert.match(messages[0]!, /sets BENCHLING_SECRETS to a different value, not the contract's secret/);
  assert.match(messages[1]!, /sets BENCHLING_TENANT in its plain environment/);
});

test('secret references by JSON key: the incident shape (a template-built secret) is named', () => {
  const t = copy();
  const def = container(t, 'worker');
  def.Environment = nodes(def.Environment).filter((e) => e.Name !== 'BENCHLING_SECRETS');
  def.Secrets = SECRET_FIELDS.map((f) => ({ Name: f.env, ValueFrom: { 'Fn::Join': ['', [{ Ref: 'LegacySecret' }, `:${f.name}::`]] } }));
  const messages = checkSecretReferences(t as CfnTemplate, SECRET_ARN).map((f) => f.message);
  assert.equal(messages.length, 4);
  assert.match(messages[0]!, /takes BENCHLING_TENANT from \$\{LegacySecret\}, a resource of this template, not from the contract's secret/);
});

test('property: by JSON key, the rule names exactly the contract fields a container does not read', () => {
  fc.assert(
    fc.property(fc.subarray([...SECRET_FIELDS], { minLength: 1 }), (taken) => {
      const t = copy();
      const def = container(t, 'serve');
      def.Environment = nodes(def.Environment).filter((e) => e.Name !== 'BENCHLING_SECRETS');
      def.Secrets = taken.map((f) => ({ Name: f.env, ValueFrom: `${SECRET_ARN}:${f.name}::` }));
      const findings = checkSecretReferences(t as CfnTemplate, SECRET_ARN);
      const missing = SECRET_FIELDS.filter((f) => !taken.includes(f)).map((f) => f.name);
      if (missing.length === 0) return findings.length === 0;
      return findings.length === 1 && findings[0]!.message.endsWith(`but not ${missing.join(', ')}: the process needs every field`);
    }),
    { numRuns: 40 },
  );
});

test('secret access: a grant to a role that is not a task role, a wildcard grant, a task role without the grant', () => {
  const t = copy();
  statements(t, 'WebhookTaskExecutionRole').push({ Effect: 'Allow', Action: 'secretsmanager:Get*', Resource: SECRET_ARN });
  statements(t, 'WorkerTaskTaskRole').push({ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' });
  const serveDocument = node(props(t, ofType('AWS::IAM::Policy', 'WebhookTaskTaskRole')).PolicyDocument);
  serveDocument.Statement = nodes(serveDocument.Statement).filter((s) => !JSON.stringify(s.Action).includes('secretsmanager'));
  const messages = check(t).filter((f) => f.rule === 'Benchling-SecretAccess').map((f) => f.message).join('\n');
  assert.match(messages, /ExecutionRole.*which is not a task role, read secrets/);
  assert.match(messages, /grants secret read on \*; grant it only on the contract's secret/);
  assert.match(messages, /the task role of .*WebhookTask.* cannot read .*would refuse to start/);
});

test('rate budget: more worker tasks, a rollout overlap, or no budget break the tenant limit', () => {
  const more = copy();
  props(more, ofType('AWS::ApplicationAutoScaling::ScalableTarget', 'Worker')).MaxCapacity = 4;
  assert.match(check(more)[0]?.message ?? '', /workers may make 80 Benchling requests per 30s .* over the tenant's limit of 60\/30s/);
  const overlap = copy();
  node(props(overlap, ofType('AWS::ECS::Service', 'Worker')).DeploymentConfiguration).MaximumPercent = 200;
  assert.match(check(overlap)[0]?.message ?? '', /6 tasks × 20\/30s/);
  const none = copy();
  container(none, 'worker').Environment = env(none, 'worker').filter((e) => e.Name !== 'BENCHLING_RATE_LIMIT');
  assert.match(check(none)[0]?.message ?? '', /has no BENCHLING_RATE_LIMIT/);
});

test('the plugin reports the secret rules as fatal (not acknowledgeable) and the others as errors', () => {
  const t = copy();
  env(t, 'serve').find((e) => e.Name === 'BENCHLING_SECRETS')!.Value = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:other-ZzZ999';
  container(t, 'worker').User = 'root';
  const path = join(tempDir('bw-rules-'), 'Stack.template.json');
  writeFileSync(path, JSON.stringify(t));
  const report = new BenchlingRules({ secretArn: SECRET_ARN }).validate({ templatePaths: [path] } as unknown as IPolicyValidationContext);
  assert.equal(report.success, false);
  const severities = Object.fromEntries(report.violations.map((v) => [v.ruleName, v.severity]));
  assert.deepEqual(severities, { 'Benchling-SecretReference': 'fatal', 'Benchling-ContainerHardening': 'error' });
  assert.equal(report.violations[0]!.violatingResources[0]!.templatePath, path);
});
