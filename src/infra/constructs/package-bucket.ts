import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { UsageError } from '../../errors/app-error.ts';
import { APP_KEYS_PREFIX } from '../../storage/app-keys.ts';
import { acknowledge } from '../acknowledge.ts';

export interface PackageBucketProps {
  /** An existing bucket to write packages into; default a new bucket. */
  readonly existingBucketName?: string;
}

const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkBucketName(name: string): void {
  if (!BUCKET_NAME.test(name) || name.endsWith('-s3alias')) {
    throw new UsageError('BUCKET_NAME_INVALID', `bucket name must be 3–63 lowercase letters, digits, dots and hyphens`);
  }
}

/** The Quilt registry the worker writes packages into. */
export class PackageBucket extends Construct {
  readonly bucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: PackageBucketProps = {}) {
    super(scope, id);
    if (props.existingBucketName !== undefined) {
      checkBucketName(props.existingBucketName);
      this.bucket = s3.Bucket.fromBucketName(this, 'Bucket', props.existingBucketName);
      return;
    }
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Quilt manifests pin object versions: old versions are package history, never expired.
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    acknowledge(
      bucket,
      'AwsSolutions-S1',
      'Only the worker task role writes here and every package revision is versioned and recorded in its manifest; ' +
        'object-level audit belongs to the account CloudTrail data events, and a log bucket would itself be unlogged.',
    );
    this.bucket = bucket;
  }

  /**
   * Package data, manifests and pointers: read and write, never the bucket's configuration.
   * Delete only under the app's own prefix (staged copies are removed once a revision no
   * longer names them, and so are the records of canvases Benchling no longer has) and under
   * the package prefix, where a job that fails part-way removes the files it wrote that no
   * revision names. Never s3:DeleteObjectVersion: on the versioned bucket a delete only hides
   * the current version, so every revision stays readable through the versions it pins.
   */
  grantPackageWrites(role: IRole, packagePrefix: string): void {
    const packageKeys = `${packagePrefix}/*`;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:DeleteObject'],
        resources: [this.bucket.arnForObjects(`${APP_KEYS_PREFIX}*`), this.bucket.arnForObjects(packageKeys)],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'],
        resources: [this.bucket.bucketArn],
      }),
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${objectsFinding(this.bucket, '*')}]`,
      'Package keys are chosen at run time (entry display ids under the package prefix, manifests and pointers ' +
        'under .quilt/), so object access is granted on the one bucket, with no version delete and no bucket configuration.',
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${objectsFinding(this.bucket, `${APP_KEYS_PREFIX}*`)}]`,
      'Staged file copies and canvas records get run-time keys under the app prefix; delete is allowed there ' +
        'and under the package prefix only, so no package revision can be removed.',
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${objectsFinding(this.bucket, packageKeys)}]`,
      'A packaging job that fails part-way removes the files it wrote under the package prefix (run-time entry ' +
        'display ids) that no revision names; a delete on the versioned bucket keeps every pinned version readable.',
    );
  }
}

/** How cdk-nag names an objects wildcard of this bucket in an IAM5 finding. */
function objectsFinding(bucket: s3.IBucket, keys: string): string {
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket) return `<${Stack.of(bucket).resolve(Stack.of(bucket).getLogicalId(cfn)) as string}.Arn>/${keys}`;
  return `arn:<AWS::Partition>:s3:::${bucket.bucketName}/${keys}`;
}
