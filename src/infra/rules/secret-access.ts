import { SECRETS_ENV } from '../../secret/fields.ts';
import {
  containers,
  isRecord,
  nameValues,
  referencedIds,
  render,
  resourcesOfType,
  type CfnTemplate,
  type CfnValue,
  type RuleFinding,
} from './template.ts';

export const SECRET_ACCESS_RULE = 'Benchling-SecretAccess';

const READ_ACTION = 'secretsmanager:getsecretvalue';

function list(value: CfnValue | undefined): CfnValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function matches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(action);
}

/** Whether an Allow statement lets its principal read secret values. */
function readsSecrets(statement: Record<string, CfnValue>): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (statement.NotAction !== undefined) return !list(statement.NotAction).some((a) => matches(render(a), READ_ACTION));
  return list(statement.Action).some((a) => matches(render(a), READ_ACTION));
}

interface Grant {
  logicalId: string;
  roles: string[];
  resources: string[];
}

/** Secret-reading statements of every policy, with the roles they are attached to. */
function secretGrants(template: CfnTemplate): Grant[] {
  const grants: Grant[] = [];
  const collect = (logicalId: string, document: CfnValue | undefined, roles: string[]) => {
    const statements = isRecord(document) ? list(document.Statement).filter(isRecord) : [];
    for (const statement of statements.filter(readsSecrets)) {
      grants.push({ logicalId, roles, resources: list(statement.Resource).map(render) });
    }
  };
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [logicalId, policy] of resourcesOfType(template, type)) {
      const attached = [...referencedIds(policy.Properties?.Roles), ...referencedIds(policy.Properties?.Users), ...referencedIds(policy.Properties?.Groups)];
      collect(logicalId, policy.Properties?.PolicyDocument, attached);
    }
  }
  for (const [logicalId, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    for (const inline of list(role.Properties?.Policies).filter(isRecord)) collect(logicalId, inline.PolicyDocument, [logicalId]);
  }
  return grants;
}

/**
 * Only the task roles may read the secret, and only that one secret: every secret-reading
 * grant names exactly the contract's ARN and is attached to a task role (or to the execution
 * role of a task that takes the secret through ECS `secrets`). And every task whose process
 * reads the secret itself has the grant it needs, or the process refuses to start.
 */
export function checkSecretAccess(template: CfnTemplate, secretArn: string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const taskRoles = new Map<string, string>();
  const allowed = new Set<string>();
  for (const [logicalId, task] of resourcesOfType(template, 'AWS::ECS::TaskDefinition')) {
    for (const role of referencedIds(task.Properties?.TaskRoleArn)) {
      allowed.add(role);
      taskRoles.set(logicalId, role);
    }
  }
  for (const c of containers(template)) {
    if (nameValues(c.definition.Secrets, 'ValueFrom').length === 0) continue;
    const task = template.Resources?.[c.logicalId];
    for (const role of referencedIds(task?.Properties?.ExecutionRoleArn)) allowed.add(role);
  }
  const grants = secretGrants(template);
  for (const grant of grants) {
    const others = grant.resources.filter((r) => r !== secretArn);
    if (others.length > 0) {
      findings.push({
        rule: SECRET_ACCESS_RULE,
        logicalId: grant.logicalId,
        location: 'Properties.PolicyDocument.Statement',
        message: `${grant.logicalId} grants secret read on ${others.join(', ')}; grant it only on the contract's secret ${secretArn}`,
      });
    }
    for (const role of grant.roles.filter((r) => !allowed.has(r))) {
      findings.push({
        rule: SECRET_ACCESS_RULE,
        logicalId: grant.logicalId,
        location: 'Properties.Roles',
        message: `${grant.logicalId} lets ${role}, which is not a task role, read secrets; only the task roles may`,
      });
    }
  }
  for (const c of containers(template)) {
    if (!nameValues(c.definition.Environment, 'Value').some((e) => e.name === SECRETS_ENV)) continue;
    const role = taskRoles.get(c.logicalId);
    const granted = grants.some((g) => role !== undefined && g.roles.includes(role) && g.resources.includes(secretArn));
    if (!granted) {
      findings.push({
        rule: SECRET_ACCESS_RULE,
        logicalId: c.logicalId,
        location: 'Properties.TaskRoleArn',
        message: `the task role of ${c.logicalId} cannot read ${secretArn}; container ${c.name} would refuse to start`,
      });
    }
  }
  return findings;
}
