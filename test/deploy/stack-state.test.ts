import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { classifyStack, formatOutcome, type StackDescription } from '../../src/deploy/stack-state.ts';
import { rollbackTarget, type DeployRecord } from '../../src/deploy/deploy-history.ts';

const CONTEXT = { stackName: 'BenchlingWebhookStack', region: 'eu-west-1' };
const stack = (status: string, resources: StackDescription['resources'] = []): StackDescription => ({ id: 'arn:stack/1', name: 'BenchlingWebhookStack', status, resources });

// Every status CloudFormation documents for a stack.
const STATUSES = [
  'CREATE_IN_PROGRESS', 'CREATE_FAILED', 'CREATE_COMPLETE', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_FAILED', 'ROLLBACK_COMPLETE',
  'DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_COMPLETE', 'UPDATE_FAILED', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_FAILED', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS', 'IMPORT_IN_PROGRESS', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_IN_PROGRESS',
  'IMPORT_ROLLBACK_FAILED', 'IMPORT_ROLLBACK_COMPLETE',
];

test('every stack status has a named outcome; each one deploy cannot go straight on from has a code and a fix naming a command or flag', () => {
  fc.assert(
    fc.property(fc.constantFrom(...STATUSES), fc.array(fc.constantFrom('UPDATE_FAILED', 'DELETE_FAILED', 'UPDATE_COMPLETE'), { maxLength: 3 }), (status, resourceStates) => {
      const resources = resourceStates.map((s, i) => ({ logicalId: `R${i}`, type: 'AWS::SQS::Queue', status: s }));
      const outcome = classifyStack(stack(status, resources), CONTEXT);
      if (outcome.kind === 'absent' || outcome.kind === 'ready') {
        assert.equal(outcome.code, undefined);
        return;
      }
      assert.match(outcome.code ?? '', /^STACK_[A-Z_]+$/);
      assert.match(outcome.fix ?? '', /`(benchling-webhook|aws cloudformation) [^`]+`|--no-wait/);
      assert.ok(formatOutcome(outcome).startsWith(`stack state [${outcome.code}]: `));
    }),
  );
});

test('each state the deploy handles maps to its own code', () => {
  const codes = Object.fromEntries(
    ['UPDATE_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED', 'UPDATE_COMPLETE'].map((s) => [s, classifyStack(stack(s), CONTEXT).code]),
  );
  assert.deepEqual(codes, {
    UPDATE_IN_PROGRESS: 'STACK_IN_PROGRESS',
    ROLLBACK_COMPLETE: 'STACK_ROLLBACK_COMPLETE',
    REVIEW_IN_PROGRESS: 'STACK_REVIEW_EMPTY',
    UPDATE_ROLLBACK_FAILED: 'STACK_UPDATE_ROLLBACK_FAILED',
    DELETE_FAILED: 'STACK_DELETE_FAILED',
    UPDATE_COMPLETE: undefined,
  });
  assert.equal(classifyStack(undefined, CONTEXT).kind, 'absent');
  // A stack in review that holds resources is not the empty one deploy may delete.
  assert.equal(classifyStack(stack('REVIEW_IN_PROGRESS', [{ logicalId: 'Bucket', type: 'AWS::S3::Bucket', status: 'IMPORT_COMPLETE' }]), CONTEXT).kind, 'blocked');
});

test('UPDATE_ROLLBACK_FAILED names only the failed resources, and offers skipping exactly those', () => {
  const outcome = classifyStack(
    stack('UPDATE_ROLLBACK_FAILED', [
      { logicalId: 'Jobs', type: 'AWS::SQS::Queue', status: 'UPDATE_COMPLETE' },
      { logicalId: 'WebhookService', type: 'AWS::ECS::Service', status: 'UPDATE_FAILED', reason: 'not ACTIVE' },
      { logicalId: 'WorkerService', type: 'AWS::ECS::Service', status: 'UPDATE_FAILED' },
    ]),
    CONTEXT,
  );
  assert.deepEqual(outcome.resources.map((r) => r.logicalId), ['WebhookService', 'WorkerService']);
  assert.match(outcome.fix!, /--skip-resources WebhookService,WorkerService`/);
  assert.match(outcome.fix!, /`aws cloudformation continue-update-rollback --stack-name BenchlingWebhookStack --region eu-west-1`/);
});

const record = (at: string, hash: string, outcome: DeployRecord['outcome']): DeployRecord => ({
  at, version: '1.0.0', stackName: 'S', image: 'i', templateHash: hash.repeat(64), outcome, previousState: 'NONE',
});

test('rollback goes to the successful deploy before the latest successful one, skipping same-template and failed ones', () => {
  assert.equal(rollbackTarget([]), undefined);
  assert.equal(rollbackTarget([record('1', 'a', 'deployed')]), undefined);
  assert.equal(rollbackTarget([record('1', 'a', 'deployed'), record('2', 'b', 'deployed')])?.at, '1');
  assert.equal(rollbackTarget([record('1', 'a', 'deployed'), record('2', 'b', 'deployed'), record('3', 'c', 'failed')])?.at, '1');
  assert.equal(rollbackTarget([record('1', 'a', 'deployed'), record('2', 'b', 'failed'), record('3', 'a', 'unchanged')]), undefined);
  assert.equal(rollbackTarget([record('1', 'a', 'deployed'), record('2', 'b', 'deployed'), record('3', 'b', 'unchanged')])?.at, '1');
  // Whatever the history, the target is an earlier success with another template than the current one.
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom<DeployRecord['outcome']>('deployed', 'unchanged', 'failed', 'abandoned')), { maxLength: 8 }), (steps) => {
      const records = steps.map(([hash, outcome], i) => record(String(i), hash, outcome));
      const target = rollbackTarget(records);
      const current = records.filter((r) => r.outcome === 'deployed' || r.outcome === 'unchanged').at(-1);
      if (!target) return;
      assert.ok(target.outcome === 'deployed' || target.outcome === 'unchanged');
      assert.notEqual(target.templateHash, current!.templateHash);
      assert.ok(Number(target.at) < Number(current!.at));
    }),
  );
});
