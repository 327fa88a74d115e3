import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forgetDestroyed, planDestroy } from '../../src/operate/destroy-plan.ts';
import type { StackSummary } from '../../src/operate/cloudformation-stack.ts';

const stack: StackSummary = {
  id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1',
  name: 'S',
  region: 'us-east-1',
  status: 'UPDATE_COMPLETE',
  statusReason: undefined,
  lastUpdated: undefined,
  outputs: { SecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:from-stack-AbCdEf' },
};
const logs = { logicalId: 'WebhookWorkerTaskLogs1', physicalId: 'worker-logs', type: 'AWS::Logs::LogGroup' };
const bucket = { logicalId: 'WebhookPackagesBucket1', physicalId: 'made-by-stack', type: 'AWS::S3::Bucket' };

test('a stack that writes to an existing bucket has no bucket to delete: --delete-bucket is refused', () => {
  assert.throws(() => planDestroy(stack, [logs], undefined, { deleteSecret: false, deleteBucket: 'their-bucket' }), /the stack created no bucket/);
  assert.equal(planDestroy(stack, [logs], undefined, { deleteSecret: false, deleteBucket: false }).bucket, undefined);
});

test('by default everything RETAIN is kept: the bucket, the secret and the log groups', () => {
  const plan = planDestroy(stack, [logs, bucket], { secretArn: 'arn:profile' }, { deleteSecret: false, deleteBucket: false });
  assert.deepEqual(plan, { stackName: 'S', region: 'us-east-1', bucket: { name: 'made-by-stack', delete: false }, secret: { arn: 'arn:profile', delete: false }, keptLogGroups: ['worker-logs'] });
});

test("the secret is the profile's, else the stack's output", () => {
  assert.equal(planDestroy(stack, [], undefined, { deleteSecret: true, deleteBucket: false }).secret?.arn, stack.outputs.SecretArn);
  assert.throws(() => planDestroy({ ...stack, outputs: {} }, [], undefined, { deleteSecret: true, deleteBucket: false }), /no secret to delete/);
});

test('the profile forgets the destroyed stack, and the secret only when it was deleted', () => {
  const profile = { stackName: 'S', secretArn: 'arn:profile', region: 'us-east-1' };
  const keep = planDestroy(stack, [], profile, { deleteSecret: false, deleteBucket: false });
  assert.deepEqual(forgetDestroyed(profile, keep), { secretArn: 'arn:profile', region: 'us-east-1' });
  const remove = planDestroy(stack, [], profile, { deleteSecret: true, deleteBucket: false });
  assert.deepEqual(forgetDestroyed(profile, remove), { region: 'us-east-1' });
  assert.deepEqual(forgetDestroyed({ ...profile, stackName: 'Other' }, keep), { ...profile, stackName: 'Other' });
});
