import { SandboxTenant } from '../../src/sandbox/index.ts';
import { knownSecretValues } from './leak-guard.ts';
import { S3Emulator } from './s3-fauxqs.ts';
import { SecretsManagerFake } from './secrets-manager-fake.ts';

export interface InitFakes {
  fake: SecretsManagerFake;
  sandbox: SandboxTenant;
  s3: S3Emulator;
  /** An existing, empty bucket for "use an existing bucket" answers. */
  bucket: string;
  stop(): Promise<void>;
}

/**
 * What `init` checks its answers against: the tenant (OAuth, JWKS), Secrets Manager and S3.
 * In-process runs' S3 clients read endpoint and keys from the process env, as in a real run,
 * so those are set here and restored by stop().
 */
export async function startInitFakes(wrongSecret: string): Promise<InitFakes> {
  const saved = { ...process.env };
  const [fake, sandbox, s3] = await Promise.all([new SecretsManagerFake().start(), new SandboxTenant({ rateLimit: false }).start(), S3Emulator.start()]);
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret, wrongSecret);
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  return {
    fake,
    sandbox,
    s3,
    bucket: await s3.bucket(),
    stop: async () => {
      process.env = saved;
      await Promise.all([fake.stop(), sandbox.stop(), s3.stop()]);
    },
  };
}
