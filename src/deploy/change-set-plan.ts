import type { Change } from '@aws-sdk/client-cloudformation';
import { AppError } from '../errors/app-error.ts';

/**
 * What a change set will do, read from CloudFormation's description of it. Pure: the
 * description in, plan lines out. A replaced bucket, queue or secret loses what it holds
 * (packages, queued jobs, the secret's value), so such a replacement is named apart and
 * refused unless explicitly allowed.
 */

/** Resources that hold data a replacement would lose, or that others reference by their physical name. */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::SecretsManager::Secret',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::DynamoDB::Table',
]);

/** Resources whose properties carry IAM policy statements. */
const POLICY_TYPES: ReadonlySet<string> = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Role',
  'AWS::S3::BucketPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::KMS::Key',
]);

export interface PlannedResource {
  logicalId: string;
  type: string;
  /** For a replacement: `True`, or `Conditional` when CloudFormation can only tell while it runs. */
  replacement?: string;
}

export interface IamBroadening {
  /** The resource that carries the statement. */
  logicalId: string;
  type: string;
  /** A statement the change adds, as one line; undefined when CloudFormation gave no property values. */
  statement?: string;
}

export interface ChangeSetPlan {
  add: PlannedResource[];
  modify: PlannedResource[];
  replace: PlannedResource[];
  remove: PlannedResource[];
  iamBroadenings: IamBroadening[];
  /** Replacements of a resource in STATEFUL_TYPES, conditional ones included. */
  statefulReplacements: PlannedResource[];
}

type Json = unknown;

