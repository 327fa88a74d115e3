import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { CLI_ONLY_PACKAGES, MAY_IMPORT } from './layers.config.js';

const FOLDERS = Object.keys(MAY_IMPORT);

/** The import rules of one folder of src/: the folders it may not reach, and commander outside cli/. */
function layerRules(folder) {
  const allowed = MAY_IMPORT[folder];
  const forbidden = allowed.includes('*') ? [] : FOLDERS.filter((other) => other !== folder && !allowed.includes(other));
  const patterns = [];
  if (forbidden.length > 0) {
    patterns.push({
      // Relative imports only: from src/<folder>/ or a subfolder, any number of ../ then a forbidden folder.
      regex: `^(\\.\\./)+(${forbidden.join('|')})/`,
      message: `src/${folder}/ may import only from ${allowed.length ? allowed.join(', ') : 'no other folder'} (layers.config.js, docs/architecture.md).`,
    });
  }
  if (folder !== 'cli') patterns.push({ group: CLI_ONLY_PACKAGES, message: 'Only src/cli/ parses command lines.' });
  return { files: [`src/${folder}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  ...FOLDERS.map(layerRules),
);
