import { isRecord, type CfnValue } from '../../../src/infra/rules/template.ts';

export interface ResourceValues {
  ref: string;
  attrs: Record<string, string>;
}

export class UnresolvedReference extends Error {}

/**
 * CloudFormation's intrinsic functions, as far as container definitions use them: what a
 * deployed stack would hand ECS in place of each Ref, GetAtt, Join, Sub and Select.
 */
export class Intrinsics {
  constructor(
    private readonly resources: ReadonlyMap<string, ResourceValues>,
    private readonly pseudo: Readonly<Record<string, string>>,
  ) {}

  resolve(value: CfnValue | undefined, where: string): string {
    const resolved = this.value(value, where);
    if (Array.isArray(resolved)) throw new UnresolvedReference(`${where} resolves to a list, not a string`);
    return resolved;
  }

  private ref(id: string, where: string): string {
    const value = this.pseudo[id] ?? this.resources.get(id)?.ref;
    if (value === undefined) throw new UnresolvedReference(`${where}: Ref ${id} is not a parameter or resource of the template`);
    return value;
  }

  private att(id: string, attr: string, where: string): string {
    const value = this.resources.get(id)?.attrs[attr];
    if (value === undefined) throw new UnresolvedReference(`${where}: Fn::GetAtt ${id}.${attr} has no value in the harness`);
    return value;
  }

  private sub(text: string, vars: Record<string, string>, where: string): string {
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in vars) return vars[name]!;
      const [id, attr] = name.split('.');
      return attr === undefined ? this.ref(id!, where) : this.att(id!, attr, where);
    });
  }

  private value(value: CfnValue | undefined, where: string): string | string[] {
    if (value === undefined || value === null) return '';
    if (typeof value !== 'object') return String(value);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, where));
    if (!isRecord(value)) return '';
    const [fn, arg] = Object.entries(value)[0] ?? [];
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg), where);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return this.att(id!, attr!, where);
      }
      case 'Fn::Join': {
        const [separator, parts] = Array.isArray(arg) ? arg : [];
        const list = this.value(parts, where);
        return (Array.isArray(list) ? list : [list]).join(String(separator ?? ''));
      }
      case 'Fn::Sub': {
        if (typeof arg === 'string') return this.sub(arg, {}, where);
        const [text, vars] = Array.isArray(arg) ? arg : [];
        const resolvedVars: Record<string, string> = {};
        if (isRecord(vars)) for (const [k, v] of Object.entries(vars)) resolvedVars[k] = this.resolve(v, where);
        return this.sub(String(text), resolvedVars, where);
      }
      case 'Fn::Select': {
        const [index, list] = Array.isArray(arg) ? arg : [];
        const items = this.value(list, where);
        const item = Array.isArray(items) ? items[Number(this.resolve(index, where))] : undefined;
        if (item === undefined) throw new UnresolvedReference(`${where}: Fn::Select out of range`);
        return item;
      }
      case 'Fn::Split': {
        const [separator, text] = Array.isArray(arg) ? arg : [];
        return this.resolve(text, where).split(String(separator));
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.pseudo['AWS::Region'] ?? 'us-east-1'}${zone}`);
      default:
        throw new UnresolvedReference(`${where}: ${fn ?? 'an empty object'} is not supported by the harness`);
    }
  }
}
