import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { VERSION } from '../../src/cli/version.ts';
import { PROJECT_ROOT } from '../../src/infra/package-root.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { runBin, runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { SecretsManagerFake } from '../support/secrets-manager-fake.ts';

/**
 * A deploy with no --image-uri builds the Dockerfile with Docker. Docker is what CDK_DOCKER
 * names (the CDK builds with the same program), so the tests choose it: one that is not
 * installed, and a stand-in for a docker CLI whose daemon is not running, which fails
 * `docker version` with the CLI's own message. Secrets Manager (the loopback fake) and
 * CloudFormation (an endpoint that records every call) show that nothing reached AWS.
 */

let cloudFormation: Server;
let cloudFormationUrl: string;
const cloudFormationCalls: string[] = [];
let fake: SecretsManagerFake;
let sandbox: SandboxTenant;
let noDaemon: string;
let work: string;

const DAEMON_DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

before(async () => {
  cloudFormation = createServer((req, res) => {
    cloudFormationCalls.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
  cloudFormationUrl = `http://127.0.0.1:${(cloudFormation.address() as { port: number }).port}`;
  [fake, sandbox] = await Promise.all([new SecretsManagerFake().start(), new SandboxTenant({ rateLimit: false }).start()]);
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  work = await mkdtemp(join(tmpdir(), 'bw-no-docker-'));
  noDaemon = join(work, 'docker-without-daemon');
  await writeFile(noDaemon, `#!/bin/sh\necho 'Client: Docker Engine - Community'\necho '${DAEMON_DOWN}' >&2\nexit 1\n`);
  await chmod(noDaemon, 0o755);
});
after(async () => {
  await new Promise((resolve) => cloudFormation.close(resolve));
  await Promise.all([fake.stop(), sandbox.stop()]);
});

async function deployEnv(docker: string): Promise<Record<string, string>> {
  return {
    ...fake.env(),
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-deploy-')),
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationUrl,
    BENCHLING_API_URL: sandbox.url,
    BENCHLING_JWKS_URL: sandbox.jwksUrl,
    CDK_DOCKER: docker,
  };
}

test('deploy with no --image-uri and no Docker installed stops before any AWS call, with --image-uri and the commands that push an image', async () => {
  const { arn } = fake.seed('benchling-webhook/no-docker', JSON.stringify(sandbox.secret));
  const run = await runBin(['deploy', '--benchling-secrets', arn], await deployEnv(join(work, 'not-installed')));
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /^error \[DOCKER_UNAVAILABLE\]: Docker is not working here \(`\S+not-installed` is not installed \(not found on PATH\)\), and without --image-uri deploy builds the container image with it\. Nothing was sent to AWS\.$/m);
  assert.match(run.stderr, /^- run an image that is already pushed: benchling-webhook deploy --image-uri <uri>$/m);
  // The account and region come from the secret's ARN, the version from the package, the context is the package's own directory.
  const uri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/benchling-webhook:${VERSION}`;
  const commands = [
    'aws ecr create-repository --repository-name benchling-webhook --region us-east-1',
    'aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com',
    `docker buildx build --platform linux/amd64 --tag ${uri} --push ${PROJECT_ROOT}`,
    `benchling-webhook deploy --image-uri ${uri}`,
  ];
  for (const command of commands) assert.ok(run.stderr.includes(`\n    ${command}\n`) || run.stderr.endsWith(`    ${command}\n`), `prints: ${command}\n${run.stderr}`);
  assert.deepEqual(fake.calls, [], 'Secrets Manager was not called');
  assert.deepEqual(cloudFormationCalls, [], 'CloudFormation was not called');
});

test("a docker CLI whose daemon does not answer is not a working Docker: the daemon's message is quoted", async () => {
  const secret = JSON.stringify(sandbox.secret);
  const run = await runCli(['deploy', '--benchling-secrets', secret, '--region', 'eu-west-1'], await deployEnv(noDaemon));
  assert.equal(run.code, 1, run.stderr);
  assert.ok(run.stderr.includes(`Docker is not working here (\`${noDaemon} version\` failed: ${DAEMON_DOWN})`), run.stderr);
  // An inline secret names no account: the commands keep a placeholder for it, and the region given.
  assert.match(run.stderr, /docker buildx build --platform linux\/amd64 --tag <account>\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/benchling-webhook:/);
  assert.deepEqual(fake.calls, []);
  assert.deepEqual(cloudFormationCalls, []);
});

test('with --image-uri no Docker is needed: the deploy goes on to the gate', async () => {
  const { app_definition_id: _dropped, ...incomplete } = sandbox.secret;
  const run = await runCli(
    ['deploy', '--benchling-secrets', JSON.stringify(incomplete), '--image-uri', '123456789012.dkr.ecr.us-east-1.amazonaws.com/benchling-webhook:1'],
    await deployEnv(join(work, 'not-installed')),
  );
  assert.equal(run.code, 1);
  assert.doesNotMatch(run.stderr, /DOCKER_UNAVAILABLE/);
  assert.match(run.stderr, /stopped at the gate, before any AWS call: the Benchling secret is incomplete/);
});

test('deploy --dry-run says where the image comes from and that Docker, which would build it, is not working here', async () => {
  const env = await deployEnv(noDaemon);
  const secret = JSON.stringify(sandbox.secret);
  const json = await runCli(['deploy', '--dry-run', '--offline', '--json', '--benchling-secrets', secret], env);
  assert.equal(json.code, 0, json.stderr);
  const plan = JSON.parse(json.stdout) as { image: { source: string; docker?: { working: boolean; reason?: string } } };
  assert.equal(plan.image.source, 'build');
  assert.deepEqual(plan.image.docker, { working: false, reason: `\`${noDaemon} version\` failed: ${DAEMON_DOWN}` });
  const text = await runCli(['deploy', '--dry-run', '--offline', '--benchling-secrets', secret], env);
  assert.match(text.stdout, /^ {2}image {5}built from the Dockerfile by Docker when the stack deploys; Docker is not working here \(.*\): the deploy would stop; pass --image-uri$/m);
  const given = await runCli(['deploy', '--dry-run', '--offline', '--benchling-secrets', secret, '--image-uri', 'ghcr.io/acme/bw:1'], env);
  assert.match(given.stdout, /^ {2}image {5}ghcr\.io\/acme\/bw:1 \(from --image-uri\)$/m);
});

test('--image-uri with --build-image is a usage error', async () => {
  const run = await runCli(['deploy', '--image-uri', 'ghcr.io/acme/bw:1', '--build-image'], await deployEnv(noDaemon));
  assert.equal(run.code, 2);
  assert.match(run.stderr, /error \[IMAGE_OPTIONS_CONFLICT\]: --image-uri and --build-image exclude each other/);
});
