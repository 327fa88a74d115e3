import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { after, before, test } from 'node:test';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runInit } from '../../src/cli/init.ts';
import type { InitOptions } from '../../src/cli/init-options.ts';
import { inquirerPrompter } from '../../src/cli/init-prompter.ts';
import { ec2VpcDirectory } from '../../src/cli/init-vpcs.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { readProfile } from '../../src/config/profile.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { AwsSecretStore } from '../../src/secret/aws-secret-store.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { SecretsManagerFake } from '../support/secrets-manager-fake.ts';

let fake: SecretsManagerFake;
let sandbox: SandboxTenant;

before(async () => {
  [fake, sandbox] = await Promise.all([new SecretsManagerFake().start(), new SandboxTenant({ rateLimit: false }).start()]);
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
});
after(async () => {
  await Promise.all([fake.stop(), sandbox.stop()]);
});

/**
 * Where the prompts draw. Each prompt pipes into it and ends the pipe when it is answered; like
 * process.stdout, this screen stays open for the next prompt.
 */
class Screen extends Writable {
  text = '';

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += stripVTControlCharacters(chunk.toString());
    done();
  }

  override end(): this {
    return this;
  }
}

/** The prompts on in-memory streams: keys go in, the rendered screen comes out, as on a terminal. */
function screen() {
  const input = new PassThrough();
  const output = new Screen();
  let seen = 0;
  return {
    prompter: inquirerPrompter({ input, output }),
    text: () => output.text,
    /** Waits until the text shows after the previous match, then types the keys. */
    async at(expected: string, keys: string): Promise<void> {
      const deadline = Date.now() + 10_000;
      while (output.text.indexOf(expected, seen) < 0) {
        if (Date.now() > deadline) throw new Error(`"${expected}" never appeared:\n${output.text}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      seen = output.text.indexOf(expected, seen) + expected.length;
      input.write(keys);
    },
  };
}

function sink() {
  let text = '';
  return { write: (s: string) => (text += s), text: () => text };
}

test('prompts driven through streams: a malformed, then an unknown app definition id are refused at their prompt; the right one is accepted', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bw-init-prompts-'));
  const env = {
    ...fake.env(),
    XDG_CONFIG_HOME: join(dir, 'config'),
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    BENCHLING_API_URL: sandbox.url,
  };
  const stdout = sink();
  const stderr = sink();
  const store = new AwsSecretStore(
    new SecretsManagerClient({ region: fake.region, endpoint: fake.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 }),
  );
  const io: CliIo = { stdout, stderr, logs: stderr, env, readFile: (p) => readFile(p, 'utf8'), secretStore: () => store };
  const terminal = screen();
  const options: InitOptions = { profile: 'streams', benchlingJwksUrl: `${sandbox.url}/api/v1/apps/{id}/jwks`.replace('{id}', sandbox.secret.app_definition_id) };
  const { tenant, client_id, client_secret, app_definition_id } = sandbox.secret;

  const done = runInit(options, io, { prompter: terminal.prompter, vpcDirectory: ec2VpcDirectory, secretStore: () => store });
  await terminal.at('AWS region (us-east-1)', '\r');
  await terminal.at('Benchling tenant', `${tenant}\r`);
  await terminal.at('Benchling app client id', `${client_id}\r`);
  await terminal.at('Benchling app client secret', `${client_secret}\r`);
  // The tenant answers the first key-set request 404, as Benchling does for an unknown app definition.
  sandbox.faults.failNext('GET /api/v1/apps/{id}/jwks', { status: 404 });
  await terminal.at('App definition id', 'app_wrong\r');
  await terminal.at('must start with appdef_', '\x15appdef_unknown00\r');
  await terminal.at('no signing keys for this app definition', `\x15${app_definition_id}\r`);
  await terminal.at('Package bucket', '\r');
  await terminal.at('Package prefix', 'notebooks\r');
  await terminal.at('Metadata key', '\r');
  await terminal.at('Quilt catalog host', 'catalog.example.com\r');
  await terminal.at('Network', '\r');
  await terminal.at('Source CIDRs', '\r');
  const code = await done;
  captured('init prompts screen', terminal.text());
  captured('init prompts stdout', stdout.text());
  captured('init prompts stderr', stderr.text());

  assert.equal(code, 0, stderr.text());
  const profile = await readProfile('streams', env);
  assert.equal(profile?.packagePrefix, 'notebooks');
  assert.equal(profile?.quiltCatalog, 'catalog.example.com');
  assert.equal(profile?.benchlingJwksUrl, options.benchlingJwksUrl, 'a URL given as a flag is recorded for later commands');
  assert.match(stdout.text(), /wrote profile streams: .*streams\.json/);
  assert.match(stdout.text(), /secret: created benchling-webhook\/streams/);
});
