import { AppError, UsageError } from '../errors/app-error.ts';
import { SECRETS_ENV, SECRETS_FLAG } from './fields.ts';
import type { SecretStore } from './secret-store.ts';
import { classifyWholeValue, type SecretSource } from './source.ts';

export type SourceKind = 'inline-json' | 'file' | 'aws' | 'separate' | 'none';

export interface SourceDescription {
  kind: SourceKind;
  /** Human label: where the value came from. Never the value itself. */
  label: string;
  /** The Secrets Manager ARN/name, when the secret was read from AWS. */
  awsId?: string;
}

export interface SecretInput {
  source: SourceDescription;
  /** The unvalidated object (or whatever the input held); checkSecret decides. */
  raw: unknown;
  /** Set when the input was an AWS secret: the version that was read. */
  aws?: { arn: string; name: string; versionId: string };
}

export interface ReadInputDeps {
  readFile(path: string): Promise<string>;
  secretStore(): SecretStore;
}

/**
 * JSON.parse messages quote the text around the error, which here may be a credential;
 * only the position survives.
 */
export function parseSecretJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String(error))?.[1];
    const near = position === undefined ? '' : ` (near character ${position})`;
    throw new AppError(
      'SECRET_JSON_INVALID',
      `${where} is not valid JSON${near}; the text is not shown because it may hold credentials`,
    );
  }
}

async function readAws(id: string, label: string, deps: ReadInputDeps): Promise<SecretInput> {
  const stored = await deps.secretStore().read(id);
  const source: SourceDescription = { kind: 'aws', label, awsId: stored.arn };
  if (stored.secretString === undefined) {
    throw new AppError('SECRET_NOT_STRING', `the secret ${stored.name} holds binary data; it must hold the JSON secret`);
  }
  const raw = parseSecretJson(stored.secretString, `the secret ${stored.name}`);
  return { source, raw, aws: { arn: stored.arn, name: stored.name, versionId: stored.versionId } };
}

/**
 * `--benchling-secrets ./secret.json` reads as a Secrets Manager name, and would fail later as
 * a secret AWS does not have (or a network error): a value that names a readable file is
 * almost surely the file, so the fix is said at once. An ARN is never a file.
 */
async function refuseFileWithoutAt(id: string, where: string, deps: ReadInputDeps): Promise<void> {
  if (id.startsWith('arn:')) return;
  const isFile = await deps.readFile(id).then(
    () => true,
    () => false,
  );
  if (isFile) {
    throw new UsageError('SECRET_FILE_WITHOUT_AT', `${where} ${id} is a file: pass ${where === SECRETS_FLAG ? `${SECRETS_FLAG} @${id}` : `${SECRETS_ENV}=@${id}`} to read the secret from it (without @ it is read as a Secrets Manager name)`);
  }
}

export async function readSecretInput(source: SecretSource, deps: ReadInputDeps): Promise<SecretInput> {
  switch (source.kind) {
    case 'none':
      return { source: { kind: 'none', label: 'no secret given' }, raw: {} };
    case 'separate':
      return { source: { kind: 'separate', label: 'separate --benchling-* flags / BENCHLING_* env vars' }, raw: source.values };
    case 'profile':
      return readAws(source.ref, `profile ${source.profile} (Secrets Manager ${source.ref})`, deps);
    case 'whole': {
      const where = source.origin === 'flag' ? SECRETS_FLAG : SECRETS_ENV;
      const value = classifyWholeValue(source.value, source.origin);
      if (value.form === 'inline-json') {
        return { source: { kind: 'inline-json', label: `${where} (inline JSON)` }, raw: parseSecretJson(value.json, where) };
      }
      if (value.form === 'file') {
        let text: string;
        try {
          text = await deps.readFile(value.path);
        } catch (error) {
          const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
          throw new AppError('SECRET_FILE_UNREADABLE', `${where} @${value.path} cannot be read (${reason})`);
        }
        return { source: { kind: 'file', label: `${where} (@${value.path})` }, raw: parseSecretJson(text, `@${value.path}`) };
      }
      await refuseFileWithoutAt(value.id, where, deps);
      return readAws(value.id, `${where} (Secrets Manager ${value.id})`, deps);
    }
  }
}
