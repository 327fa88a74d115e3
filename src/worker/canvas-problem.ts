import { BenchlingError, BenchlingErrorCode } from '../benchling/api-errors.ts';
import { problemOfReason, type CanvasProblem } from '../canvas/error-view.ts';
import { AppError } from '../errors/app-error.ts';
import { Refusal } from '../errors/refusal.ts';

const EXPORT_CODES: ReadonlySet<string> = new Set([
  BenchlingErrorCode.EXPORT_FAILED,
  BenchlingErrorCode.EXPORT_TIMEOUT,
  BenchlingErrorCode.DOWNLOAD_FAILED,
  BenchlingErrorCode.ZIP_CORRUPT,
  BenchlingErrorCode.ZIP_UNSAFE_PATH,
  BenchlingErrorCode.ZIP_DUPLICATE_NAME,
]);

const CONFIG_CODES: ReadonlySet<string> = new Set([BenchlingErrorCode.AUTH_FAILED, BenchlingErrorCode.FORBIDDEN, BenchlingErrorCode.CONFIG]);

/**
 * The closed-list problem a failed packaging shows on the canvas. Only the error's class, code
 * and refusal reason are read: its message may hold paths or ids that must not reach a user's
 * screen.
 */
export function problemOf(error: unknown): CanvasProblem {
  if (error instanceof Refusal) return problemOfReason(error.reason) ?? 'internal';
  if (error instanceof BenchlingError) {
    if (EXPORT_CODES.has(error.code)) return 'export-failed';
    if (CONFIG_CODES.has(error.code)) return 'configuration';
    if (error.code === BenchlingErrorCode.BAD_RESPONSE) return 'benchling-answer-unusable';
    return 'benchling-unavailable';
  }
  if (error instanceof AppError && /^(storage_|quilt_)/.test(error.code)) return 'registry-unavailable';
  return 'internal';
}
