import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ESLint } from 'eslint';
// @ts-expect-error: plain JavaScript, read by ESLint's own config; it has no types to check.
import { MAY_IMPORT } from '../../layers.config.js';

/**
 * The layers are enforced by the linter, not by review: for every pair of folders of src/,
 * a file in one importing the other is linted with the project's own ESLint config, and is
 * refused exactly when layers.config.js does not allow it.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAYERS = MAY_IMPORT as Record<string, string[]>;
const FOLDERS = Object.keys(LAYERS);
const eslint = new ESLint({ cwd: ROOT });

async function importErrors(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

function mayImport(from: string, to: string): boolean {
  return from === to || LAYERS[from]!.includes('*') || LAYERS[from]!.includes(to);
}

test('an import across folders is refused exactly when the layers forbid it, from a folder or its subfolders', async () => {
  let refused = 0;
  for (const from of FOLDERS) {
    for (const to of FOLDERS) {
      const files: [string, string][] = [[`src/${from}/layer-probe.ts`, `import { probe } from '../${to}/probe.ts';\nexport const used = probe;\n`]];
      // From a subfolder the same import climbs one more level; checked for some pairs, to keep the test quick.
      if ((FOLDERS.indexOf(from) + FOLDERS.indexOf(to)) % 4 === 0) files.push([`src/${from}/deeper/layer-probe.ts`, `import { probe } from '../../${to}/probe.ts';\nexport const used = probe;\n`]);
      for (const [file, text] of files) {
        const errors = await importErrors(text, file);
        assert.equal(errors.length, mayImport(from, to) ? 0 : 1, `${file} importing ${to}/: ${errors.join('; ') || 'allowed'}`);
        if (errors.length) {
          assert.match(errors[0]!, new RegExp(`src/${from}/ may import only from`));
          refused++;
        }
      }
    }
  }
  assert.ok(refused > 100, `only ${refused} pairs refused: the rule is not applied`);
});

test('lower layers never reach upper ones: the sandbox never imports benchling/, the queue never imports cli/', async () => {
  assert.equal((await importErrors("import { verify } from '../benchling/webhook-verifier.ts';\nexport { verify };\n", 'src/sandbox/probe.ts')).length, 1);
  assert.equal((await importErrors("import { main } from '../cli/main.ts';\nexport { main };\n", 'src/queue/probe.ts')).length, 1);
  assert.equal((await importErrors("import type { Queue } from '../queue/queue.ts';\nexport type { Queue };\n", 'src/worker/probe.ts')).length, 0);
});

test('only src/cli/ imports commander', async () => {
  const code = "import { Command } from 'commander';\nexport const program = new Command();\n";
  assert.match((await importErrors(code, 'src/service/probe.ts'))[0] ?? '', /Only src\/cli\//);
  assert.deepEqual(await importErrors(code, 'src/cli/probe.ts'), []);
});

test('every folder of src/ has its layer, so a new folder cannot slip past the rules', async () => {
  const { readdir } = await import('node:fs/promises');
  const folders = (await readdir(join(ROOT, 'src'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.deepEqual(folders.filter((f) => !FOLDERS.includes(f)), [], 'folders of src/ with no entry in layers.config.js');
});
