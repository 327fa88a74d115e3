import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before } from 'node:test';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { SecretsManagerFake } from '../support/secrets-manager-fake.ts';

/**
 * What every test file of `deploy` sets up. CloudFormation, ECS and CloudWatch Logs have no
 * loopback double: they are the SDK mocks the project rules allow, reset after each test.
 * Secrets Manager is the loopback fake and Benchling the sandbox tenant, one each per file.
 * No run has a terminal unless a test gives it one.
 */
export function deployTestWorld(prefix: string) {
  const stubs = { cloudFormation: mockClient(CloudFormationClient), ecs: mockClient(ECSClient), logs: mockClient(CloudWatchLogsClient) };
  let fake: SecretsManagerFake | undefined;
  let sandbox: SandboxTenant | undefined;
  afterEach(() => Object.values(stubs).forEach((stub) => stub.reset()));
  before(async () => {
    [fake, sandbox] = await Promise.all([new SecretsManagerFake().start(), new SandboxTenant({ rateLimit: false }).start()]);
    knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  });
  after(() => Promise.all([fake?.stop(), sandbox?.stop()]));
  return {
    stubs,
    get fake(): SecretsManagerFake {
      return fake!;
    },
    get sandbox(): SandboxTenant {
      return sandbox!;
    },
    /** A new user's config home and registry, the secret inline, and no Docker (these deploys run a pushed image). */
    async env(): Promise<Record<string, string | undefined>> {
      return {
        ...fake!.env(),
        XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), prefix)),
        BENCHLING_API_URL: sandbox!.url,
        BENCHLING_JWKS_URL: sandbox!.jwksUrl,
        REGISTRY: await mkdtemp(join(tmpdir(), `${prefix}reg-`)),
        BENCHLING_SECRETS: JSON.stringify(sandbox!.secret),
        CDK_DOCKER: '/nonexistent/docker',
      };
    },
  };
}
