import { UsageError } from '../errors/app-error.ts';

// A key ARN, multi-Region keys (mrk-…) included; IAM grants need the key, an alias will not do.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** The ARN of the KMS key a secret is encrypted with, checked before it goes into a grant. */
export function parseKmsKeyArn(value: string, where: string): string {
  if (!KMS_KEY_ARN.test(value)) {
    throw new UsageError(
      'KMS_KEY_ARN_INVALID',
      `${where} must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (an alias cannot be granted on)`,
    );
  }
  return value;
}

/** Whether a secret's KmsKeyId (a key id, key ARN, alias name or alias ARN) names this key ARN. */
export function namesKey(kmsKeyId: string, keyArn: string): boolean {
  return kmsKeyId === keyArn || keyArn.endsWith(`:key/${kmsKeyId}`);
}

/** Secrets Manager's own key needs no grant: the service decrypts for whoever may read the secret. */
export function isDefaultSecretKey(kmsKeyId: string | undefined): boolean {
  return kmsKeyId === undefined || kmsKeyId === '' || /(^|:)alias\/aws\/secretsmanager$/.test(kmsKeyId);
}
