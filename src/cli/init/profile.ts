import type { Profile } from '../../config/profile.ts';
import type { BucketAnswer } from './stack-questions.ts';
import type { VpcAnswer } from './vpc-question.ts';

export interface InitAnswers {
  awsProfile: string | undefined;
  region: string;
  /** undefined when no secret is recorded (an offline first run). */
  secretArn: string | undefined;
  bucket: BucketAnswer;
  packagePrefix: string | undefined;
  packageLinkKey: string | undefined;
  quiltCatalog: string | undefined;
  packager: string | undefined;
  vpc: VpcAnswer;
  allowCidrs: string[];
  benchlingApiUrl: string | undefined;
  benchlingJwksUrl: string | undefined;
}

function withoutUndefined(profile: Profile): Profile {
  return Object.fromEntries(Object.entries(profile).filter(([, value]) => value !== undefined)) as Profile;
}

/**
 * The profile after init: its answers replace what they cover, every other key is kept. The
 * registry is the chosen bucket; a registry that pointed at a bucket no longer chosen goes.
 */
export function profileFromAnswers(current: Profile, answers: InitAnswers): Profile {
  const existing = answers.bucket.kind === 'existing' ? answers.bucket.name : undefined;
  const staleRegistry = current.bucketName !== undefined && current.registry === `s3://${current.bucketName}`;
  const registry = existing !== undefined ? `s3://${existing}` : staleRegistry ? undefined : current.registry;
  return withoutUndefined({
    ...current,
    awsProfile: answers.awsProfile,
    region: answers.region,
    secretArn: answers.secretArn,
    bucketName: existing,
    registry,
    packagePrefix: answers.packagePrefix,
    packageLinkKey: answers.packageLinkKey,
    quiltCatalog: answers.quiltCatalog,
    packager: answers.packager,
    vpcId: answers.vpc.kind === 'existing' ? answers.vpc.vpcId : undefined,
    subnetIds: answers.vpc.kind === 'existing' ? answers.vpc.subnetIds : undefined,
    allowCidrs: answers.allowCidrs.length > 0 ? answers.allowCidrs : undefined,
    benchlingApiUrl: answers.benchlingApiUrl,
    benchlingJwksUrl: answers.benchlingJwksUrl,
  });
}
