/** What the CLI and the service need from Secrets Manager; the AWS SDK implements it. */
export interface StoredSecret {
  arn: string;
  name: string;
  versionId: string;
  /** Undefined when the secret holds binary data instead of a string. */
  secretString: string | undefined;
}

export interface SecretWriteResult {
  arn: string;
  name: string;
  versionId: string;
}

export interface SecretDescription {
  arn: string;
  name: string;
  /** Set when the secret is encrypted with a key other than Secrets Manager's default (as given at creation: id, ARN or alias). */
  kmsKeyId?: string;
}

export interface SecretStore {
  /** The AWSCURRENT version. Throws AppError SECRET_NOT_FOUND when there is none. */
  read(id: string): Promise<StoredSecret>;
  /** undefined when no secret has that name or ARN. */
  describe(id: string): Promise<SecretDescription | undefined>;
  create(name: string, secretString: string, tags: Record<string, string>): Promise<SecretWriteResult>;
  putValue(id: string, secretString: string): Promise<SecretWriteResult>;
  tag(id: string, tags: Record<string, string>): Promise<void>;
}
