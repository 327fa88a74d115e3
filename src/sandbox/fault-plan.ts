import { AppError } from '../errors/app-error.ts';
import { patternMatcher, type RoutePattern } from './route-pattern.ts';

export interface FailureSpec {
  status: number;
  /** How many matching requests fail; default 1, `Infinity` for all. */
  times?: number;
  headers?: Record<string, string>;
  /** JSON body; defaults to Benchling's error body for the status. */
  body?: unknown;
  /**
   * Instead of `body`: an error body that quotes the request back, credentials and all (see
   * request-echo.ts), as a server that echoes what it was sent would.
   */
  echo?: boolean;
}

export interface TruncationSpec {
  /** Bytes of the ZIP sent before the cut; default half. */
  keepBytes?: number;
  /**
   * false (default): a complete-looking response whose Content-Length is the cut length, so
   * only the ZIP check can notice. true: the full Content-Length is announced and the
   * connection is dropped at the cut, like an interrupted S3 download.
   */
  abort?: boolean;
  times?: number;
}

interface Armed<T> {
  matches: (method: string, path: string) => boolean;
  remaining: number;
  value: T;
}

/**
 * Faults armed by tests and consumed by the requests they hit, oldest rule first. Each rule
 * counts down its own `times` and disappears at zero.
 */
export class FaultPlan {
  private failures: Armed<FailureSpec>[] = [];
  private delays: Armed<number>[] = [];
  private exportFailures: Armed<string>[] = [];
  private truncations: Armed<TruncationSpec>[] = [];

  failNext(pattern: RoutePattern, spec: FailureSpec): void {
    if (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599) {
      throw new AppError('sandbox_bad_fault', `failNext needs an HTTP status, got ${spec.status}`);
    }
    this.failures.push(armed(pattern, spec.times, spec));
  }

  delayNext(pattern: RoutePattern, ms: number, times = 1): void {
    this.delays.push(armed(pattern, times, ms));
  }

  /** The next export task(s) end FAILED with this message. */
  failNextExport(message: string, times = 1): void {
    this.exportFailures.push(armed('', times, message, true));
  }

  truncateNextDownload(spec: TruncationSpec = {}): void {
    this.truncations.push(armed('', spec.times, spec, true));
  }

  takeFailure(method: string, path: string): FailureSpec | undefined {
    return take(this.failures, method, path);
  }

  takeDelay(method: string, path: string): number | undefined {
    return take(this.delays, method, path);
  }

  takeExportFailure(): string | undefined {
    return take(this.exportFailures, '', '');
  }

  takeTruncation(): TruncationSpec | undefined {
    return take(this.truncations, '', '');
  }

  clear(): void {
    this.failures = [];
    this.delays = [];
    this.exportFailures = [];
    this.truncations = [];
  }
}

function armed<T>(pattern: RoutePattern, times: number | undefined, value: T, any = false): Armed<T> {
  const remaining = times ?? 1;
  if (!(remaining > 0)) throw new AppError('sandbox_bad_fault', `a fault needs times > 0, got ${remaining}`);
  return { matches: any ? () => true : patternMatcher(pattern), remaining, value };
}

function take<T>(rules: Armed<T>[], method: string, path: string): T | undefined {
  const index = rules.findIndex((r) => r.matches(method, path));
  if (index < 0) return undefined;
  const rule = rules[index]!;
  rule.remaining--;
  if (rule.remaining <= 0) rules.splice(index, 1);
  return rule.value;
}
