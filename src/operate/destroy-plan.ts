import type { Profile } from '../config/profile.ts';
import { UsageError } from '../errors/app-error.ts';
import { resourcesOfType, type StackResource, type StackSummary } from './cloudformation-stack.ts';

export interface DestroyRequest {
  deleteSecret: boolean;
  /** true: delete the stack's bucket once the user names it; a string: the name given up front. */
  deleteBucket: string | boolean;
}

export interface DestroyPlan {
  stackName: string;
  region: string;
  /** The bucket the stack created (RETAIN: it outlives the stack); undefined when it writes to an existing one. */
  bucket: { name: string; delete: boolean } | undefined;
  secret: { arn: string; delete: boolean } | undefined;
  /** Log groups are RETAIN so the logs of a failed deploy survive; destroy leaves them too. */
  keptLogGroups: string[];
}

function planBucket(resources: readonly StackResource[], request: DestroyRequest): DestroyPlan['bucket'] {
  const created = resourcesOfType(resources, 'AWS::S3::Bucket')[0]?.physicalId;
  if (request.deleteBucket === false) return created === undefined ? undefined : { name: created, delete: false };
  if (created === undefined) {
    throw new UsageError(
      'BUCKET_NOT_CREATED_BY_STACK',
      'the stack created no bucket (it writes to an existing one, given with --bucket-name): destroy never deletes a bucket it did not create; drop --delete-bucket',
    );
  }
  if (typeof request.deleteBucket === 'string' && request.deleteBucket !== created) {
    throw new UsageError('BUCKET_MISMATCH', `--delete-bucket ${request.deleteBucket} is not the bucket the stack created: to delete it, pass --delete-bucket ${created}`);
  }
  return { name: created, delete: true };
}

function planSecret(stack: StackSummary, profile: Profile | undefined, deleteSecret: boolean): DestroyPlan['secret'] {
  const arn = profile?.secretArn ?? stack.outputs.SecretArn;
  if (arn === undefined && deleteSecret) {
    throw new UsageError('SECRET_UNKNOWN', 'no secret to delete: the profile has no secretArn and the stack has no SecretArn output; drop --delete-secret');
  }
  return arn === undefined ? undefined : { arn, delete: deleteSecret };
}

export function planDestroy(stack: StackSummary, resources: readonly StackResource[], profile: Profile | undefined, request: DestroyRequest): DestroyPlan {
  return {
    stackName: stack.name,
    region: stack.region,
    bucket: planBucket(resources, request),
    secret: planSecret(stack, profile, request.deleteSecret),
    keptLogGroups: resourcesOfType(resources, 'AWS::Logs::LogGroup').map((r) => r.physicalId),
  };
}

export function formatDestroyPlan(plan: DestroyPlan): string {
  const lines = [`destroy stack ${plan.stackName} (${plan.region})`];
  if (plan.bucket) lines.push(`  bucket      ${plan.bucket.name}: ${plan.bucket.delete ? 'EMPTIED AND DELETED (every package in it)' : 'kept'}`);
  if (plan.secret) lines.push(`  secret      ${plan.secret.arn}: ${plan.secret.delete ? 'scheduled for deletion (30-day recovery window)' : 'kept'}`);
  if (plan.keptLogGroups.length > 0) lines.push(`  log groups  kept: ${plan.keptLogGroups.join(', ')}`);
  return lines.join('\n');
}

/** What the profile stops recording once the stack (and perhaps its secret) is gone. */
export function forgetDestroyed(profile: Profile, plan: DestroyPlan): Profile {
  const { stackName, secretArn, ...rest } = profile;
  return {
    ...rest,
    ...(stackName !== undefined && stackName !== plan.stackName ? { stackName } : {}),
    ...(secretArn !== undefined && !(plan.secret?.delete && plan.secret.arn === secretArn) ? { secretArn } : {}),
  };
}
