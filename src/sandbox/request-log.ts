import { patternMatcher, type RoutePattern } from './route-pattern.ts';

export interface LoggedRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** The route template that served it (`GET /api/v2/entries/{id}`), if any. */
  route: string | undefined;
  /** 0 until the status line is written. */
  status: number;
  /** When the request arrived (epoch ms). */
  at: number;
  /** Set once the response is finished or the connection closed. */
  durationMs: number | undefined;
  /** What the fault plan or the rate limiter did to it. */
  fault: 'failed' | 'delayed' | 'rate-limited' | 'truncated' | undefined;
}

/** Every request in arrival order, for tests to count and assert on. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  open(method: string, path: string): LoggedRequest {
    const entry: LoggedRequest = { method, path, route: undefined, status: 0, at: Date.now(), durationMs: undefined, fault: undefined };
    this.entries.push(entry);
    return entry;
  }

  matching(pattern: RoutePattern): LoggedRequest[] {
    const matches = patternMatcher(pattern);
    return this.entries.filter((e) => matches(e.method, e.path));
  }

  count(pattern: RoutePattern, status?: number): number {
    return this.matching(pattern).filter((e) => status === undefined || e.status === status).length;
  }

  /** Requests per route template, e.g. `{"POST /api/v2/exports": 2}`. */
  countsByRoute(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries) {
      const key = e.route ?? `${e.method} ${e.path}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
