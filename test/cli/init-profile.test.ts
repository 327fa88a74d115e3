import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profileFromAnswers, type InitAnswers } from '../../src/cli/init/profile.ts';

const ANSWERS: InitAnswers = {
  awsProfile: undefined,
  region: 'us-east-1',
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:benchling-webhook/default-AbC123',
  bucket: { kind: 'new' },
  packagePrefix: 'benchling',
  packageLinkKey: 'experiment_id',
  quiltCatalog: undefined,
  packager: undefined,
  vpc: { kind: 'new' },
  allowCidrs: [],
  benchlingApiUrl: undefined,
  benchlingJwksUrl: undefined,
};

test('an existing bucket becomes the registry; other profile keys are kept', () => {
  const written = profileFromAnswers({ queue: 'https://sqs.example/q.fifo', registry: './local' }, { ...ANSWERS, bucket: { kind: 'existing', name: 'acme-packages' } });
  assert.equal(written.bucketName, 'acme-packages');
  assert.equal(written.registry, 's3://acme-packages');
  assert.equal(written.queue, 'https://sqs.example/q.fifo');
});

test('going back to a new bucket drops a registry that pointed at the old one, but keeps one set by hand', () => {
  const followed = profileFromAnswers({ bucketName: 'old', registry: 's3://old' }, ANSWERS);
  assert.equal('registry' in followed, false);
  assert.equal('bucketName' in followed, false);
  const byHand = profileFromAnswers({ bucketName: 'old', registry: 's3://elsewhere/prefix' }, ANSWERS);
  assert.equal(byHand.registry, 's3://elsewhere/prefix');
});

test('an existing VPC and an allow-list are recorded; a new VPC and an empty list remove them', () => {
  const vpc = { kind: 'existing' as const, vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] };
  const existing = profileFromAnswers({}, { ...ANSWERS, vpc, allowCidrs: ['10.0.0.0/8'] });
  assert.deepEqual([existing.vpcId, existing.subnetIds, existing.allowCidrs], [vpc.vpcId, vpc.subnetIds, ['10.0.0.0/8']]);
  const reset = profileFromAnswers(existing, ANSWERS);
  for (const key of ['vpcId', 'subnetIds', 'allowCidrs']) assert.equal(key in reset, false, key);
});
