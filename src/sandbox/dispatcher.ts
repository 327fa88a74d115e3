import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchlingError, defaultErrorBody, HttpError, RATE_LIMITED_BODY } from './benchling-errors.ts';
import { sendJson } from './http-io.ts';
import type { FixedWindowRateLimiter } from './rate-limiter.ts';
import type { LoggedRequest, RequestLog } from './request-log.ts';
import { echoingErrorBody } from './request-echo.ts';
import type { Route, SandboxState } from './route.ts';
import { compilePattern, matchCompiled } from './route-pattern.ts';

export interface DispatcherDeps {
  routes: readonly Route[];
  state: SandboxState;
  log: RequestLog;
  /** Read per request, so a test can change or remove the limit while the tenant runs. */
  rateLimiter: () => FixedWindowRateLimiter | undefined;
  /** Told of each request once its response is finished or its connection closed. */
  onFinished?: (request: LoggedRequest) => void;
}

/**
 * One request, in the order Benchling's edge would apply things: log it, count it against
 * the tenant's rate limit (API calls only), apply any armed fault, check the Bearer token,
 * then run the route.
 */
export function createDispatcher(deps: DispatcherDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const compiled = deps.routes.map((route) => ({ route, pattern: compilePattern(route.template) }));
  const find = (method: string, path: string) => {
    for (const { route, pattern } of compiled) {
      const params = matchCompiled(pattern, method, path);
      if (params) return { route, params };
    }
    return undefined;
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    const logged = deps.log.open(method, url.pathname);
    const started = Date.now();
    res.on('close', () => {
      logged.status = res.headersSent ? res.statusCode : logged.status;
      logged.durationMs = Date.now() - started;
      deps.onFinished?.(logged);
    });
    void handle(deps, find, req, res, url, logged).catch((error: unknown) => reply(res, logged, errorReply(error)));
  };
}

type Finder = (method: string, path: string) => { route: Route; params: Record<string, string> } | undefined;

async function handle(deps: DispatcherDeps, find: Finder, req: IncomingMessage, res: ServerResponse, url: URL, logged: LoggedRequest) {
  const found = find(logged.method, logged.path);
  logged.route = found?.route.template;
  if (url.pathname.startsWith('/api/v2/') && !applyRateLimit(deps, res, logged)) return;
  if (!(await applyFaults(deps, req, res, logged))) return;
  if (!found) throw new HttpError(404, `No route for ${logged.method} ${logged.path}.`);
  if (found.route.auth) {
    const refusal = deps.state.tokens.refusal(req.headers.authorization);
    if (refusal) throw new HttpError(401, refusal, benchlingError(refusal, 'invalid_request_error'));
  }
  const result = await found.route.handle({ req, res, params: found.params, query: url.searchParams, state: deps.state, logged });
  if (result !== 'streamed') reply(res, logged, result);
}

function applyRateLimit(deps: DispatcherDeps, res: ServerResponse, logged: LoggedRequest): boolean {
  const limiter = deps.rateLimiter();
  if (!limiter) return true;
  const decision = limiter.take();
  for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
  if (decision.allowed) return true;
  logged.fault = 'rate-limited';
  reply(res, logged, { status: 429, body: RATE_LIMITED_BODY });
  return false;
}

async function applyFaults(deps: DispatcherDeps, req: IncomingMessage, res: ServerResponse, logged: LoggedRequest): Promise<boolean> {
  const delay = deps.state.faults.takeDelay(logged.method, logged.path);
  if (delay !== undefined) {
    logged.fault = 'delayed';
    await sleep(delay);
  }
  const failure = deps.state.faults.takeFailure(logged.method, logged.path);
  if (!failure) return true;
  logged.fault = 'failed';
  const body = failure.echo ? await echoingErrorBody(req, failure.status) : (failure.body ?? defaultErrorBody(failure.status));
  reply(res, logged, { status: failure.status, body, headers: failure.headers });
  return false;
}

function errorReply(error: unknown) {
  if (error instanceof HttpError) return { status: error.status, body: error.body, headers: error.headers };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: benchlingError(`Sandbox error: ${message}`, 'server_error') };
}

function reply(res: ServerResponse, logged: LoggedRequest, r: { status: number; body: unknown; headers?: Record<string, string> }): void {
  if (res.headersSent) return void res.destroy();
  logged.status = r.status;
  sendJson(res, r.status, r.body, r.headers);
}
