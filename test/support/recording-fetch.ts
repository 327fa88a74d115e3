/**
 * A fetch that passes every call on and keeps a copy of what went each way, so a test can
 * hold both the requests a client sends and the answers a server gives to a contract. Only
 * JSON and form bodies are kept (an export's ZIP streams through untouched).
 */

export interface Exchange {
  method: string;
  /** The URL's path, without the query. */
  path: string;
  /** The parsed JSON body, or a form body as an object; undefined for none. */
  requestBody: unknown;
  status: number;
  /** The parsed JSON answer; undefined when it is not JSON. */
  body: unknown;
}

export function recordingFetch(exchanges: Exchange[], base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const requestBody = parsed(request.headers.get('content-type'), request.body === null ? '' : await request.clone().text());
    const response = await base(request);
    const json = /^application\/json\b/i.test(response.headers.get('content-type') ?? '');
    const body = json ? parsed('application/json', await response.clone().text()) : undefined;
    exchanges.push({ method: request.method, path: new URL(request.url).pathname, requestBody, status: response.status, body });
    return response;
  };
}

function parsed(contentType: string | null, text: string): unknown {
  if (text === '') return undefined;
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
