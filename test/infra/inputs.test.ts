import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors/app-error.ts';
import { contextInputValues } from '../../src/infra/app-context.ts';
import { checkCidr, defaultStackName, resolveStackInputs } from '../../src/infra/inputs.ts';
import { budgetPerProcess, formatRate, parseRate, peakTasks } from '../../src/infra/rate-budget.ts';
import { parseSecretArn } from '../../src/infra/secret-arn.ts';
import { ACCOUNT, REGION, SECRET_ARN } from './support.ts';

const OTHER_ARN = SECRET_ARN.replace('AbC123', 'Zyx987');
const context = (env: Record<string, string> = {}, secretArn?: string, profileName = 'default') => ({
  env,
  profileName,
  profile: secretArn ? { secretArn } : undefined,
});

test('the ARN: flag over env over profile; region and account default to the secret\'s own', () => {
  assert.equal(resolveStackInputs({ benchlingSecrets: SECRET_ARN }, context({ BENCHLING_SECRETS: OTHER_ARN }, OTHER_ARN)).props.secretArn, SECRET_ARN);
  assert.equal(resolveStackInputs({}, context({ BENCHLING_SECRETS: SECRET_ARN }, OTHER_ARN)).props.secretArn, SECRET_ARN);
  const fromProfile = resolveStackInputs({}, context({}, SECRET_ARN));
  assert.equal(fromProfile.secretSource, 'profile default');
  assert.deepEqual(fromProfile.props.env, { account: ACCOUNT, region: REGION });
  assert.equal(resolveStackInputs({ region: 'eu-west-1' }, context({}, SECRET_ARN)).props.env?.region, 'eu-west-1');
});

test('defaults: new VPC, new bucket, open endpoint, the Dockerfile image; the stack named after the profile', () => {
  const { props, stackName } = resolveStackInputs({}, context({}, SECRET_ARN));
  assert.equal(stackName, 'BenchlingWebhookStack');
  for (const key of ['existingVpc', 'existingBucketName', 'allowedSourceCidrs', 'imageUri', 'alarmEmail'] as const) assert.equal(props[key], undefined, key);
  assert.equal(defaultStackName('staging'), 'BenchlingWebhookStack-staging');
});

test('lists come comma-separated (flags, context) or as arrays; VPC ids go together', () => {
  const { props } = resolveStackInputs(
    { benchlingSecrets: SECRET_ARN, vpcId: 'vpc-0123456789abcdef0', subnetIds: ' subnet-0aaaaaaaaaaaaaaaa, subnet-0bbbbbbbbbbbbbbbb ', allowCidrs: ['10.0.0.0/8'] },
    context(),
  );
  assert.deepEqual(props.existingVpc, { vpcId: 'vpc-0123456789abcdef0', privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] });
  assert.deepEqual(props.allowedSourceCidrs, ['10.0.0.0/8']);
  assert.throws(() => resolveStackInputs({ benchlingSecrets: SECRET_ARN, vpcId: 'vpc-0123456789abcdef0' }, context()), /needs --subnet-ids/);
  assert.throws(() => resolveStackInputs({ benchlingSecrets: SECRET_ARN, subnetIds: 'subnet-0aaaaaaaaaaaaaaaa' }, context()), /without --vpc-id/);
});

test('CIDRs are checked', () => {
  for (const ok of ['203.0.113.0/24', '0.0.0.0/0', '2001:db8::/32']) checkCidr(ok);
  for (const bad of ['203.0.113.0', '300.1.1.1/8', '10.0.0.0/33', 'example.com/8']) assert.throws(() => checkCidr(bad), UsageError, bad);
});

