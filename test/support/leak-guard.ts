import { after } from 'node:test';

/**
 * Secrets never leak: every test file that runs scenarios through the CLI registers the
 * secret values it feeds in, every output it captures goes through here, and when the file's
 * tests are done the guard fails the run if any output holds any of those values.
 */
const knownValues = new Set<string>();
const outputs: { where: string; text: string }[] = [];

/** Only credentials long enough not to match ordinary words by chance are tracked. */
export function knownSecretValues(...values: string[]): void {
  for (const value of values) if (value.trim().length >= 8) knownValues.add(value.trim());
}

export function captured(where: string, text: string): void {
  if (text) outputs.push({ where, text });
}

export function findLeaks(texts: { where: string; text: string }[], values: Iterable<string>): string[] {
  const leaks: string[] = [];
  for (const value of values) {
    for (const { where, text } of texts) if (text.includes(value)) leaks.push(where);
  }
  return leaks;
}

after(() => {
  const leaks = findLeaks(outputs, knownValues);
  // The report names where a value leaked, never the value.
  if (leaks.length > 0) throw new Error(`secret values leaked into: ${[...new Set(leaks)].join(', ')}`);
});
