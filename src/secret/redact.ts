import { basicCredentialForms, credentialForms } from './credential-forms.ts';

/** Fields whose values are credentials. tenant and app_definition_id are public identifiers. */
export const SENSITIVE_FIELDS = ['client_id', 'client_secret'] as const;

export const REDACTED = '[REDACTED]';

/** pino `redact` paths: the secret's fields wherever a log object carries them. */
export const SECRET_REDACT_PATHS = SENSITIVE_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

/**
 * Access tokens kept after a newer one is issued: a call made with an older token may still
 * fail, and quote it, after the refresh.
 */
const TOKENS_KEPT = 8;

/** Values shorter than this would scrub ordinary words. */
const MIN_LENGTH = 4;

/**
 * Scrubs known credentials out of any text, in every spelling they travel in (see
 * credential-forms.ts): the secret's client id and client secret, the Basic header made of
 * them, and the OAuth access tokens the app is issued as it runs. Field-name redaction misses
 * a value that travels under another name (an error message, a URL, a header); this catches those.
 */
export class SecretRedactor {
  private readonly credentials = new Set<string>();
  private tokens: string[] = [];
  private pattern: RegExp | undefined;

  /** Takes whatever the input held, complete or not: a half-given secret still has values to hide. */
  remember(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    const values: Partial<Record<(typeof SENSITIVE_FIELDS)[number], string>> = {};
    for (const field of SENSITIVE_FIELDS) {
      const value = (raw as Record<string, unknown>)[field];
      if (typeof value !== 'string') continue;
      values[field] = value.trim();
      for (const form of new Set([value, value.trim()])) this.add(this.credentials, credentialForms(form), form);
    }
    if (values.client_id !== undefined && values.client_secret !== undefined) {
      this.add(this.credentials, basicCredentialForms(values.client_id, values.client_secret), values.client_id + values.client_secret);
    }
  }

  /** An access token just issued to the app: scrubbed from now on, until TOKENS_KEPT newer ones replace it. */
  rememberToken(token: string): void {
    if (token.length < MIN_LENGTH || this.tokens.includes(token)) return;
    this.tokens = [...this.tokens, token].slice(-TOKENS_KEPT);
    this.pattern = undefined;
  }

  scrub(text: string): string {
    this.pattern ??= this.compile();
    return this.pattern.source === '(?:)' ? text : text.replace(this.pattern, REDACTED);
  }

  private add(into: Set<string>, forms: string[], value: string): void {
    if (value.length < MIN_LENGTH) return;
    for (const form of forms) into.add(form);
    this.pattern = undefined;
  }

  /**
   * One pattern for all forms, longest first so that a value containing another is replaced
   * whole: one pass over a line instead of one per form, which matters for the access log.
   */
  private compile(): RegExp {
    const forms = new Set(this.credentials);
    for (const token of this.tokens) for (const form of credentialForms(token)) forms.add(form);
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
