import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { PROJECT_ROOT } from './package-root.ts';

const ECR_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)(?::([\w.-]+)|@(sha256:[a-f0-9]{64}))?$/;

/**
 * The image both containers run. Without a URI it is this project's Dockerfile as an asset:
 * synth only stages the build context (what .dockerignore lets through), `cdk deploy`
 * builds and pushes it. An ECR URI is imported as a repository so that the execution role
 * is granted the pull; any other URI is pulled as given.
 */
export function appImage(scope: Construct, imageUri: string | undefined): ecs.ContainerImage {
  if (imageUri === undefined) {
    const asset = new ecrAssets.DockerImageAsset(scope, 'Image', {
      directory: PROJECT_ROOT,
      platform: ecrAssets.Platform.LINUX_AMD64,
    });
    return ecs.ContainerImage.fromDockerImageAsset(asset);
  }
  const ecrMatch = ECR_URI.exec(imageUri);
  if (!ecrMatch) return ecs.ContainerImage.fromRegistry(imageUri);
  const [, account, region, name, tag, digest] = ecrMatch;
  const repository = ecr.Repository.fromRepositoryAttributes(scope, 'ImageRepository', {
    repositoryName: name!,
    repositoryArn: `arn:${imageUri.includes('.amazonaws.com.cn/') ? 'aws-cn' : 'aws'}:ecr:${region!}:${account!}:repository/${name!}`,
  });
  return ecs.ContainerImage.fromEcrRepository(repository, digest ?? tag ?? 'latest');
}
