/**
 * Markdown to HTML, enough to show what an app puts in a canvas MARKDOWN block the way
 * Benchling shows it: headings, paragraphs, lists, tables, emphasis, code, links and
 * backslash escapes. Every character of the source is HTML-escaped; only http(s) and mailto
 * links become anchors, so a canvas cannot script the page.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const PUNCTUATION = /[!-/:-@[-`{-~]/;
const LINK = /^\[((?:\\.|[^\]\\])*)\]\(((?:\\.|[^)\\\s])*)\)/;
const SAFE_HREF = /^(?:https?:|mailto:)/i;

const unescapeMarkdown = (text: string) => text.replace(/\\([!-/:-@[-`{-~])/g, '$1');

/** One line of inline markdown. */
export function inlineHtml(text: string): string {
  let html = '';
  const open: string[] = [];
  const toggle = (tag: string) => {
    if (open.at(-1) === tag) {
      open.pop();
      html += `</${tag}>`;
    } else {
      open.push(tag);
      html += `<${tag}>`;
    }
  };
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    const rest = text.slice(i);
    const link = c === '[' ? LINK.exec(rest) : null;
    if (c === '\\' && i + 1 < text.length && PUNCTUATION.test(text[i + 1]!)) {
      html += escapeHtml(text[i + 1]!);
      i += 2;
    } else if (c === '`' && rest.indexOf('`', 1) > 0) {
      const end = rest.indexOf('`', 1);
      html += `<code>${escapeHtml(rest.slice(1, end))}</code>`;
      i += end + 1;
    } else if (link) {
      const href = unescapeMarkdown(link[2]!);
      const label = inlineHtml(link[1]!);
      html += SAFE_HREF.test(href) ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${label}</a>` : label;
      i += link[0].length;
    } else if (rest.startsWith('**')) {
      toggle('strong');
      i += 2;
    } else if (c === '*') {
      toggle('em');
      i += 1;
    } else {
      html += escapeHtml(c);
      i += 1;
    }
  }
  return html + open.reverse().map((tag) => `</${tag}>`).join('');
}

interface Block {
  kind: 'p' | 'ul' | 'ol' | 'table' | 'heading';
  lines: string[];
}

function kindOf(line: string): Block['kind'] {
  if (/^#{1,6}\s/.test(line)) return 'heading';
  if (/^[-*+]\s/.test(line)) return 'ul';
  if (/^\d+[.)]\s/.test(line)) return 'ol';
  if (/^\|.*\|\s*$/.test(line)) return 'table';
  return 'p';
}

/** Consecutive lines of one kind form one block; a blank line or a heading ends it. */
function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.trim() === '') {
      blocks.push({ kind: 'p', lines: [] });
      continue;
    }
    const kind = kindOf(line);
    const last = blocks.at(-1);
    if (last && last.kind === kind && kind !== 'heading' && last.lines.length > 0) last.lines.push(line);
    else blocks.push({ kind, lines: [line] });
  }
  return blocks.filter((b) => b.lines.length > 0);
}

const cells = (row: string) => row.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim());

function tableHtml(lines: string[]): string {
  const [head, separator, ...body] = lines;
  const hasHead = separator !== undefined && /^\|[\s:|-]+\|$/.test(separator.trim());
  const rows = hasHead ? body : lines;
  const th = hasHead ? `<thead><tr>${cells(head!).map((c) => `<th>${inlineHtml(c)}</th>`).join('')}</tr></thead>` : '';
  return `<table>${th}<tbody>${rows.map((r) => `<tr>${cells(r).map((c) => `<td>${inlineHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'heading': {
      const [, hashes = '#', text = ''] = /^(#{1,6})\s+(.*)$/.exec(block.lines[0]!) ?? [];
      return `<h${hashes.length}>${inlineHtml(text)}</h${hashes.length}>`;
    }
    case 'ul':
    case 'ol':
      return `<${block.kind}>${block.lines.map((l) => `<li>${inlineHtml(l.replace(/^(?:[-*+]|\d+[.)])\s+/, ''))}</li>`).join('')}</${block.kind}>`;
    case 'table':
      return tableHtml(block.lines);
    case 'p':
      return `<p>${block.lines.map(inlineHtml).join('<br>')}</p>`;
  }
}

export function markdownHtml(markdown: string): string {
  return blocksOf(markdown).map(blockHtml).join('\n');
}
