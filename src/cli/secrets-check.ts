import { formatReport } from '../secret/report.ts';
import { commandContext, resolveCommandSecret } from './command-context.ts';
import { println, type CliIo } from './io.ts';
import type { CommonOptions } from './shared-options.ts';

/** `secrets check`: which fields the given input supplies; exit 1 unless all four are valid. */
export async function secretsCheck(options: CommonOptions, io: CliIo): Promise<number> {
  const context = await commandContext(options, io);
  const { report } = await resolveCommandSecret(options, context, io);
  println(io.stdout, options.json ? JSON.stringify(report) : formatReport(report));
  return report.complete ? 0 : 1;
}
