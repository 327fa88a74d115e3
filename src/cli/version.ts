import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; containerImage?: string };

/** The package version, from the package.json two levels up (beside src/ in a clone, dist/ when built). */
export const VERSION: string = manifest.version;

/**
 * The container image published with this release: the release workflow records it in the
 * package.json it publishes. A clone or a locally packed package has none.
 */
export const RELEASED_IMAGE: string | undefined = manifest.containerImage;
