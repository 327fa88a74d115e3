import type { EntryStore } from './entry-store.ts';
import { entryField, type SandboxEntry } from './entry-model.ts';

const PLATE_READER_CSV = ['well,od600,gfp', 'A1,0.412,10234', 'A2,0.398,9876', 'B1,0.021,112', 'B2,0.019,98', ''].join('\n');

const PROTOCOL_MD = [
  '# Heat-shock transformation',
  '',
  '1. Thaw competent cells on ice.',
  '2. Add 1 µL plasmid, 30 min on ice.',
  '3. 42 °C for 45 s, then 2 min on ice.',
  '',
].join('\n');

/**
 * The entry `demo` packages: schema fields, notes linking a strain and a plasmid, and three
 * attachments (text, markdown and a generated binary image).
 */
export function seedDemoEntry(store: EntryStore): SandboxEntry {
  const strain = store.addLinkedObject('custom_entity', 'E. coli DH5α');
  const plasmid = store.addLinkedObject('dna_sequence', 'pUC19-GFP');
  const links = [
    { id: strain.id, type: 'custom_entity', webURL: strain.webURL },
    { id: plasmid.id, type: 'dna_sequence', webURL: plasmid.webURL },
  ];
  const today = new Date().toISOString().slice(0, 10);
  return store.add({
    name: 'GFP plasmid transformation',
    fields: {
      'Cost Center': entryField('CC-1042'),
      Project: entryField('Fluorescent reporters'),
      'Sample Count': entryField(4, 'integer'),
    },
    customFields: { Instrument: { value: 'SpectraMax i3x' } },
    days: [
      {
        date: today,
        title: 'Transformation',
        notes: [
          { type: 'text', text: `Transformed ${strain.name} with ${plasmid.name}.`, links },
          { type: 'external_file', externalFileId: 'exfl_protocol1', text: 'protocol.md', links: [] },
        ],
      },
      {
        date: today,
        title: 'Readout',
        notes: [
          { type: 'text', text: 'Plate reader results and gel image attached.', links: [links[0]!] },
          { type: 'external_file', externalFileId: 'exfl_platecsv1', text: 'plate-reader.csv', links: [] },
          { type: 'external_file', externalFileId: 'exfl_gelimage1', text: 'gel.png', links: [] },
        ],
      },
    ],
    attachments: { 'protocol.md': PROTOCOL_MD, 'plate-reader.csv': PLATE_READER_CSV, 'gel.png': 64 * 1024 },
  });
}
