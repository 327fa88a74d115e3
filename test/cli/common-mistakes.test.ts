import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppError } from '../../src/errors/app-error.ts';
import { synthesize } from '../../src/infra/synthesize.ts';
import { runBin, runCli, type CliRun } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';

/**
 * Each ordinary mistake of docs/operations.md "Common mistakes", made for real: its coded
 * message, its exit code, and no stack trace. The table in the docs and the list here are
 * held to each other: a row without a case, or a case without a row, fails.
 */

const OPERATIONS = new URL('../../docs/operations.md', import.meta.url);
const CLIENT_SECRET = 'mistakes-client-secret-7f3a';
knownSecretValues(CLIENT_SECRET);
const SECRET = { tenant: 'acme', client_id: 'mistakes-client', client_secret: CLIENT_SECRET, app_definition_id: 'appdef_mistakes' };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:benchling-webhook/default-AbC123';

/** A Node stack frame (`    at fn (file:1:2)`), or Node's own crash banner. */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$|^node:[a-z_/]+:\d+$|^Node\.js v\d+/m;

interface Mistake {
  /** The row's first column in docs/operations.md, as written there. */
  row: string;
  exit: 1 | 2;
  /** What the user sees: the whole output must match. */
  says: RegExp;
  /** Advice that would send the user the wrong way. */
  never?: RegExp;
  make(): Promise<CliRun>;
}

let root: string;
let env: Record<string, string>;
let busy: Server;
let busyPort: number;
let closedPort: number;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'bw-mistakes-'));
  env = { XDG_CONFIG_HOME: join(root, 'config'), XDG_DATA_HOME: join(root, 'data'), AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: join(root, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(root, 'none') };
  busy = createServer();
  busyPort = await listen(busy);
  // A port that was free a moment ago and has nothing listening now: a connection is refused.
  const gone = createServer();
  closedPort = await listen(gone);
  await new Promise((resolve) => gone.close(resolve));
  await writeFile(join(root, 'a-file'), 'not a directory');
  await writeFile(join(root, 'secret.json'), JSON.stringify(SECRET), { mode: 0o600 });
  await mkdir(join(env.XDG_CONFIG_HOME!, 'benchling-webhook'), { recursive: true });
  for (const name of ['prod', 'staging']) await writeFile(join(env.XDG_CONFIG_HOME!, 'benchling-webhook', `${name}.json`), '{}\n');
});
after(async () => {
  await new Promise((resolve) => busy.close(resolve));
  await rm(root, { recursive: true, force: true });
});

const inline = JSON.stringify(SECRET);
const serve = (...args: string[]) => runCli(['serve', '--host', '127.0.0.1', '--benchling-secrets', inline, ...args], env);

/** The refused synth, through the function every synth path calls: --out keeps the last good template, or stays absent. */
async function refusedSynth(): Promise<CliRun> {
  const kept = join(root, 'cdk.out-kept');
  await mkdir(kept);
  await writeFile(join(kept, 'BenchlingWebhookStack.template.json'), '{"last":"good"}');
  const fresh = join(root, 'cdk.out-fresh');
  const runs: CliRun[] = [];
  for (const outdir of [kept, fresh]) {
    try {
      // The rules refuse a template that holds a value they were told is secret.
      synthesize({ outdir, stackName: 'BenchlingWebhookStack', props: { env: { account: '123456789012', region: 'us-east-1' }, secretArn: SECRET_ARN, existingBucketName: 'acme-do-not-publish' }, knownSecretValues: ['acme-do-not-publish'], cloudFormationValidation: false });
      runs.push({ code: 0, stdout: 'synthesized', stderr: '' });
    } catch (error) {
      assert.ok(error instanceof AppError, String(error));
      runs.push({ code: error.exitCode, stdout: '', stderr: `error [${error.code}]: ${error.message}` });
    }
  }
  assert.equal(await readFile(join(kept, 'BenchlingWebhookStack.template.json'), 'utf8'), '{"last":"good"}', 'the last good template is kept');
  await assert.rejects(stat(fresh), { code: 'ENOENT' }, 'no half-written folder');
  const { readdir } = await import('node:fs/promises');
  assert.deepEqual((await readdir(root)).filter((name) => name.includes('partial')), [], 'no staging folder is left behind');
  return runs[0]!;
}

