import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { CfnTemplate } from '../../src/infra/rules/template.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { imageEntrypoint } from '../infra/harness/container-process.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { PROJECT_ROOT, childEnv, dryRunFiles, npm, packProject, readmeSnippet, runProgram, startProgram, type ProcessRun } from './packed.ts';

/**
 * The package as users get it: packed with `npm pack` (its prepack builds dist/), installed
 * from the tarball into empty folders and run from there, never from this clone. The
 * tarball's dependencies come from the npm registry, so these tests need it; npm's cache
 * keeps later runs fast. Each step prints what it took.
 */

/** The CDK CLI whose `cdk init app --language typescript` makes the CDK app below. */
const CDK_CLI_VERSION = '2.1149.0';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:benchling-webhook/default-AbC123';

/** What the installed package cannot work without: the CLI, the construct library and its types, and the image's build context. */
const MUST_HAVE = [
  'package.json', 'README.md', 'LICENSE', 'Dockerfile', '.dockerignore', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.image.json',
  'bin/benchling-webhook.js', 'dist/cli/run.js', 'dist/cli/main.js', 'dist/infra/index.js', 'dist/infra/index.d.ts',
  'src/cli/run.ts', 'src/infra/index.ts', 'docs/deploy-guide.md',
];
/** Where each packed file may be; anything else is a file users do not run. */
const ALLOWED = [
  /^(package\.json|README\.md|LICENSE|Dockerfile|\.dockerignore|tsconfig(\.build|\.image)?\.json)$/,
  /^bin\/[\w-]+\.js$/,
  /^dist\/.+\.(js|d\.ts|d\.ts\.map)$/,
  /^src\/.+\.ts$/,
  /^docs\/[\w-]+\.md$/,
];
/** Never in it: tests, benchmarks, CI, local config and state, build leftovers. */
const MUST_NOT = [/^test\//, /^bench\//, /^\.ci\//, /^\.github\//, /^node_modules\//, /^cdk\.out\//, /^quilt-registry\//, /\.tgz$/, /(^|\/)\.env/, /^\.npmrc$/, /^eslint\.config\.js$/, /^package-lock\.json$/, /\.log$/];

const made: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
after(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A step's run must have exited 0; the step and its time are printed either way. */
function step(t: TestContext, what: string, run: ProcessRun): ProcessRun {
  t.diagnostic(`${what}: exit ${run.code}, ${(run.ms / 1000).toFixed(1)} s`);
  assert.equal(run.code, 0, `${what} failed:\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** A CLI run with its own config and data homes, as a new user's. */
async function userEnv(extra: Record<string, string> = {}): Promise<Record<string, string | undefined>> {
  const home = await tempDir('bw-user-');
  return childEnv({ XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), ...extra });
}

function ecsServices(template: CfnTemplate): string[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::ECS::Service')
    .map(([id]) => id);
}

function containerImages(template: CfnTemplate): unknown[] {
  return Object.values(template.Resources ?? {})
    .filter((resource) => resource.Type === 'AWS::ECS::TaskDefinition')
    .flatMap((resource) => (resource.Properties?.ContainerDefinitions as { Image: unknown }[]).map((c) => c.Image));
}

let tarball: string;
let packedFiles: string[];
let packTime = '';

before(async () => {
  const started = performance.now();
  ({ tarball, files: packedFiles } = await packProject(await tempDir('bw-pack-')));
  // The suite's reporter prints diagnostics only inside tests; this one goes with the first.
  packTime = `npm pack (prepack builds dist/): ${((performance.now() - started) / 1000).toFixed(1)} s`;
});

describe('the packed package', { concurrency: true }, () => {
  test('npm pack --dry-run lists what synth and deploy need and nothing users do not run', async (t) => {
    t.diagnostic(packTime);
    const files = await dryRunFiles();
    assert.deepEqual([...files].sort(), [...packedFiles].sort(), 'the dry run lists the tarball the pack made');
    for (const path of MUST_HAVE) assert.ok(files.includes(path), `${path} is in the tarball`);
    for (const path of files) {
      assert.ok(ALLOWED.some((allowed) => allowed.test(path)), `${path} is not a file the package ships`);
      assert.ok(!MUST_NOT.some((forbidden) => forbidden.test(path)), `${path} must not be in the tarball`);
    }
    // dist/ is built from exactly these sources: a module with no compiled twin, or a stale one, fails here.
    const sources = files.filter((path) => path.startsWith('src/')).map((path) => path.slice('src/'.length, -'.ts'.length));
    const compiled = files.filter((path) => path.startsWith('dist/') && path.endsWith('.js')).map((path) => path.slice('dist/'.length, -'.js'.length));
    assert.deepEqual(compiled.sort(), sources.sort());
    for (const module of sources) assert.ok(files.includes(`dist/${module}.d.ts`), `dist/${module}.d.ts`);
  });

  test('installed into an empty folder: `npx benchling-webhook --help`, `demo` and `synth --out` exit 0 from there', async (t) => {
    const dir = await tempDir('bw-installed-');
    step(t, 'npm install <tarball> into an empty folder', await npm(['install', tarball], dir));
    assert.ok(!existsSync(join(dir, 'node_modules', 'tsx')), 'no tsx: the installed CLI runs the compiled dist/');
    const env = await userEnv();

    const help = step(t, 'npx benchling-webhook --help', await runProgram('npx', ['benchling-webhook', '--help'], { cwd: dir, env }));
    assert.match(help.stdout, /^Usage: benchling-webhook /m);
    for (const command of ['init', 'secrets', 'serve', 'worker', 'validate', 'deploy', 'synth', 'demo', 'status', 'logs', 'destroy']) {
      assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'), command);
    }

    const demo = step(t, 'npx benchling-webhook demo', await runProgram('npx', ['benchling-webhook', 'demo'], { cwd: dir, env }));
    assert.match(demo.stdout, /top hash +[0-9a-f]{64}/);

    const out = join(dir, 'cdk.out');
    const synth = step(t, 'npx benchling-webhook synth --out', await runProgram('npx', ['benchling-webhook', 'synth', '--out', out, '--benchling-secrets', SECRET_ARN], { cwd: dir, env }));
    assert.match(synth.stdout, /BenchlingWebhookStack \(123456789012\/us-east-1\) → /);
    const template = JSON.parse(await readFile(join(out, 'BenchlingWebhookStack.template.json'), 'utf8')) as CfnTemplate;
    assert.equal(ecsServices(template).length, 2, 'the webhook and worker ECS services');
    // The original failure: synth could not stage the image's build context from the installed package.
    const assets = JSON.parse(await readFile(join(out, 'BenchlingWebhookStack.assets.json'), 'utf8')) as { dockerImages: Record<string, { source: { directory: string } }> };
    const [image] = Object.values(assets.dockerImages);
    for (const path of ['Dockerfile', 'package.json', 'tsconfig.image.json', 'src/cli/run.ts']) assert.ok(existsSync(join(out, image!.source.directory, path)), `staged ${path}`);

    // The construct library from an ES module app: it type-checks (NodeNext resolution, the package's exports) and imports.
    await writeFile(
      join(dir, 'esm-app.mts'),
      [
        "import { App } from 'aws-cdk-lib';",
        "import { BenchlingWebhookStack, type BenchlingWebhookStackProps } from 'benchling-webhook';",
        `const props: BenchlingWebhookStackProps = { secretArn: '${SECRET_ARN}', imageUri: 'ghcr.io/acme/benchling-webhook:1.0.0' };`,
        "export const stack = new BenchlingWebhookStack(new App(), 'Esm', props);",
        '',
      ].join('\n'),
    );
    const tsconfig = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: [] }, files: ['esm-app.mts'] };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    step(t, 'tsc on an ES module app that imports the constructs', await runProgram(process.execPath, [tsc, '-p', '.'], { cwd: dir, env }));
    const imported = step(
      t,
      'import("benchling-webhook") from an ES module',
      await runProgram(process.execPath, ['--input-type=module', '-e', "const m = await import('benchling-webhook'); console.log(typeof m.BenchlingWebhookStack, typeof m.BenchlingWebhook, typeof m.applyRules)"], { cwd: dir, env }),
    );
    assert.equal(imported.stdout.trim(), 'function function function');
  });

  test("the image's layout (its own compile, production dependencies only: no tsx, aws-cdk-lib or CDK toolkit) runs demo, serve and worker", async (t) => {
    // The image as its Dockerfile builds it, without Docker, from the package's files (a build context):
    // the build stage's compile of src/ with the compiler alone, then the deps stage's own `npm ci` line
    // with the lock file a clone's context holds.
    const dir = await tempDir('bw-image-');
    step(t, 'unpack the tarball', await runProgram('tar', ['-xzf', tarball, '-C', dir], { cwd: dir }));
    const app = join(dir, 'package');
    const dockerfile = await readFile(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    const compile = /typescript\/bin\/tsc( .+)$/m.exec(dockerfile)?.[1]?.trim().split(' ');
    assert.ok(compile, "the Dockerfile's build stage runs tsc");
    await rm(join(app, 'dist'), { recursive: true });
    const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    step(t, `tsc ${compile.join(' ')} (the image's compile, no node_modules)`, await runProgram(process.execPath, [tsc, ...compile], { cwd: app }));
    await copyFile(join(PROJECT_ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
    const install = /npm ci((?: --[\w=-]+)+)/.exec(dockerfile)?.[1]?.trim().split(' ');
    assert.ok(install, "the Dockerfile's deps stage runs npm ci");
    step(t, `npm ci ${install.join(' ')} (the image's install)`, await npm(['ci', ...install], app));
    const installed = await readdir(join(app, 'node_modules'));
    for (const absent of ['tsx', 'typescript', 'esbuild', 'aws-cdk-lib', 'constructs', 'cdk-nag']) assert.ok(!installed.includes(absent), `${absent} is not in the image`);
    assert.ok(!existsSync(join(app, 'node_modules', '@aws-cdk')), 'no @aws-cdk/* package (the toolkit and its parts)');
    for (const present of ['fastify', 'commander', 'zod']) assert.ok(installed.includes(present), `${present} is in the image`);

    const [node, ...entrypoint] = imageEntrypoint();
    assert.equal(node, 'node');
    const env = await userEnv({ NODE_ENV: 'production' });
    const demo = step(t, 'demo in the image layout', await runProgram(process.execPath, [...entrypoint, 'demo'], { cwd: app, env }));
    assert.match(demo.stdout, /top hash +[0-9a-f]{64}/);

    const sandbox = await new SandboxTenant({ rateLimit: false }).start();
    try {
      knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
      const serviceEnv = await userEnv({ NODE_ENV: 'production', ...sandbox.serviceEnv() });
      const started = performance.now();
      const serve = await startProgram(process.execPath, [...entrypoint, 'serve', '--no-worker', '--host', '127.0.0.1', '--port', '0'], { cwd: app, env: serviceEnv, ready: /listening on (\S+)/ });
      const health = await fetch(`${serve.match[1]!}/health/ready`);
      t.diagnostic(`serve --no-worker in the image layout: ready in ${((performance.now() - started) / 1000).toFixed(1)} s, /health/ready ${health.status}`);
      assert.equal(health.status, 200, serve.output());
      assert.equal(await serve.stop(), 0, serve.output());
      const worker = await startProgram(process.execPath, [...entrypoint, 'worker'], { cwd: app, env: serviceEnv, ready: /^worker running$/m });
      assert.equal(await worker.stop(), 0, worker.output());
    } finally {
      await sandbox.stop();
    }
  });

  test('a `cdk init app --language typescript` app installs the tarball, and the README snippet type-checks and synthesizes with one aws-cdk-lib', async (t) => {
    const dir = join(await tempDir('bw-cdk-app-'), 'benchling-app');
    await mkdir(dir);
    // The real `cdk init`, at a pinned CLI version: the app, its package.json (CommonJS) and tsconfig as generated.
    step(t, `cdk init app --language typescript (aws-cdk ${CDK_CLI_VERSION})`, await runProgram('npx', ['--yes', `aws-cdk@${CDK_CLI_VERSION}`, 'init', 'app', '--language', 'typescript', '--generate-only'], { cwd: dir }));
    const generated = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { type?: string; devDependencies: Record<string, string> };
    assert.equal(generated.type, undefined, 'the generated app is CommonJS');
    const cdkJson = JSON.parse(await readFile(join(dir, 'cdk.json'), 'utf8')) as { app: string };
    // Its app command type-checks with the generated tsconfig before it runs the app: `cdk synth` fails on a type error.
    const entry = /^npx tsc && npx tsx (bin\/[\w-]+\.ts)$/.exec(cdkJson.app)?.[1];
    assert.ok(entry, `cdk.json's app type-checks, then runs bin/…: ${cdkJson.app}`);
    t.diagnostic(`generated: TypeScript ${generated.devDependencies.typescript}, tsconfig module ${/"module": "(\w+)"/.exec(await readFile(join(dir, 'tsconfig.json'), 'utf8'))?.[1]}`);
    await writeFile(join(dir, entry), await readmeSnippet());

    step(t, 'npm install (the generated dependencies and the tarball)', await npm(['install', tarball], dir));
    const env = childEnv({ AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' });
    step(t, 'cdk synth (npx tsc, then the app)', await runProgram('npx', ['cdk', 'synth', '--quiet', '--no-notices'], { cwd: dir, env }));
    const template = JSON.parse(await readFile(join(dir, 'cdk.out', 'BenchlingWebhookStack.template.json'), 'utf8')) as CfnTemplate;
    assert.equal(ecsServices(template).length, 2, 'the webhook and worker ECS services');
    assert.ok(JSON.stringify(containerImages(template)).includes('benchling-webhook:0.1.0'), 'the snippet\'s image');

    const copies = step(t, 'npm ls aws-cdk-lib', await runProgram('npm', ['ls', 'aws-cdk-lib', '--all', '--parseable'], { cwd: dir }));
    const paths = new Set(copies.stdout.split('\n').filter((line) => line.includes('aws-cdk-lib')));
    assert.deepEqual([...paths], [join(dir, 'node_modules', 'aws-cdk-lib')], 'one copy of aws-cdk-lib, the app\'s');
    // The CommonJS app's require() of the ES module package, without tsx: Node ≥ 20.19 loads it.
    const required = step(t, 'require("benchling-webhook") from CommonJS', await runProgram(process.execPath, ['-e', "console.log(typeof require('benchling-webhook').BenchlingWebhookStack)"], { cwd: dir }));
    assert.equal(required.stdout.trim(), 'function');
  });
});
