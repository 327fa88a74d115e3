import { AppError } from '../errors/app-error.ts';

/**
 * quilt3's `[\w-]+/[\w-]+`, where Python's Unicode `\w` is letters, digits and `_`. Python's
 * `$` also matches before a final newline, so quilt3 lets "a/b\n" through; this does not.
 */
const PACKAGE_NAME = /^[\p{L}\p{N}_-]+\/[\p{L}\p{N}_-]+$/u;

export function isPackageName(name: string): boolean {
  return PACKAGE_NAME.test(name);
}

export function validatePackageName(name: string): void {
  if (isPackageName(name)) return;
  const why = name.includes('/')
    ? 'both parts may hold only letters, digits, "_" and "-", with exactly one "/" between them'
    : 'it needs the form "<user>/<package>"';
  throw new AppError('quilt_bad_package_name', `package name ${JSON.stringify(name)} is not allowed: ${why}`);
}
