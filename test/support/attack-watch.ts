import { readFileSync } from 'node:fs';
import { request } from 'node:http';

/**
 * What a service looked like from outside while a test attacked it: the highest resident
 * memory of its process and the slowest `/health` answer, sampled until stop().
 *
 * Every attack test of the hardening suite holds the service to the same bounds: it stays
 * under 300 MB RSS and keeps answering `/health` in under 100 ms, whatever the attacker does.
 */
export const ATTACK_BOUNDS = { maxRssMb: 300, maxHealthMs: 100 } as const;

export interface AttackReport {
  maxRssMb: number;
  maxHealthMs: number;
  /** /health probes made; a report with none proves nothing. */
  probes: number;
  /** Probes that got no 200 (refused, reset or another status). */
  failedProbes: number;
}

export interface AttackWatch {
  stop(): Promise<AttackReport>;
}

export interface AttackWatchOptions {
  /** The process under attack: a child's pid, or process.pid for a service in this process. */
  pid: number;
  /** Base URL of the service (`http://127.0.0.1:port`); /health is appended. */
  url: string;
  intervalMs?: number;
}

/** Resident set size of a Linux process in MB, from /proc (0 where /proc has no such process). */
export function residentMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** One GET /health on a fresh connection (an attacker's open sockets must not be reused). */
function probeHealth(url: string): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (ok: boolean) => resolve({ ok, ms: performance.now() - started });
    const req = request(`${url}/health`, { agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(false));
    req.end();
  });
}

/**
 * Starts sampling once one uncounted probe has warmed the route (the first request of a
 * process pays for compiling its handlers); stop() waits for the probe in flight and reports.
 */
export async function watchAttack({ pid, url, intervalMs = 100 }: AttackWatchOptions): Promise<AttackWatch> {
  await probeHealth(url);
  const report: AttackReport = { maxRssMb: residentMb(pid), maxHealthMs: 0, probes: 0, failedProbes: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const { ok, ms } = await probeHealth(url);
      report.probes++;
      if (!ok) report.failedProbes++;
      report.maxHealthMs = Math.max(report.maxHealthMs, ms);
      report.maxRssMb = Math.max(report.maxRssMb, residentMb(pid));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      report.maxRssMb = Math.max(report.maxRssMb, residentMb(pid));
      return report;
    },
  };
}

/** The message an attack test asserts with: every bound, and what was measured. */
export function withinAttackBounds(report: AttackReport): { ok: boolean; summary: string } {
  const ok =
    report.probes > 0 &&
    report.failedProbes === 0 &&
    report.maxRssMb < ATTACK_BOUNDS.maxRssMb &&
    report.maxHealthMs < ATTACK_BOUNDS.maxHealthMs;
  const summary =
    `${report.probes} /health probes (${report.failedProbes} failed), slowest ${report.maxHealthMs.toFixed(1)} ms, ` +
    `peak RSS ${report.maxRssMb.toFixed(0)} MB (bounds: ${ATTACK_BOUNDS.maxHealthMs} ms, ${ATTACK_BOUNDS.maxRssMb} MB)`;
  return { ok, summary };
}
