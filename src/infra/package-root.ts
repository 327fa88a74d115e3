import { fileURLToPath } from 'node:url';

/**
 * The package's root: the directory of package.json and the Dockerfile, and the image's
 * build context. Two levels up from this module both in src/infra/ (a clone) and in
 * dist/infra/ (the compiled package).
 */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
