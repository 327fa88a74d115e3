import { entityField, entryField, type SandboxEntry } from './entry-model.ts';
import type { SandboxTenant } from './sandbox-tenant.ts';

const GROWTH_CSV = ['time_min,od600', '0,0.05', '30,0.09', '60,0.17', '90,0.33', '120,0.61', ''].join('\n');
const SEQUENCING_TSV = ['sample\treads\tq30', 'S1\t1204331\t0.94', 'S2\t1187250\t0.93', ''].join('\n');

/**
 * Entries for someone trying the app by hand, beside the demo entry the tenant seeds: one with
 * a nested folder of attachments, entity-valued fields and a results table (what links.json
 * lists besides note links), one with a larger generated file, so packages and the file
 * browser have something to show.
 */
export function seedExampleEntries(tenant: SandboxTenant): SandboxEntry[] {
  const strain = tenant.addLinkedObject('custom_entity', 'E. coli BL21');
  const plasmids = [tenant.addLinkedObject('dna_sequence', 'pET-28a'), tenant.addLinkedObject('dna_sequence', 'pET-28a-mCherry')];
  const today = new Date().toISOString().slice(0, 10);
  return [
    tenant.addEntry({
      name: 'Growth curve, strain panel',
      fields: {
        Project: entryField('Fluorescent reporters'),
        'Sample Count': entryField(12, 'integer'),
        Strain: entityField(strain, 'custom_entity_link'),
        Plasmids: entityField(plasmids, 'dna_sequence_link'),
      },
      days: [
        {
          date: today,
          title: 'Growth',
          notes: [
            { type: 'text', text: `Grew ${strain.name} carrying each plasmid.`, links: [{ id: strain.id, type: 'custom_entity', webURL: strain.webURL }] },
            { type: 'results_table', apiId: 'od600_readings', name: 'OD600 readings', assayResultSchemaId: 'assaysch_od600rd1', columns: [] },
          ],
        },
      ],
      attachments: { 'growth/curve.csv': GROWTH_CSV, 'growth/notes.md': '# Growth curve\n\n37 °C, 200 rpm, LB + ampicillin.\n' },
    }),
    tenant.addEntry({
      name: 'Sequencing run QC',
      fields: { Project: entryField('Plasmid verification'), 'Cost Center': entryField('CC-2077') },
      attachments: { 'qc/summary.tsv': SEQUENCING_TSV, 'qc/run.bin': 256 * 1024 },
    }),
  ];
}
