import { AppError } from '../errors/app-error.ts';

/**
 * Writes a number the way Python's json module writes the value Python gets back when it
 * parses our output, so that a Python reader re-hashing a manifest we wrote gets our top
 * hash. Integer-valued numbers below 1e21 are written as digits (Python parses them as int);
 * everything else follows float repr, which differs from Number#toString only below 1e-4:
 * Python switches to exponent notation earlier and pads the exponent to two digits
 * (1e-05, 1.5e-07).
 */
export function formatPythonNumber(value: number, where: string): string {
  if (!Number.isFinite(value)) {
    throw new AppError(
      'quilt_bad_metadata',
      `${where} is ${String(value)}, which JSON cannot hold; store it as a string`,
    );
  }
  if (Number.isInteger(value) || Math.abs(value) >= 1e-4) return String(value);
  return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}
