import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Change } from '@aws-sdk/client-cloudformation';
import fc from 'fast-check';
import type { AppError } from '../../src/errors/app-error.ts';
import { checkReplacements, planChangeSet, statementLine } from '../../src/deploy/change-set-plan.ts';
import { templateChanges } from '../../src/deploy/template-plan.ts';

const statement = fc.record({
  Effect: fc.constantFrom('Allow', 'Deny'),
  Action: fc.oneof(fc.constantFrom('s3:GetObject', 'sqs:SendMessage', 'kms:Decrypt'), fc.uniqueArray(fc.constantFrom('s3:PutObject', 's3:ListBucket', 'sqs:DeleteMessage'), { minLength: 1, maxLength: 2 })),
  Resource: fc.constantFrom('*', 'arn:aws:s3:::packages/*', 'arn:aws:sqs:us-east-1:123456789012:jobs.fifo'),
});

/** The same statement with its keys in another order: CloudFormation does not promise an order. */
const reordered = (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).reverse());

const policyChange = (before: object[] | undefined, after: object[]): Change => ({
  Type: 'Resource',
  ResourceChange: {
    Action: before === undefined ? 'Add' : 'Modify',
    Replacement: before === undefined ? undefined : 'False',
    LogicalResourceId: 'TaskPolicy',
    ResourceType: 'AWS::IAM::Policy',
    BeforeContext: before === undefined ? undefined : JSON.stringify({ PolicyDocument: { Statement: before } }),
    AfterContext: JSON.stringify({ PolicyDocument: { Statement: after } }),
  },
});

test('the IAM statements a change broadens are exactly the Allow statements it adds, whatever their key order', () => {
  fc.assert(
    fc.property(fc.uniqueArray(statement, { maxLength: 4, selector: (s) => JSON.stringify(s) }), fc.uniqueArray(statement, { maxLength: 4, selector: (s) => JSON.stringify(s) }), (kept, added) => {
      const before = kept;
      const after = [...kept.map(reordered), ...added];
      const plan = planChangeSet([policyChange(before, after)]);
      const keptLines = new Set(kept.map(statementLine));
      const expected = added.filter((s) => s.Effect === 'Allow' && !keptLines.has(statementLine(s))).map(statementLine);
      assert.deepEqual(plan.iamBroadenings.map((b) => b.statement).sort(), [...new Set(expected)].sort());
    }),
  );
});

test('a role added with its trust policy and inline policies broadens by each of their Allow statements', () => {
  const role: Change = {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Add',
      LogicalResourceId: 'TaskRole',
      ResourceType: 'AWS::IAM::Role',
      AfterContext: JSON.stringify({
        AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['sqs:ReceiveMessage'], Resource: 'arn:q' }] } }],
      }),
    },
  };
  assert.deepEqual(planChangeSet([role]).iamBroadenings.map((b) => b.statement), [
    'Allow sts:AssumeRole to {"Service":"ecs-tasks.amazonaws.com"}',
    'Allow sqs:ReceiveMessage on arn:q',
  ]);
});

test('only replacements of resources that hold data are refused, and --allow-replacement lets them through', () => {
  const replace = (id: string, type: string, replacement = 'True'): Change => ({ Type: 'Resource', ResourceChange: { Action: 'Modify', Replacement: replacement as 'True', LogicalResourceId: id, ResourceType: type } });
  const plan = planChangeSet([replace('Task', 'AWS::ECS::TaskDefinition'), replace('Bucket', 'AWS::S3::Bucket'), replace('Secret', 'AWS::SecretsManager::Secret', 'Conditional')]);
  assert.deepEqual(plan.replace.map((r) => r.logicalId), ['Task', 'Bucket', 'Secret']);
  assert.deepEqual(plan.statefulReplacements.map((r) => r.logicalId), ['Bucket', 'Secret']);
  assert.throws(() => checkReplacements('S', plan, false), (error: AppError) => error.code === 'STATEFUL_REPLACEMENT_REFUSED' && /Bucket \(AWS::S3::Bucket\), Secret/.test(error.message));
  checkReplacements('S', plan, true);
  checkReplacements('S', planChangeSet([replace('Task', 'AWS::ECS::TaskDefinition')]), false);
});

test('the dry run\'s template comparison: a renamed bucket is a replacement, a changed tag a modification, a missing resource a removal', () => {
  const before = { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'a' } }, Jobs: { Type: 'AWS::SQS::Queue', Properties: { Tags: [1] } }, Old: { Type: 'AWS::SNS::Topic' } } };
  const after = { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'b' } }, Jobs: { Type: 'AWS::SQS::Queue', Properties: { Tags: [2] } }, New: { Type: 'AWS::SNS::Topic' } } };
  const plan = planChangeSet(templateChanges(before, after));
  assert.deepEqual([plan.add, plan.modify, plan.replace, plan.remove].map((list) => list.map((r) => r.logicalId)), [['New'], ['Jobs'], ['Bucket'], ['Old']]);
  assert.deepEqual(planChangeSet(templateChanges(after, after)).add, []);
  assert.equal(planChangeSet(templateChanges(undefined, after)).add.length, 3);
});
