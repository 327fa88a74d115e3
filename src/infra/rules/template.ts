/** Just enough of a synthesized CloudFormation template for the project's rules to read. */
export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

export interface CfnResource {
  Type: string;
  Properties?: Record<string, CfnValue>;
  [key: string]: unknown;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  [section: string]: unknown;
}

/** One problem in a template. Messages name fields and resources, never a secret value. */
export interface RuleFinding {
  rule: string;
  /** The resource, when the finding is about one. */
  logicalId?: string;
  /** Where in the resource (or template), e.g. `Properties.ContainerDefinitions.0.Environment`. */
  location: string;
  message: string;
}

export function isRecord(value: unknown): value is Record<string, CfnValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
}

/**
 * A value as text, with CloudFormation references shown as `${Logical}` or `${Logical.Attr}`,
 * so a rule can compare it with an expected literal and explain what it found instead.
 */
export function render(value: CfnValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map(render).join(',');
  if (typeof value.Ref === 'string') return `\${${value.Ref}}`;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `\${${getAtt.map(render).join('.')}}`;
  const join = value['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map(render).join(render(join[0]));
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  return '${?}';
}

/** Logical ids a value refers to (Ref and Fn::GetAtt), anywhere inside it. */
export function referencedIds(value: CfnValue | undefined): string[] {
  if (!isRecord(value) && !Array.isArray(value)) return [];
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  const ids: string[] = [];
  if (typeof value.Ref === 'string') ids.push(value.Ref);
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.push(getAtt[0]);
  for (const inner of Object.values(value)) ids.push(...referencedIds(inner));
  return [...new Set(ids)];
}

export interface NameValue {
  name: string;
  value: CfnValue;
}

/** `[{Name, Value}]` lists (container Environment) and `[{Name, ValueFrom}]` lists (Secrets). */
export function nameValues(list: CfnValue | undefined, valueKey: 'Value' | 'ValueFrom'): NameValue[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((entry) => ({ name: render(entry.Name), value: entry[valueKey] ?? null }));
}

export interface ContainerRef {
  logicalId: string;
  name: string;
  location: string;
  definition: Record<string, CfnValue>;
}

export function containers(template: CfnTemplate): ContainerRef[] {
  return resourcesOfType(template, 'AWS::ECS::TaskDefinition').flatMap(([logicalId, resource]) => {
    const list = resource.Properties?.ContainerDefinitions;
    if (!Array.isArray(list)) return [];
    return list.filter(isRecord).map((definition, index) => ({
      logicalId,
      name: render(definition.Name) || `#${index}`,
      location: `Properties.ContainerDefinitions.${index}`,
      definition,
    }));
  });
}

/** Every string in a value, with its path, for scans that must not miss a nested literal. */
export function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}.${i}`);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) yield* strings(item, path ? `${path}.${key}` : key);
  }
}
