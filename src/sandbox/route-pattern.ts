/**
 * One syntax for route templates, fault targets and log queries: `"[METHOD ]/path"`, where a
 * `{name}` or `*` stands for one path segment (or the part of it it replaces, as in
 * `/downloads/{token}.zip`). Without a method, any method matches. A RegExp is tested
 * against `"METHOD /path"`.
 */
export type RoutePattern = string | RegExp;

export interface CompiledPattern {
  method: string | undefined;
  regex: RegExp;
  names: string[];
}

export function compilePattern(pattern: string): CompiledPattern {
  const space = pattern.indexOf(' ');
  const method = space > 0 ? pattern.slice(0, space).toUpperCase() : undefined;
  const path = space > 0 ? pattern.slice(space + 1) : pattern;
  const names: string[] = [];
  const source = path
    .split(/(\{[^}]+\}|\*)/)
    .map((part) => {
      if (part === '*') return '[^/]+';
      if (part.startsWith('{') && part.endsWith('}')) {
        names.push(part.slice(1, -1));
        return '([^/]+?)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { method, regex: new RegExp(`^${source}$`), names };
}

/** The named segments when it matches, undefined when not. */
export function matchCompiled(compiled: CompiledPattern, method: string, path: string): Record<string, string> | undefined {
  if (compiled.method !== undefined && compiled.method !== method) return undefined;
  const match = compiled.regex.exec(path);
  if (!match) return undefined;
  return Object.fromEntries(compiled.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
}

export function patternMatcher(pattern: RoutePattern): (method: string, path: string) => boolean {
  if (pattern instanceof RegExp) return (method, path) => pattern.test(`${method} ${path}`);
  const compiled = compilePattern(pattern);
  return (method, path) => matchCompiled(compiled, method, path) !== undefined;
}
