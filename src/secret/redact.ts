/** Fields whose values are credentials. tenant and app_definition_id are public identifiers. */
export const SENSITIVE_FIELDS = ['client_id', 'client_secret'] as const;

export const REDACTED = '[REDACTED]';

/** pino `redact` paths: the secret's fields wherever a log object carries them. */
export const SECRET_REDACT_PATHS = SENSITIVE_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

/**
 * Scrubs known credential values out of any text. Field-name redaction misses a value that
 * travels under another name (an error message, a URL, a header); this catches those.
 */
export class SecretRedactor {
  private values: string[] = [];

  /**
   * Takes whatever the input held, complete or not: a half-given secret still has values
   * to hide. Values shorter than 4 characters would scrub ordinary words.
   */
  remember(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    for (const field of SENSITIVE_FIELDS) {
      const value = (raw as Record<string, unknown>)[field];
      if (typeof value !== 'string') continue;
      for (const form of new Set([value, value.trim()])) {
        if (form.length >= 4 && !this.values.includes(form)) this.values.push(form);
      }
    }
    // Longest first, so a value containing another is replaced whole.
    this.values.sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let out = text;
    for (const value of this.values) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value && out.includes(escaped)) out = out.split(escaped).join(REDACTED);
    }
    return out;
  }
}
