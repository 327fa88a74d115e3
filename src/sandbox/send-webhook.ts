import type { WebhookHeaders } from './webhook-signer.ts';

export interface WebhookDelivery {
  status: number;
  /** Parsed JSON when the reply is JSON, else the text. */
  body: unknown;
  headers: Headers;
  webhookId: string;
}

/**
 * `undefined` in `extraHeaders` removes a header, so a test can send a delivery that lacks
 * one of the signature headers.
 */
export async function postWebhook(
  targetUrl: string,
  body: string | Buffer,
  signed: WebhookHeaders,
  extraHeaders: Record<string, string | undefined> = {},
): Promise<WebhookDelivery> {
  const merged: Record<string, string | undefined> = { 'content-type': 'application/json', ...signed, ...extraHeaders };
  const headers = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
  const response = await fetch(targetUrl, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await response.text();
  return { status: response.status, body: parseJsonOrText(text), headers: response.headers, webhookId: signed['webhook-id'] };
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
