import { AppError } from '../errors/app-error.ts';

export interface ImageTarget {
  /** Filled in when known before any AWS call (flags, profile); else a placeholder. */
  account?: string;
  region?: string;
  version: string;
  /** The directory holding the Dockerfile: the build context. */
  context: string;
  /** The image published with this release, when --build-image passed it over. */
  releasedImage?: string;
}

/** The ECR repository the printed commands push to. */
export function ecrImageUri(target: ImageTarget): string {
  return `${target.account ?? '<account>'}.dkr.ecr.${target.region ?? '<region>'}.amazonaws.com/benchling-webhook:${target.version}`;
}

/**
 * Without an image URI, deploy hands the Dockerfile to Docker; with no working Docker that
 * would fail minutes later inside the CDK toolkit, after the secret was written. This says so
 * first, with the ways to get an image: one already pushed, or the commands that push one.
 */
export function dockerUnavailable(reason: string, target: ImageTarget): AppError {
  const uri = ecrImageUri(target);
  const region = target.region ?? '<region>';
  const lines = [
    `Docker is not working here (${reason}), and without --image-uri deploy builds the container image with it. Nothing was sent to AWS.`,
    ...(target.releasedImage ? [`- leave out --build-image to run the image published with this release: ${target.releasedImage}`] : []),
    '- run an image that is already pushed: benchling-webhook deploy --image-uri <uri>',
    '- or build and push one where Docker works, then deploy it:',
    `    aws ecr create-repository --repository-name benchling-webhook --region ${region}`,
    `    aws ecr get-login-password --region ${region} | docker login --username AWS --password-stdin ${uri.slice(0, uri.indexOf('/'))}`,
    `    docker buildx build --platform linux/amd64 --tag ${uri} --push ${target.context}`,
    `    benchling-webhook deploy --image-uri ${uri}`,
  ];
  return new AppError('DOCKER_UNAVAILABLE', lines.join('\n'));
}
