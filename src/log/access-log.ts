import type { Logger } from 'pino';

/** What one webhook request came to: every field is set by the service, none is a secret field. */
export interface AccessRecord {
  method: string;
  /** Without the query string: Benchling never sends one, so anything there is not ours to keep. */
  path: string;
  status: number;
  ms: number;
  webhookId?: string;
  job?: string;
  type?: string;
  coalesced?: boolean;
  reason?: string;
}

export type AccessLog = (record: AccessRecord) => void;

/**
 * The one line per request. pino's redaction paths are what make a line expensive (a
 * wildcard path walks and copies the whole object), and this record has a fixed shape
 * with no secret field for them to find, so the line goes through a child logger without
 * them. The logger's value scrubber still runs on it: the path and the webhook-id come
 * from the caller and could quote a credential.
 */
export function createAccessLog(log: Logger): AccessLog {
  const lines = log.child({}, { redact: { paths: [] } });
  return (record) => {
    if (record.status >= 500) lines.error(record, 'webhook');
    else lines.info(record, 'webhook');
  };
}

export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
