import type { Change } from '@aws-sdk/client-cloudformation';

/**
 * The plan a dry run can make without creating a change set: the deployed template against
 * the new one, turned into the changes CloudFormation would list, so that the same plan
 * (change-set-plan.ts) prints. Pure. Which changes replace a resource is CloudFormation's
 * call; this knows it for the resources that hold data, by the properties that force it.
 */

interface TemplateResource {
  Type?: string;
  Properties?: unknown;
}

export interface Template {
  Resources?: Record<string, TemplateResource>;
}

/** Properties whose change makes CloudFormation replace the resource, for the stateful types. */
const REPLACING_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::S3::Bucket': ['BucketName', 'ObjectLockEnabled'],
  'AWS::SQS::Queue': ['QueueName', 'FifoQueue'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::KMS::Key': ['KeySpec', 'KeyUsage', 'MultiRegion'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::DynamoDB::Table': ['TableName', 'KeySchema'],
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function replacement(type: string, before: TemplateResource, after: TemplateResource): 'True' | 'False' {
  if (before.Type !== after.Type) return 'True';
  const props = (r: TemplateResource) => (r.Properties ?? {}) as Record<string, unknown>;
  return (REPLACING_PROPERTIES[type] ?? []).some((key) => !same(props(before)[key], props(after)[key])) ? 'True' : 'False';
}

const context = (resource: TemplateResource) => JSON.stringify(resource.Properties ?? {});

/** The changes from `before` (undefined: no stack yet) to `after`, resource by resource. */
export function templateChanges(before: Template | undefined, after: Template): Change[] {
  const old = before?.Resources ?? {};
  const next = after.Resources ?? {};
  const changes: Change[] = [];
  for (const [id, resource] of Object.entries(next)) {
    const type = resource.Type ?? '?';
    const previous = old[id];
    if (!previous) {
      changes.push({ Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: id, ResourceType: type, AfterContext: context(resource) } });
    } else if (!same(previous.Type, resource.Type) || !same(previous.Properties, resource.Properties)) {
      changes.push({
        Type: 'Resource',
        ResourceChange: { Action: 'Modify', LogicalResourceId: id, ResourceType: type, Replacement: replacement(type, previous, resource), BeforeContext: context(previous), AfterContext: context(resource) },
      });
    }
  }
  for (const [id, resource] of Object.entries(old)) {
    if (!next[id]) changes.push({ Type: 'Resource', ResourceChange: { Action: 'Remove', LogicalResourceId: id, ResourceType: resource.Type ?? '?' } });
  }
  return changes;
}
