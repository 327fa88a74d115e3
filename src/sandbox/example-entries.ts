import { entryField, type SandboxEntry } from './entry-model.ts';
import type { SandboxTenant } from './sandbox-tenant.ts';

const GROWTH_CSV = ['time_min,od600', '0,0.05', '30,0.09', '60,0.17', '90,0.33', '120,0.61', ''].join('\n');
const SEQUENCING_TSV = ['sample\treads\tq30', 'S1\t1204331\t0.94', 'S2\t1187250\t0.93', ''].join('\n');

/**
 * Entries for someone trying the app by hand, beside the demo entry the tenant seeds: one with
 * a nested folder of attachments, one with a larger generated file, so packages and the file
 * browser have something to show.
 */
export function seedExampleEntries(tenant: SandboxTenant): SandboxEntry[] {
  return [
    tenant.addEntry({
      name: 'Growth curve, strain panel',
      fields: { Project: entryField('Fluorescent reporters'), 'Sample Count': entryField(12, 'integer') },
      attachments: { 'growth/curve.csv': GROWTH_CSV, 'growth/notes.md': '# Growth curve\n\n37 °C, 200 rpm, LB + ampicillin.\n' },
    }),
    tenant.addEntry({
      name: 'Sequencing run QC',
      fields: { Project: entryField('Plasmid verification'), 'Cost Center': entryField('CC-2077') },
      attachments: { 'qc/summary.tsv': SEQUENCING_TSV, 'qc/run.bin': 256 * 1024 },
    }),
  ];
}
