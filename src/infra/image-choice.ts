import { UsageError } from '../errors/app-error.ts';

/** Where the containers' image comes from. */
export type ImageChoice =
  /** --image-uri: an image the user built and pushed. */
  | { source: 'flag'; uri: string }
  /** The image the release workflow published with this version of the package. */
  | { source: 'release'; uri: string }
  /** The package's Dockerfile, built by Docker when the stack deploys. */
  | { source: 'build'; uri?: undefined };

export interface ImageValues {
  imageUri?: string;
  /** --build-image: build the Dockerfile even when this release names a published image. */
  buildImage?: boolean;
}

/**
 * --image-uri wins. Without it, a published release runs the image published with it (the
 * release workflow records it in package.json as `containerImage`) unless --build-image asks
 * for a build; a clone or a locally packed package names no image, so its own code is built.
 */
export function chooseImage(values: ImageValues, releasedImage: string | undefined): ImageChoice {
  if (values.imageUri !== undefined && values.buildImage === true) {
    throw new UsageError('IMAGE_OPTIONS_CONFLICT', '--image-uri and --build-image exclude each other: give the image to run, or ask for the Dockerfile to be built');
  }
  if (values.imageUri !== undefined) return { source: 'flag', uri: values.imageUri };
  if (releasedImage !== undefined && values.buildImage !== true) return { source: 'release', uri: releasedImage };
  return { source: 'build' };
}

export function describeImage(choice: ImageChoice): string {
  switch (choice.source) {
    case 'flag':
      return `${choice.uri} (from --image-uri)`;
    case 'release':
      return `${choice.uri} (published with this release; --build-image builds the Dockerfile instead)`;
    case 'build':
      return 'built from the Dockerfile by Docker when the stack deploys';
  }
}
