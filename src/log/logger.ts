import pino, { type Logger } from 'pino';
import { SECRET_REDACT_PATHS, type SecretRedactor } from '../secret/redact.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  destination: { write(line: string): unknown };
  redactor: SecretRedactor;
  name?: string;
}

/** JSON lines; secret fields redacted by name, and known secret values scrubbed from every line. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name ?? 'benchling-webhook',
      level: options.level ?? 'info',
      redact: { paths: SECRET_REDACT_PATHS, censor: '[REDACTED]' },
      hooks: { streamWrite: (line) => options.redactor.scrub(line) },
    },
    options.destination,
  );
}