function parseContext(text: string | undefined): Json {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function asArray(value: Json): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function documentStatements(document: Json): Json[] {
  const doc = typeof document === 'string' ? parseContext(document) : document;
  return doc && typeof doc === 'object' ? asArray((doc as Record<string, Json>).Statement) : [];
}

/** Every policy statement in a resource's properties: inline documents, a role's trust policy and inline policies, a key policy. */
export function policyStatements(properties: Json): Json[] {
  if (!properties || typeof properties !== 'object') return [];
  const p = properties as Record<string, Json>;
  return [
    ...documentStatements(p.PolicyDocument),
    ...documentStatements(p.AssumeRolePolicyDocument),
    ...documentStatements(p.KeyPolicy),
    ...asArray(p.Policies).flatMap((policy) => documentStatements((policy as Record<string, Json> | undefined)?.PolicyDocument)),
  ];
}

/** Stable text for a JSON value: object keys sorted, so that equal statements compare equal. */
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, Json>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function compact(value: Json): string {
  if (typeof value === 'string') return value;
  return asArray(value)
    .map((v) => (typeof v === 'string' ? v : canonical(v)))
    .join(',');
}

/** `Allow s3:GetObject,s3:PutObject on <resource>` (and the principal, for a resource or trust policy). */
export function statementLine(statement: Json): string {
  const s = (statement ?? {}) as Record<string, Json>;
  const actions = compact(s.Action ?? s.NotAction);
  const resources = s.Resource ?? s.NotResource;
  const parts = [`${compact(s.Effect ?? 'Allow')} ${actions || '(no action)'}`];
  if (resources !== undefined) parts.push(`on ${compact(resources)}`);
  if (s.Principal !== undefined) parts.push(`to ${compact(s.Principal)}`);
  if (s.Condition !== undefined) parts.push(`when ${canonical(s.Condition)}`);
  return parts.join(' ');
}

function broadenings(change: Change): IamBroadening[] {
  const rc = change.ResourceChange;
  if (!rc?.ResourceType || !POLICY_TYPES.has(rc.ResourceType) || (rc.Action !== 'Add' && rc.Action !== 'Modify')) return [];
  const base = { logicalId: rc.LogicalResourceId ?? '?', type: rc.ResourceType };
  const after = parseContext(rc.AfterContext);
  if (after === undefined) return rc.ResourceType === 'AWS::KMS::Key' ? [] : [base];
  const before = new Set(policyStatements(parseContext(rc.BeforeContext)).map(canonical));
  return policyStatements(after)
    .filter((s) => (s as Record<string, Json> | undefined)?.Effect !== 'Deny' && !before.has(canonical(s)))
    .map((s) => ({ ...base, statement: statementLine(s) }));
}

export function planChangeSet(changes: readonly Change[]): ChangeSetPlan {
  const plan: ChangeSetPlan = { add: [], modify: [], replace: [], remove: [], iamBroadenings: [], statefulReplacements: [] };
  for (const change of changes) {
    const rc = change.ResourceChange;
    if (!rc) continue;
    const resource: PlannedResource = { logicalId: rc.LogicalResourceId ?? '?', type: rc.ResourceType ?? '?' };
    if (rc.Action === 'Add') plan.add.push(resource);
    else if (rc.Action === 'Remove') plan.remove.push(resource);
    else if (rc.Action === 'Modify' && (rc.Replacement === 'True' || rc.Replacement === 'Conditional')) {
      const replaced = { ...resource, replacement: rc.Replacement };
      plan.replace.push(replaced);
      if (STATEFUL_TYPES.has(replaced.type)) plan.statefulReplacements.push(replaced);
    } else if (rc.Action === 'Modify' || rc.Action === 'Import' || rc.Action === 'Dynamic') plan.modify.push(resource);
    plan.iamBroadenings.push(...broadenings(change));
  }
  return plan;
}

export function isEmptyPlan(plan: ChangeSetPlan): boolean {
  return plan.add.length + plan.modify.length + plan.replace.length + plan.remove.length === 0;
}

const name = (r: PlannedResource) => `${r.logicalId} (${r.type})${r.replacement === 'Conditional' ? ' [may be replaced]' : ''}`;

/** The plan as printed before the question: one line per resource, under what will happen to it. */
export function formatPlan(stackName: string, plan: ChangeSetPlan): string {
  if (isEmptyPlan(plan)) return `plan for ${stackName}: no changes`;
  const counts = `${plan.add.length} to add, ${plan.modify.length} to modify, ${plan.replace.length} to replace, ${plan.remove.length} to remove`;
  const lines = [`plan for ${stackName}: ${counts}`];
  const section = (label: string, mark: string, items: readonly PlannedResource[]) => {
    if (items.length > 0) lines.push(`  ${label}:`, ...items.map((r) => `    ${mark} ${name(r)}`));
  };
  section('add', '+', plan.add);
  section('modify', '~', plan.modify);
  section('replace', '±', plan.replace);
  section('remove', '-', plan.remove);
  if (plan.iamBroadenings.length > 0) {
    lines.push('  IAM statements it broadens:', ...plan.iamBroadenings.map((b) => `    ${b.logicalId} (${b.type}): ${b.statement ?? 'its policy changes (CloudFormation gave no statements to compare)'}`));
  }
  if (plan.statefulReplacements.length > 0) {
    lines.push(`  !! replaces what holds data: ${plan.statefulReplacements.map(name).join(', ')}; their contents do not move to the new resource`);
  }
  return lines.join('\n');
}

/** A replaced bucket, queue or secret is refused unless --allow-replacement says it is meant; --yes is not enough. */
export function checkReplacements(stackName: string, plan: ChangeSetPlan, allowReplacement: boolean): void {
  if (plan.statefulReplacements.length === 0 || allowReplacement) return;
  throw new AppError(
    'STATEFUL_REPLACEMENT_REFUSED',
    `the change to ${stackName} replaces ${plan.statefulReplacements.map(name).join(', ')}: a replacement is a new, empty resource. ` +
      'Nothing was changed. If that is what you mean, deploy again with --allow-replacement (after copying out what it holds); ' +
      'otherwise undo the setting that forces it (a changed bucket or queue name, a changed encryption key)',
  );
}
