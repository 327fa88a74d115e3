import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { awsConfigFacts, inferRegion, loadAwsConfigFacts } from '../../src/config/aws-config.ts';

test('profiles come from both files, default first, without sso-session and services sections', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bw-aws-config-'));
  await writeFile(join(dir, 'config'), '[profile zeta]\nregion = ap-south-1\n[default]\nregion = eu-west-2\n[sso-session corp]\nsso_region = us-east-1\n[services local]\ns3 =\n  endpoint_url = http://localhost\n');
  const fakeKeys = (profile: string) => `[${profile}]\naws_access_key_id = A\naws_secret_access_key = B\n`;
  await writeFile(join(dir, 'credentials'), fakeKeys('ci') + fakeKeys('default'));
  const facts = await loadAwsConfigFacts({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') });
  assert.deepEqual(facts, { profiles: ['default', 'ci', 'zeta'], regions: { default: 'eu-west-2', zeta: 'ap-south-1' } });
});

test('missing files mean no profiles, not a failure', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bw-aws-config-'));
  assert.deepEqual(await loadAwsConfigFacts({ AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') }), { profiles: [], regions: {} });
});

test('region: AWS_REGION, then AWS_DEFAULT_REGION, then the chosen profile, then AWS_PROFILE or default', () => {
  const facts = awsConfigFacts({ default: { region: 'eu-west-2' }, lab: { region: 'us-west-2' }, ops: { region: 'ca-central-1' } }, {});
  assert.equal(inferRegion({ AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-2' }, facts, 'lab'), 'us-east-1');
  assert.equal(inferRegion({ AWS_DEFAULT_REGION: 'us-east-2' }, facts, 'lab'), 'us-east-2');
  assert.equal(inferRegion({}, facts, 'lab'), 'us-west-2');
  assert.equal(inferRegion({ AWS_PROFILE: 'ops' }, facts, undefined), 'ca-central-1');
  assert.equal(inferRegion({}, facts, undefined), 'eu-west-2');
  assert.equal(inferRegion({}, facts, 'unknown'), undefined);
});
