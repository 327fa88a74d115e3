import type { IncomingMessage } from 'node:http';
import { benchlingError, type BenchlingErrorBody } from './benchling-errors.ts';
import { readBody } from './http-io.ts';
import { credentialsFrom } from './token-issuer.ts';

/**
 * The error body of a careless server that quotes the refused request back: its Authorization
 * header as sent, the Bearer token alone, a Basic header's client credentials decoded and
 * written as a form would carry them, and the request body. It is what the app must never
 * pass on: the same text sits in `message` (the field the app reads), `userMessage` and an
 * `echo` object.
 */
export async function echoingErrorBody(req: IncomingMessage, status: number): Promise<BenchlingErrorBody> {
  const authorization = req.headers.authorization ?? '';
  const body = (await readBody(req).catch(() => Buffer.alloc(0))).toString('utf8');
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const basic = credentialsFrom(authorization, new URLSearchParams());
  const credentials = basic && new URLSearchParams({ client_id: basic.clientId, client_secret: basic.clientSecret }).toString();
  const parts = [`Authorization: ${authorization}`, bearer && `token: ${bearer}`, credentials && `credentials: ${credentials}`, `body: ${body}`];
  const message = `Request failed with status ${status}. ${parts.filter(Boolean).join('; ')}`;
  return benchlingError(message, status >= 500 ? 'server_error' : 'invalid_request_error', { echo: { authorization, token: bearer, credentials, body } });
}
