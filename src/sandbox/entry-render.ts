import type { EntryNote, SandboxEntry } from './entry-model.ts';

export type ExportFormat = 'html' | 'pdf';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The file name the export gives the rendered entry: the entry name made safe for a path. */
export function renderedFileName(entry: SandboxEntry, format: ExportFormat): string {
  const safe = [...entry.name].map((c) => (c < ' ' || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('').trim();
  return `${safe || entry.displayId}.${format}`;
}

export function renderEntry(entry: SandboxEntry, format: ExportFormat): Buffer {
  return format === 'html' ? Buffer.from(renderHtml(entry)) : renderPdf(entry);
}

function renderHtml(entry: SandboxEntry): string {
  const fields = Object.entries(entry.fields)
    .map(([name, f]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(f.displayValue ?? '')}</td></tr>`)
    .join('');
  const days = entry.days
    .map((day) => `<section><h2>${escapeHtml(day.date)} ${escapeHtml(day.title)}</h2>${day.notes.map(renderNote).join('')}</section>`)
    .join('');
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(entry.name)}</title></head><body>`,
    `<h1>${escapeHtml(entry.name)}</h1>`,
    `<p>${escapeHtml(entry.displayId)} by ${escapeHtml(entry.creator.name)}, modified ${escapeHtml(entry.modifiedAt)}</p>`,
    `<table>${fields}</table>`,
    days,
    '</body></html>',
    '',
  ].join('\n');
}

function renderNote(note: EntryNote): string {
  const links = (note.links ?? []).map((l) => ` <a href="${escapeHtml(l.webURL)}">${escapeHtml(l.id)}</a>`).join('');
  const text = escapeHtml(note.text ?? '');
  return note.type === 'external_file' ? `<p class="file">📎 ${text}${links}</p>` : `<p>${text}${links}</p>`;
}

/** A one-page PDF with the entry's name and display id: enough for a reader to open it. */
function renderPdf(entry: SandboxEntry): Buffer {
  const text = `${entry.displayId} ${entry.name}`.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '\\$&');
  const stream = `BT /F1 14 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, i) => {
    const offset = body.length;
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
