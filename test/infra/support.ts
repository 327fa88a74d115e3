import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { BenchlingWebhookStackProps } from '../../src/infra/benchling-webhook-stack.ts';
import { synthesize, type SynthResult } from '../../src/infra/synthesize.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:benchling-webhook/default-AbC123`;

/** A complete secret whose values the leak guard and the template rules look for. */
export function testSecret(): { tenant: string; client_id: string; client_secret: string; app_definition_id: string } {
  const secret = {
    tenant: 'acme',
    client_id: `cid_${randomBytes(9).toString('hex')}`,
    client_secret: `cs_${randomBytes(18).toString('base64url')}`,
    app_definition_id: `appdef_${randomBytes(6).toString('hex')}`,
  };
  knownSecretValues(secret.client_id, secret.client_secret);
  return secret;
}

const made: string[] = [];

/** A temp dir removed when the file's tests are done (synth outputs stage a copy of the build context). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Every file a synth wrote (templates, manifests, tree, staged build context) goes through the leak guard. */
export function guardOutdir(outdir: string): void {
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (statSync(path).size < 5_000_000) captured(`synth output ${path}`, readFileSync(path, 'utf8'));
    }
  };
  walk(outdir);
}

/**
 * The stack synthesized in this process with cdk-nag and the project's rules, as every synth
 * path does; CloudFormation's own schema validation is left to the one test that pays for it.
 */
export function synthStack(
  props: Partial<BenchlingWebhookStackProps> = {},
  options: { knownSecretValues?: string[]; stackName?: string } = {},
): SynthResult {
  const outdir = tempDir('bw-synth-');
  try {
    const result = synthesize({
      outdir,
      stackName: options.stackName ?? 'BenchlingWebhookStack',
      props: { env: { account: ACCOUNT, region: REGION }, secretArn: SECRET_ARN, ...props },
      knownSecretValues: options.knownSecretValues,
      cloudFormationValidation: false,
    });
    guardOutdir(outdir);
    return result;
  } catch (error) {
    // A refused template is not kept: it may hold exactly what the rules refused.
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}
