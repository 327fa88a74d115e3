import { HttpError } from '../benchling-errors.ts';
import { readJson } from '../http-io.ts';
import { json, type Route } from '../route.ts';
import type { SandboxTenant } from '../sandbox-tenant.ts';
import { canvasHtml } from './canvas-html.ts';
import { CANVAS_PAGE_HTML } from './canvas-page.ts';
import { planDelivery } from './delivery-plan.ts';
import { CONTROL_PREFIX, type SendReply, type SendRequest } from './send-events.ts';

export interface ConsoleOptions {
  /** The app's webhook base URL, as configured in Benchling: where clicks and sends go by default. */
  appUrl: string;
  /** Told of each delivery the sandbox made for a send or a click. */
  onDelivered?: (reply: SendReply) => void;
}

function sendRequestOf(body: unknown): SendRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object');
  const fields = body as Record<string, unknown>;
  for (const key of ['event', 'entry', 'canvas', 'button', 'url']) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string') throw new HttpError(400, `${key} must be a string`);
  }
  if (typeof fields.event !== 'string') throw new HttpError(400, 'event is required');
  return fields as unknown as SendRequest;
}

function webhookBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(400, `url ${url} is not a URL: give the service's base, e.g. http://127.0.0.1:8080`);
  }
  if (!/^https?:$/.test(parsed.protocol)) throw new HttpError(400, `url ${url} is not http(s)`);
  return url.replace(/\/+$/, '');
}

/** Signs the planned envelope with the tenant's key and POSTs it, as Benchling delivers it. */
export async function deliver(tenant: SandboxTenant, request: SendRequest, options: ConsoleOptions): Promise<SendReply> {
  const base = webhookBase(request.url ?? options.appUrl);
  const plan = planDelivery(tenant, request);
  const target = `${base}/${plan.suffix}`;
  const sent = await tenant.sendWebhook(target, plan.envelope).catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new HttpError(502, `nothing answered at ${target} (${cause}): is the service running there?`);
  });
  const entry = plan.entry && { id: plan.entry.id, displayId: plan.entry.displayId };
  return { type: plan.envelope.message.type, target, entry, canvasId: plan.canvasId, webhookId: sent.webhookId, status: sent.status, body: sent.body };
}

/**
 * The app's canvases, each rendered, with the entry it sits in and how many writes of it were
 * accepted: the page counts writes, not looks, since a redraw may look exactly as before.
 */
function canvasesView(tenant: SandboxTenant) {
  const writes = new Map<string, number>();
  for (const write of tenant.canvasWrites) {
    if (write.canvasId !== undefined && write.status < 300) writes.set(write.canvasId, (writes.get(write.canvasId) ?? 0) + 1);
  }
  return tenant.canvases
    .filter((canvas) => canvas.app.id === tenant.appId)
    .map((canvas) => {
      const entry = tenant.entry(canvas.resourceId);
      return {
        id: canvas.id,
        entry: entry ? { id: entry.id, displayId: entry.displayId, name: entry.name } : null,
        enabled: canvas.enabled,
        writes: writes.get(canvas.id) ?? 0,
        html: canvasHtml(canvas),
      };
    });
}

/**
 * The `sandbox` command's own calls, beside Benchling's API: the canvas page, what it polls,
 * and the send call that `benchling-webhook send` and the page's buttons use. Loopback only,
 * like the rest of the sandbox: no authentication.
 */
export function consoleRoutes(tenant: SandboxTenant, options: ConsoleOptions): Route[] {
  return [
    {
      template: 'GET /',
      auth: false,
      async handle({ res }) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(CANVAS_PAGE_HTML);
        return 'streamed';
      },
    },
    {
      template: `GET ${CONTROL_PREFIX}/status`,
      auth: false,
      async handle() {
        const entries = tenant.entries.map((e) => ({ id: e.id, displayId: e.displayId, name: e.name }));
        return json(200, { url: tenant.url, appUrl: options.appUrl, entries });
      },
    },
    {
      template: `GET ${CONTROL_PREFIX}/canvases`,
      auth: false,
      async handle() {
        return json(200, { appUrl: options.appUrl, canvases: canvasesView(tenant) });
      },
    },
    {
      template: `POST ${CONTROL_PREFIX}/send`,
      auth: false,
      async handle({ req }) {
        const reply = await deliver(tenant, sendRequestOf(await readJson(req)), options);
        options.onDelivered?.(reply);
        return json(200, reply);
      },
    },
  ];
}