test('secret ARNs: only the complete form, with its six-character suffix', () => {
  assert.deepEqual(parseSecretArn(SECRET_ARN, 'x'), { arn: SECRET_ARN, partition: 'aws', region: REGION, account: ACCOUNT, name: 'benchling-webhook/default' });
  for (const bad of ['benchling-webhook/default', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:benchling-webhook/default`, 'arn:aws:s3:::bucket']) {
    assert.throws(() => parseSecretArn(bad, 'x'), UsageError, bad);
  }
});

test('rate budgets: format, parse, rollout peak, the largest share that fits', () => {
  assert.equal(formatRate({ requests: 20, windowSeconds: 30 }), '20/30s');
  assert.deepEqual(parseRate('15/30s'), { requests: 15, windowSeconds: 30 });
  assert.equal(parseRate('15 per 30s'), undefined);
  assert.equal(peakTasks(3, 100), 3);
  assert.equal(peakTasks(3, 200), 6);
  assert.deepEqual(budgetPerProcess({ requests: 60, windowSeconds: 30 }, 7), { requests: 8, windowSeconds: 30 });
  assert.throws(() => budgetPerProcess({ requests: 60, windowSeconds: 30 }, 61), /lower the worker's maximum task count/);
});

test('CDK context: the same inputs; the older separate values, under any of their names, are refused by name', () => {
  const context = { benchlingSecrets: SECRET_ARN, subnetIds: 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb', vpcId: 'vpc-0123456789abcdef0', port: 1 };
  const values = contextInputValues((key) => context[key as keyof typeof context]);
  assert.equal(resolveStackInputs(values, { env: {}, profileName: 'default', profile: undefined }).props.existingVpc?.vpcId, 'vpc-0123456789abcdef0');
  for (const legacy of [{ benchlingClientSecret: 'x' }, { BENCHLING_CLIENT_SECRET: 'x' }, { client_secret: 'x' }]) {
    const refused = contextInputValues((key) => legacy[key as keyof typeof legacy]);
    assert.throws(
      () => resolveStackInputs(refused, { env: {}, profileName: 'default', profile: { secretArn: SECRET_ARN } }),
      /only by its ARN, not as separate values \(--benchling-client-secret\/BENCHLING_CLIENT_SECRET\): run `benchling-webhook secrets sync`/,
    );
  }
});

test('PACKAGER reaches the stack from the environment or the profile, as it reaches `serve`', () => {
  const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/quilt-packager`;
  assert.equal(resolveStackInputs({}, context({ PACKAGER: url }, SECRET_ARN)).props.settings?.packager, url);
  const profile = { secretArn: SECRET_ARN, packager: url };
  assert.equal(resolveStackInputs({}, { env: {}, profileName: 'default', profile }).props.settings?.packager, url);
});

test('export limits reach the stack from the environment or the profile, as they reach `serve`; unset ones stay out of the props', () => {
  const fromEnv = resolveStackInputs({}, context({ EXPORT_MAX_DOWNLOAD: '1GiB', EXPORT_MAX_RATIO: '50' }, SECRET_ARN)).props.settings;
  assert.equal(fromEnv?.exportMaxDownload, 1024 ** 3);
  assert.equal(fromEnv?.exportMaxRatio, 50);
  assert.ok(!('exportMaxFiles' in (fromEnv ?? {})) && !('exportMaxUncompressed' in (fromEnv ?? {})));
  const fromProfile = resolveStackInputs({}, { env: {}, profileName: 'default', profile: { secretArn: SECRET_ARN, exportMaxFiles: 500 } }).props.settings;
  assert.equal(fromProfile?.exportMaxFiles, 500);
  assert.throws(() => resolveStackInputs({}, context({ EXPORT_MAX_UNCOMPRESSED: 'big' }, SECRET_ARN)), /EXPORT_MAX_UNCOMPRESSED is invalid/);
});

test('HTTP limits from the environment or the profile reach the webhook container; none set, none passed', () => {
  assert.equal(resolveStackInputs({}, context({}, SECRET_ARN)).props.webhook, undefined);
  const fromEnv = resolveStackInputs({}, context({ HTTP_MAX_CONNECTIONS: '100', HTTP_BODY_TIMEOUT: '30s' }, SECRET_ARN)).props.webhook?.http;
  assert.deepEqual(fromEnv, { headersTimeoutSeconds: undefined, bodyTimeoutSeconds: 30, idleTimeoutSeconds: undefined, maxConnections: 100 });
  const profile = { secretArn: SECRET_ARN, httpIdleTimeout: '90s' };
  assert.equal(resolveStackInputs({}, { env: {}, profileName: 'default', profile }).props.webhook?.http?.idleTimeoutSeconds, 90);
  assert.throws(() => resolveStackInputs({}, context({ HTTP_IDLE_TIMEOUT: 'long' }, SECRET_ARN)), /HTTP_IDLE_TIMEOUT is invalid/);
});

test('the image: --image-uri, else the one published with a release unless --build-image, else the Dockerfile', () => {
  const RELEASED = 'ghcr.io/acme/benchling-webhook:1.2.3';
  const PUSHED = '123456789012.dkr.ecr.us-east-1.amazonaws.com/benchling-webhook:mine';
  const cases = [
    { values: {}, released: undefined, expected: { source: 'build' } },
    { values: { buildImage: true }, released: undefined, expected: { source: 'build' } },
    { values: {}, released: RELEASED, expected: { source: 'release', uri: RELEASED } },
    { values: { buildImage: true }, released: RELEASED, expected: { source: 'build' } },
    { values: { imageUri: PUSHED }, released: undefined, expected: { source: 'flag', uri: PUSHED } },
    { values: { imageUri: PUSHED }, released: RELEASED, expected: { source: 'flag', uri: PUSHED } },
  ] as const;
  for (const { values, released, expected } of cases) {
    const inputs = resolveStackInputs({ ...values, benchlingSecrets: SECRET_ARN }, { ...context(), releasedImage: released });
    assert.deepEqual(inputs.image, expected, JSON.stringify({ values, released }));
    assert.equal(inputs.props.imageUri, 'uri' in expected ? expected.uri : undefined, 'the stack runs the chosen image, or builds the Dockerfile');
  }
  assert.throws(
    () => resolveStackInputs({ benchlingSecrets: SECRET_ARN, imageUri: PUSHED, buildImage: true }, context()),
    (error: unknown) => error instanceof UsageError && error.code === 'IMAGE_OPTIONS_CONFLICT' && /--image-uri and --build-image exclude each other/.test(error.message),
  );
});

test('JOB_MAX_FAILURES reaches the stack from the environment or the profile (5 when neither sets it); a bad value stops synth', () => {
  assert.equal(resolveStackInputs({}, context({ JOB_MAX_FAILURES: '3' }, SECRET_ARN)).props.settings?.jobMaxFailures, 3);
  assert.equal(resolveStackInputs({}, { env: {}, profileName: 'default', profile: { secretArn: SECRET_ARN, jobMaxFailures: 7 } }).props.settings?.jobMaxFailures, 7);
  assert.equal(resolveStackInputs({}, context({}, SECRET_ARN)).props.settings?.jobMaxFailures, 5);
  assert.throws(() => resolveStackInputs({}, context({ JOB_MAX_FAILURES: '50' }, SECRET_ARN)), /JOB_MAX_FAILURES is invalid/);
});
