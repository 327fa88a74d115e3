import fc from 'fast-check';

/** A tenant subdomain and the three ways a user may spell it. */
export const tenantLabel = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);

export const tenantSpelling = (label: string) =>
  fc.constantFrom(label, `${label}.benchling.com`, `https://${label}.benchling.com/`, `https://${label.toUpperCase()}.Benchling.com`);

/** Credentials as they come: printable, unicode, never blank. Surrounding whitespace is trimmed. */
const credential = fc
  .string({ minLength: 4, maxLength: 40, unit: 'grapheme' })
  .filter((s) => s.trim().length >= 4 && !s.includes('\u0000'));

export const validSecret = fc.record({
  label: tenantLabel,
  client_id: credential,
  client_secret: credential,
  app_definition_id: fc.stringMatching(/^[A-Za-z0-9]{4,20}$/).map((s) => `appdef_${s}`),
});
