/**
 * Parses one JSON log line, refusing a line that names a top-level key twice: JSON.parse keeps
 * the last silently, and log tools (CloudWatch Logs Insights among them) disagree on which wins.
 */
export function parseLogLine(line: string): Record<string, unknown> {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      const start = i;
      for (i++; line[i] !== '"'; i++) if (line[i] === '\\') i++;
      // A top-level key is a string at depth 1 followed by a colon.
      if (depth === 1 && line[i + 1] === ':') {
        const key = JSON.parse(line.slice(start, i + 1)) as string;
        if (seen.has(key)) throw new Error(`log line names "${key}" twice: ${line}`);
        seen.add(key);
      }
    }
  }
  return JSON.parse(line) as Record<string, unknown>;
}
