import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerFake } from './secrets-manager-fake.ts';
import type { FormContext } from './secret-forms.ts';

/** A loopback Secrets Manager, a scratch directory and an XDG config dir, for one test file. */
export interface SecretWorld {
  fake: SecretsManagerFake;
  dir: string;
  baseEnv: Record<string, string>;
  context(): FormContext;
  close(): Promise<void>;
}

export async function openSecretWorld(): Promise<SecretWorld> {
  const fake = await new SecretsManagerFake().start();
  const dir = await mkdtemp(join(tmpdir(), 'bw-secret-'));
  const baseEnv = { ...fake.env(), XDG_CONFIG_HOME: join(dir, 'config'), LOG_LEVEL: 'trace' };
  let counter = 0;
  return {
    fake,
    dir,
    baseEnv,
    context: () => ({ fake, dir, baseEnv, id: `t${++counter}` }),
    close: async () => {
      await fake.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
