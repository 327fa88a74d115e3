import assert from 'node:assert/strict';
import { deployTestWorld } from '../deploy/deploy-test-world.ts';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { historyPaths, templateHash, type DeployRecord } from '../../src/deploy/deploy-history.ts';
import { playEcs } from '../deploy/ecs-world.ts';
import { runDeploy } from '../deploy/deploy-run.ts';
import { MockedCloudFormationDeployer, StackWorld } from '../deploy/stack-world.ts';

const peers = deployTestWorld('bw-history-');
const { stubs } = peers;

// A registry outside ECR: the template names such an image as given.
const image = (tag: string) => `ghcr.io/acme/benchling-webhook:${tag}`;
const FLAGS = ['--yes', '--poll-interval', '0.05', '--no-cfn-validation'];

function stackWorld(): StackWorld {
  playEcs(stubs, { stopTimes: [], now: Date.now, stoppedReason: '', stopCode: '', containers: [] });
  return new StackWorld(stubs.cloudFormation, { outputs: { WebhookUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/' } });
}

test('two deploys are recorded next to the profile; deploy --rollback deploys the first one\'s template and image again; status --history shows all three', async () => {
  const env = await peers.env();
  const stack = stackWorld();
  const first = new MockedCloudFormationDeployer();
  assert.equal((await runDeploy(['deploy', ...FLAGS, '--image-uri', image('one')], env, first)).code, 0);
  stack.afterExecute = ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE'];
  const second = new MockedCloudFormationDeployer();
  assert.equal((await runDeploy(['deploy', ...FLAGS, '--image-uri', image('two')], env, second)).code, 0);
  assert.ok(second.template.includes(image('two')) && !second.template.includes(image('one')));

  const rollback = new MockedCloudFormationDeployer();
  const run = await runDeploy(['deploy', ...FLAGS, '--rollback'], env, rollback);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(rollback.template, first.template, 'the first deploy\'s template, byte for byte');
  assert.ok(rollback.template.includes(image('one')), 'with its image');
  assert.match(run.stderr, /rolling back BenchlingWebhookStack to the deploy of \S+ \(version \S+, image .*:one\)/);
  assert.match(run.stderr, /plan for BenchlingWebhookStack: /, 'the rollback shows its plan too');
  assert.match(run.stdout, /^deployed BenchlingWebhookStack \(UPDATE_COMPLETE\)$/m);

  const paths = historyPaths('default', env);
  assert.equal(paths.log, join(env.XDG_CONFIG_HOME!, 'benchling-webhook', 'default.history.jsonl'));
  assert.equal((await stat(paths.log)).mode & 0o777, 0o600);
  const records = (await readFile(paths.log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as DeployRecord);
  assert.deepEqual(records.map((r) => [r.outcome, r.image, r.previousState]), [
    ['deployed', image('one'), 'NONE'],
    ['deployed', image('two'), 'CREATE_COMPLETE'],
    ['deployed', image('one'), 'UPDATE_COMPLETE'],
  ]);
  assert.equal(records[0]!.templateHash, templateHash(first.template));
  assert.equal(records[2]!.templateHash, records[0]!.templateHash);
  assert.equal(records[2]!.rollbackTo, records[0]!.at);
  assert.ok((await stat(join(paths.assemblies, records[0]!.templateHash, 'BenchlingWebhookStack.template.json'))).isFile());

  const history = await runDeploy(['status', '--history'], env, rollback);
  assert.equal(history.code, 0, history.stderr);
  const lines = history.stdout.trim().split('\n');
  assert.equal(lines.length, 4, history.stdout);
  assert.match(lines[3]!, /deployed .*BenchlingWebhookStack .*template [0-9a-f]{12} .*:one .*\(was UPDATE_COMPLETE\) .*rollback to /);
  const json = JSON.parse((await runDeploy(['status', '--history', '--json'], env, rollback)).stdout) as { deploys: DeployRecord[] };
  assert.deepEqual(json.deploys, records);
});

test('deploy --rollback with fewer than two successful deploys: NO_PREVIOUS_DEPLOY before any AWS call', async () => {
  const env = await peers.env();
  const stack = stackWorld();
  peers.fake.calls.length = 0;
  const none = await runDeploy(['deploy', ...FLAGS, '--rollback'], env, new MockedCloudFormationDeployer());
  assert.equal(none.code, 1);
  assert.match(none.stderr, /error \[NO_PREVIOUS_DEPLOY\]: profile default has no earlier successful deploy .*status --history/);
  assert.deepEqual(stack.calls, []);
  assert.equal(stack.reads.length, 0);
  assert.deepEqual(peers.fake.calls, []);
  const empty = await runDeploy(['status', '--history'], env, new MockedCloudFormationDeployer());
  assert.equal(empty.stdout.trim(), 'no deploys recorded for profile default yet');
});
