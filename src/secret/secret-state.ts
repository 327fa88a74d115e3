import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.ts';
import type { ResolvedSecret } from './resolve.ts';
import type { SecretReport } from './report.ts';
import type { BenchlingSecret } from './schema.ts';

export type SecretLoader = () => Promise<ResolvedSecret>;

export type SecretHealth =
  | { ok: true; loadedAt: string }
  /** The last good secret is still in use; `problems` name fields only. */
  | { ok: false; problems: string[]; since: string };

function incompleteError(report: SecretReport): AppError {
  return new AppError('SECRET_INCOMPLETE', `the Benchling secret is incomplete:\n${report.problems.join('\n')}`);
}

/**
 * The running process's view of the secret. It refuses to start on an incomplete secret,
 * then re-reads on a TTL: a valid new version takes over, a broken one is reported while
 * the last good one stays in use — a bad rotation must not take the service down.
 */
export class SecretState {
  private secret: BenchlingSecret;
  private health: SecretHealth;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: ((secret: BenchlingSecret) => void)[] = [];

  private constructor(
    private readonly load: SecretLoader,
    first: BenchlingSecret,
    private readonly log: Logger,
  ) {
    this.secret = first;
    this.health = { ok: true, loadedAt: new Date().toISOString() };
  }

  /** Throws AppError SECRET_INCOMPLETE (naming each field) when the secret cannot be used. */
  static async open(load: SecretLoader, log: Logger): Promise<SecretState> {
    const resolved = await load();
    if (!resolved.secret) throw incompleteError(resolved.report);
    return new SecretState(load, resolved.secret, log);
  }

  /** Calls `listener` now with the current secret, and again whenever a new version takes over. */
  follow(listener: (secret: BenchlingSecret) => void): void {
    this.listeners.push(listener);
    listener(this.secret);
  }

  get current(): BenchlingSecret {
    return this.secret;
  }

  get status(): SecretHealth {
    return this.health;
  }

  /** One re-read; never throws. */
  async refresh(): Promise<void> {
    let resolved: ResolvedSecret;
    try {
      resolved = await this.load();
    } catch (error) {
      const reason = error instanceof AppError ? `${error.code}: ${error.message}` : String(error);
      this.degrade([reason]);
      return;
    }
    if (!resolved.secret) {
      this.degrade(resolved.report.problems);
      return;
    }
    const changed = JSON.stringify(resolved.secret) !== JSON.stringify(this.secret);
    this.secret = resolved.secret;
    this.health = { ok: true, loadedAt: new Date().toISOString() };
    if (changed) {
      this.log.info({ source: resolved.report.source.label }, 'a new version of the Benchling secret is in use');
      for (const listener of this.listeners) listener(resolved.secret);
    }
  }

  private degrade(problems: string[]): void {
    const since = this.health.ok ? new Date().toISOString() : this.health.since;
    this.health = { ok: false, problems, since };
    this.log.error({ problems }, 'the re-read Benchling secret is unusable; the last good version stays in use');
  }

  startRefreshing(ttlMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.refresh(), ttlMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