const MISTAKES: Mistake[] = [
  {
    row: '`serve --port` on a port something else listens on',
    exit: 1,
    says: /error \[PORT_IN_USE\]: port \d+ on 127\.0\.0\.1 is already in use: stop what listens there, or pass another --port \(env PORT\)/,
    make: () => serve('--port', String(busyPort), '--registry', join(root, 'registry')),
  },
  {
    row: '`--port abc`',
    exit: 2,
    says: /error \[SETTING_INVALID\]: --port is invalid: must be a port number from 0 to 65535, such as 8080/,
    never: /NaN/,
    make: () => serve('--port', 'abc', '--registry', join(root, 'registry')),
  },
  {
    row: '`serve`, `worker` or `demo` with a `--registry` that is a file',
    exit: 2,
    says: /error \[REGISTRY_NOT_WRITABLE\]: the registry \S+a-file is a file, not a directory: pass --registry \(env REGISTRY\) a directory you can write to/,
    make: async () => {
      const runs = [await serve('--port', '0', '--registry', join(root, 'a-file')), await runCli(['worker', '--benchling-secrets', inline, '--registry', join(root, 'a-file')], env), await runCli(['demo', '--registry', join(root, 'a-file')], env)];
      for (const run of runs.slice(1)) assert.deepEqual([run.code, run.stderr], [runs[0]!.code, runs[0]!.stderr]);
      return runs[0]!;
    },
  },
  {
    row: 'a `--registry` that cannot be made or written',
    exit: 2,
    says: /error \[REGISTRY_NOT_WRITABLE\]: the registry \S+a-file\/packages cannot be made|error \[REGISTRY_NOT_WRITABLE\]: the registry \/proc\/bw-registry cannot be made: \/proc is not writable/,
    make: () => serve('--port', '0', '--registry', process.platform === 'linux' ? '/proc/bw-registry' : join(root, 'a-file', 'packages')),
  },
  {
    row: '`synth --out` a file, or a directory that cannot be written',
    exit: 2,
    says: /error \[OUT_NOT_WRITABLE\]: --out: \S+a-file is a file, not a directory: pass --out a directory you can write to/,
    make: () => runCli(['synth', '--benchling-secrets', SECRET_ARN, '--out', join(root, 'a-file')], env),
  },
  {
    row: 'a refused synth (a rule it breaks)',
    exit: 1,
    says: /error \[SYNTH_RULES_FAILED\]: the stack breaks \d+ synth-time rule\(s\):\n {2}\[Benchling-NoSecretLiteral\]/,
    make: refusedSynth,
  },
  {
    row: '`--benchling-secrets ./secret.json`, a file, without `@`',
    exit: 2,
    says: /error \[SECRET_FILE_WITHOUT_AT\]: --benchling-secrets \S+secret\.json is a file: pass --benchling-secrets @\S+secret\.json to read the secret from it/,
    make: () => runCli(['secrets', 'check', '--benchling-secrets', join(root, 'secret.json')], env),
  },
  {
    row: 'Secrets Manager cannot be reached (DNS, refused, timeout)',
    exit: 1,
    says: /error \[SECRETS_MANAGER_UNREACHABLE\]: cannot reach Secrets Manager for benchling-webhook\/default: 127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED\); check the network.*\(a network problem, not a credentials one\)/,
    never: /AWS_CREDENTIALS|ACCESS_DENIED|aws configure/,
    make: () => runCli(['secrets', 'check', '--benchling-secrets', 'benchling-webhook/default'], { ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${closedPort}` }),
  },
  {
    row: "Benchling's host does not resolve (a mistyped tenant, no network)",
    exit: 1,
    says: /✗ Benchling OAuth +BENCHLING_UNREACHABLE: .*cannot resolve acme-typo\.invalid \(DNS lookup failed: (ENOTFOUND|EAI_AGAIN)\): a network problem, not a credentials one\n +fix: check the network and that acme-typo\.invalid is right .* the client id and secret could not be checked/,
    never: /check client_id and client_secret/,
    make: () => runCli(['validate', '--benchling-secrets', inline, '--benchling-api-url', 'http://acme-typo.invalid', '--benchling-jwks-url', `http://127.0.0.1:${closedPort}/jwks`], env),
  },
  {
    row: "the app definition's key set cannot be reached",
    exit: 1,
    says: /✗ app definition keys +Cannot fetch the Benchling JWKS from http:\/\/127\.0\.0\.1:\d+\/jwks: 127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED\).*\n +fix: check the network .* the app definition could not be checked/,
    never: /check app_definition_id/,
    make: () => runCli(['validate', '--benchling-secrets', inline, '--benchling-api-url', 'http://acme-typo.invalid', '--benchling-jwks-url', `http://127.0.0.1:${closedPort}/jwks`], env),
  },
  {
    row: 'no secret given at all',
    exit: 1,
    says: /no Benchling secret given: pass --benchling-secrets @secret\.json \(a JSON file with tenant, client_id, client_secret and app_definition_id\) or a Secrets Manager ARN or name/,
    never: /--benchling-tenant|--benchling-client-secret|BENCHLING_CLIENT_SECRET/,
    make: () => runCli(['secrets', 'check'], env),
  },
  {
    row: '`--profile` names a profile that does not exist',
    exit: 2,
    says: /error \[PROFILE_NOT_FOUND\]: no profile "stagng" in \S+ \(known profiles: prod, staging; `benchling-webhook profiles` lists them\): check --profile, or create it with `benchling-webhook init --profile stagng`/,
    make: async () => {
      const runs = [await runCli(['secrets', 'check', '--profile', 'stagng'], env), await runCli(['status', '--profile', 'stagng'], env), await runCli(['synth', '--profile', 'stagng', '--benchling-secrets', SECRET_ARN, '--out', join(root, 'out')], env)];
      for (const run of runs.slice(1)) assert.deepEqual([run.code, run.stderr], [runs[0]!.code, runs[0]!.stderr]);
      return runs[0]!;
    },
  },
  {
    row: '`worker --port` (the worker answers no HTTP)',
    exit: 2,
    says: /error: unknown option '--port'/,
    make: () => runCli(['worker', '--port', '8080'], env),
  },
];

