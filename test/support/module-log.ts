import { readFile } from 'node:fs/promises';

/** Runs in the loader thread of the child: each resolved module's URL, one a line, appended to the log file. */
const HOOKS = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(file, resolved.url + '\\n');
  return resolved;
}`;

/**
 * NODE_OPTIONS for a child process that records every module it loads (static imports, dynamic
 * imports, packages) in `file`: the hooks are registered before the program's first import,
 * by an --import of their own, so the program runs unchanged.
 */
export function moduleLogOptions(file: string): string {
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)}, { data: { file: ${JSON.stringify(file)} } });`;
  return `--import=data:text/javascript,${encodeURIComponent(register)}`;
}

/** The modules the child loaded: package names (`aws-cdk-lib`, `@aws-sdk/client-s3`) and the project's own files (`src/cli/serve.ts`). */
export async function loadedModules(file: string): Promise<{ packages: Set<string>; sources: Set<string> }> {
  const urls = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  const packages = new Set<string>();
  const sources = new Set<string>();
  for (const url of urls) {
    const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (inPackage) packages.add(inPackage[1]!);
    else {
      const own = /\/((?:src|bin)\/.+)$/.exec(url);
      if (own) sources.add(own[1]!);
    }
  }
  return { packages, sources };
}
