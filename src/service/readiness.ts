/** One named check of /health/ready; `detail` names what failed (field names, never values). */
export type CheckResult = { ok: true } | { ok: false; detail: string | string[] };

export type ReadinessCheck = () => Promise<CheckResult>;

export async function runChecks(checks: Record<string, ReadinessCheck>): Promise<{
  ready: boolean;
  checks: Record<string, CheckResult>;
}> {
  const names = Object.keys(checks);
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        return await checks[name]!();
      } catch (error) {
        return { ok: false as const, detail: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const byName = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
  return { ready: results.every((r) => r.ok), checks: byName };
}