/** The first column and the exit column of each row of the "Common mistakes" table. */
async function documentedRows(): Promise<Map<string, number>> {
  const markdown = await readFile(OPERATIONS, 'utf8');
  const section = /^## Common mistakes\n([\s\S]*?)^## /m.exec(markdown)?.[1];
  assert.ok(section, 'docs/operations.md has a "Common mistakes" section');
  const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| mistake'));
  return new Map(rows.map((line) => {
    const cells = line.split(' | ');
    return [cells[0]!.slice(2), Number(cells.at(-1)!.replace(/\s*\|$/, ''))];
  }));
}

test('the docs table and this list name the same mistakes, with the same exit codes', async () => {
  const rows = await documentedRows();
  assert.deepEqual([...rows.keys()].sort(), MISTAKES.map((m) => m.row).sort());
  for (const mistake of MISTAKES) assert.equal(rows.get(mistake.row), mistake.exit, mistake.row);
});

for (const mistake of MISTAKES) {
  test(`${mistake.row}: ${mistake.says.source.slice(0, 60)}…`, async () => {
    const run = await mistake.make();
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.code, mistake.exit, output);
    assert.match(output, mistake.says);
    assert.doesNotMatch(output, STACK_TRACE, 'no stack trace');
    if (mistake.never) assert.doesNotMatch(output, mistake.never);
  });
}

test('the real binary, on a port in use, prints the coded line and nothing of a crash', async () => {
  const run = await runBin(['serve', '--host', '127.0.0.1', '--port', String(busyPort), '--benchling-secrets', inline, '--registry', join(root, 'registry')], env);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /^error \[PORT_IN_USE\]: port \d+ on 127\.0\.0\.1 is already in use/m);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
});
