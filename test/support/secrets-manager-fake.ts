import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Secrets Manager speaking AWS JSON 1.1, for the real
 * @aws-sdk/client-secrets-manager client (reached through AWS_ENDPOINT_URL_SECRETS_MANAGER
 * or an explicit endpoint). It keeps versions and the AWSCURRENT/AWSPREVIOUS labels as AWS
 * does, and answers with AWS's error types.
 */
interface Version {
  id: string;
  secretString: string;
  stages: string[];
  created: number;
}

interface Secret {
  arn: string;
  name: string;
  versions: Version[];
  tags: Map<string, string>;
  lastChanged: number;
  /** Only when created with one: AWS leaves KmsKeyId out for the default key. */
  kmsKeyId?: string;
  /** Scheduled for deletion: when, and after how many days it would be gone. */
  deletion?: { at: number; recoveryDays: number };
}

class FakeError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const now = () => Date.now() / 1000;

export class SecretsManagerFake {
  readonly secrets = new Map<string, Secret>();
  /** Every operation called, in order: tests assert on what a command did. */
  readonly calls: { operation: string; secretId?: string }[] = [];
  private server: Server | undefined;
  private readonly failures = new Map<string, FakeError>();
  url = '';

  constructor(
    readonly region = 'us-east-1',
    readonly account = '123456789012',
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** The next call of `operation` fails with this AWS error type (AccessDeniedException, say). */
  failNext(operation: string, type: string, message: string): void {
    this.failures.set(operation, new FakeError(type, message));
  }

  /** Env that points the real SDK at this fake, with dummy credentials. */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.url,
      AWS_REGION: this.region,
      AWS_ACCESS_KEY_ID: 'AKIDFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    };
  }

  find(id: string): Secret | undefined {
    return this.secrets.get(id) ?? [...this.secrets.values()].find((s) => s.arn === id);
  }

  current(id: string): Version | undefined {
    return this.find(id)?.versions.find((v) => v.stages.includes('AWSCURRENT'));
  }

  /** Creates or replaces a secret without any client: whatever a person might have stored. */
  seed(name: string, secretString: string): { arn: string; name: string } {
    this.secrets.delete(name);
    const out = this.operations.CreateSecret!({ Name: name, SecretString: secretString }) as { ARN: string };
    return { arn: out.ARN, name };
  }

  /** Changes a secret behind every client's back, as a person in the console would. */
  overwrite(id: string, secretString: string): void {
    const secret = this.require(id);
    this.addVersion(secret, secretString, randomUUID());
  }

  private require(id: string): Secret {
    const secret = this.find(id);
    if (!secret) throw new FakeError('ResourceNotFoundException', NOT_FOUND);
    return secret;
  }

  /** As AWS: a secret scheduled for deletion can be described and restored, not read or written. */
  private live(id: string): Secret {
    const secret = this.require(id);
    if (secret.deletion) {
      throw new FakeError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");
    }
    return secret;
  }

  private addVersion(secret: Secret, secretString: string, id: string): Version {
    for (const v of secret.versions) {
      v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
      if (v.stages.includes('AWSCURRENT')) v.stages = v.stages.filter((s) => s !== 'AWSCURRENT').concat('AWSPREVIOUS');
    }
    const version = { id, secretString, stages: ['AWSCURRENT'], created: now() };
    secret.versions.push(version);
    secret.lastChanged = version.created;
    return version;
  }

  private operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    CreateSecret: (input) => {
      const name = String(input.Name ?? '');
      if (!name) throw new FakeError('InvalidParameterException', 'Name is required.');
      if (this.secrets.has(name)) throw new FakeError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
      const suffix = randomBytes(4).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
      const secret: Secret = {
        arn: `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${name}-${suffix}`,
        name,
        versions: [],
        tags: new Map(((input.Tags as { Key: string; Value: string }[]) ?? []).map((t) => [t.Key, t.Value])),
        lastChanged: now(),
        ...(input.KmsKeyId ? { kmsKeyId: String(input.KmsKeyId) } : {}),
      };
      this.secrets.set(name, secret);
      const version = this.addVersion(secret, String(input.SecretString ?? ''), String(input.ClientRequestToken ?? randomUUID()));
      return { ARN: secret.arn, Name: name, VersionId: version.id };
    },
    PutSecretValue: (input) => {
      const secret = this.live(String(input.SecretId));
      const version = this.addVersion(secret, String(input.SecretString ?? ''), String(input.ClientRequestToken ?? randomUUID()));
      return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: version.stages };
    },
    GetSecretValue: (input) => {
      const secret = this.live(String(input.SecretId));
      const stage = String(input.VersionStage ?? 'AWSCURRENT');
      const version = input.VersionId
        ? secret.versions.find((v) => v.id === input.VersionId)
        : secret.versions.find((v) => v.stages.includes(stage));
      if (!version) throw new FakeError('ResourceNotFoundException', NOT_FOUND);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.id,
        SecretString: version.secretString,
        VersionStages: version.stages,
        CreatedDate: version.created,
      };
    },
    DescribeSecret: (input) => {
      const secret = this.require(String(input.SecretId));
      return {
        ARN: secret.arn,
        Name: secret.name,
        LastChangedDate: secret.lastChanged,
        ...(secret.kmsKeyId ? { KmsKeyId: secret.kmsKeyId } : {}),
        ...(secret.deletion ? { DeletedDate: secret.deletion.at } : {}),
        Tags: [...secret.tags].map(([Key, Value]) => ({ Key, Value })),
        VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.id, v.stages])),
      };
    },
    DeleteSecret: (input) => {
      const secret = this.live(String(input.SecretId));
      if (input.ForceDeleteWithoutRecovery === true) {
        this.secrets.delete(secret.name);
        return { ARN: secret.arn, Name: secret.name, DeletionDate: now() };
      }
      const recoveryDays = Number(input.RecoveryWindowInDays ?? 30);
      if (!(recoveryDays >= 7 && recoveryDays <= 30)) throw new FakeError('InvalidParameterException', 'RecoveryWindowInDays must be between 7 and 30.');
      secret.deletion = { at: now(), recoveryDays };
      return { ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletion.at + recoveryDays * 86_400 };
    },
    TagResource: (input) => {
      const secret = this.require(String(input.SecretId));
      for (const t of (input.Tags as { Key: string; Value: string }[]) ?? []) secret.tags.set(t.Key, t.Value);
      return {};
    },
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^secretsmanager\./, '');
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      const input = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      this.calls.push({ operation, secretId: (input.SecretId ?? input.Name) as string | undefined });
      const injected = this.failures.get(operation);
      if (injected) {
        this.failures.delete(operation);
        throw injected;
      }
      const handler = req.method === 'POST' && target.startsWith('secretsmanager.') ? this.operations[operation] : undefined;
      if (!handler) throw new FakeError('InvalidAction', `The action ${operation || '(none)'} is not valid for this endpoint.`);
      this.reply(res, 200, handler(input));
    } catch (error) {
      const type = error instanceof FakeError ? error.type : 'InternalServiceError';
      res.setHeader('x-amzn-errortype', type);
      this.reply(res, type === 'InternalServiceError' ? 500 : 400, { __type: type, message: (error as Error).message });
    }
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(body));
  }
}
