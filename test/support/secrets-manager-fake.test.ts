import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { SecretsManagerFake } from './secrets-manager-fake.ts';

// The fake is only worth something if the real client cannot tell it from AWS on the calls we use.
let fake: SecretsManagerFake;
let client: SecretsManagerClient;
before(async () => {
  fake = await new SecretsManagerFake().start();
  client = new SecretsManagerClient({
    endpoint: fake.url,
    region: fake.region,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
});
after(() => fake.stop());

test('create, read by name and by ARN, rotate labels, describe', async () => {
  const created = await client.send(new CreateSecretCommand({ Name: 'svc/one', SecretString: '{"v":1}', ClientRequestToken: 'tok-1' }));
  assert.match(created.ARN!, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:svc\/one-[A-Za-z0-9]{6}$/);
  assert.equal(created.VersionId, 'tok-1');
  const byArn = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
  assert.equal(byArn.SecretString, '{"v":1}');
  assert.ok(byArn.CreatedDate instanceof Date);
  const put = await client.send(new PutSecretValueCommand({ SecretId: 'svc/one', SecretString: '{"v":2}' }));
  assert.deepEqual(put.VersionStages, ['AWSCURRENT']);
  await client.send(new PutSecretValueCommand({ SecretId: 'svc/one', SecretString: '{"v":3}' }));
  const previous = await client.send(new GetSecretValueCommand({ SecretId: 'svc/one', VersionStage: 'AWSPREVIOUS' }));
  assert.equal(previous.SecretString, '{"v":2}');
  const first = await client.send(new GetSecretValueCommand({ SecretId: 'svc/one', VersionId: 'tok-1' }));
  assert.deepEqual(first.VersionStages, [], 'the oldest version has lost its labels');
  const described = await client.send(new DescribeSecretCommand({ SecretId: 'svc/one' }));
  assert.equal(described.Name, 'svc/one');
  assert.ok(described.LastChangedDate instanceof Date);
});

test('errors arrive as the modelled exception classes', async () => {
  await assert.rejects(client.send(new GetSecretValueCommand({ SecretId: 'nope' })), (error: unknown) => {
    assert.ok(error instanceof ResourceNotFoundException);
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(error.message, "Secrets Manager can't find the specified secret.");
    return true;
  });
  await client.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'x' }));
  await assert.rejects(client.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'y' })), ResourceExistsException);
  await assert.rejects(client.send(new ListSecretsCommand({})), (error: unknown) => {
    assert.ok(error instanceof SecretsManagerServiceException);
    assert.equal(error.name, 'InvalidAction');
    return true;
  });
});

test('delete schedules the secret with the default 30-day window: described with its date, no longer readable or writable', async () => {
  const created = await client.send(new CreateSecretCommand({ Name: 'to-delete', SecretString: '{}' }));
  const deleted = await client.send(new DeleteSecretCommand({ SecretId: created.ARN }));
  assert.equal(deleted.ARN, created.ARN);
  const days = (deleted.DeletionDate!.getTime() - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `deletion in ${days} days`);
  assert.ok((await client.send(new DescribeSecretCommand({ SecretId: 'to-delete' }))).DeletedDate instanceof Date);
  await assert.rejects(client.send(new GetSecretValueCommand({ SecretId: 'to-delete' })), InvalidRequestException);
  await assert.rejects(client.send(new PutSecretValueCommand({ SecretId: 'to-delete', SecretString: '{}' })), InvalidRequestException);
  await assert.rejects(client.send(new DeleteSecretCommand({ SecretId: created.ARN })), InvalidRequestException);
});

test('failNext makes the next call of that operation fail with the given AWS error, once', async () => {
  await client.send(new CreateSecretCommand({ Name: 'guarded', SecretString: '{}' }));
  fake.failNext('GetSecretValue', 'AccessDeniedException', 'not authorized');
  await assert.rejects(client.send(new GetSecretValueCommand({ SecretId: 'guarded' })), (error: unknown) => (error as { name: string }).name === 'AccessDeniedException');
  assert.equal((await client.send(new GetSecretValueCommand({ SecretId: 'guarded' }))).SecretString, '{}');
});
