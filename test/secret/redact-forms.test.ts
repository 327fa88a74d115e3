import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createLogger } from '../../src/log/logger.ts';
import { credentialForms } from '../../src/secret/credential-forms.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { pythonAsciiJson, spellingsIn } from '../support/credential-spellings.ts';

/**
 * Characters that each encoding writes differently: base64 and form-encoding disagree on `+`,
 * `/` and `=`; a space is `%20` in a query and `+` in a form; `"` and `\` are escaped in JSON;
 * non-ASCII is raw UTF-8, percent-encoded bytes, or \u escapes (Python's json.dumps).
 */
const TRICKY = [...' +/=%&?#:;"\\\'<>~*!()[]{}|^`,@$', '\n', '\t', 'é', 'ü', '€', '日', '😀', 'a', 'Z', '0', '9', '-', '_', '.'];
const credential = fc
  .array(fc.constantFrom(...TRICKY), { minLength: 4, maxLength: 24 })
  .map((chars) => chars.join(''))
  .filter((s) => s.trim() === s && s.length >= 4);
/** Benchling's tokens are opaque: any printable value. */
const token = fc.string({ unit: fc.constantFrom(...TRICKY), minLength: 8, maxLength: 40 }).filter((s) => s.trim() === s);
/** Client ids never hold the `:` that ends the id in a Basic header. */
const clientId = credential.filter((s) => !s.includes(':'));

/** What a careless server answers to a refused request: everything it was sent, in every spelling it came in. */
function echoes(id: string, secret: string, tokens: string[]): string[] {
  const basic = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }).toString();
  const body = JSON.stringify({ error: { message: `refused: Authorization: ${basic}; body: ${form}`, sent: { client_id: id, client_secret: secret } } });
  const bearer = tokens.map((t) => `Bearer ${t}`).join(', ');
  const all = [id, secret, ...tokens];
  return [
    basic,
    form,
    `GET /x?client_id=${encodeURIComponent(id)}&client_secret=${encodeURIComponent(secret)}&token=${encodeURIComponent(tokens[0] ?? '')}`,
    body,
    pythonAsciiJson(body),
    JSON.stringify({ msg: body, reason: bearer }),
    ...all.flatMap((value) => [Buffer.from(value).toString('base64'), Buffer.from(value).toString('base64url'), JSON.stringify(JSON.stringify(value))]),
    bearer,
    pythonAsciiJson(bearer),
  ];
}

test('every spelling of the client id, the client secret, the Basic header and each kept token is scrubbed', () => {
  fc.assert(
    fc.property(clientId, credential, fc.array(token, { minLength: 1, maxLength: 8 }), (id, secret, tokens) => {
      const redactor = new SecretRedactor();
      redactor.remember({ client_id: id, client_secret: secret, tenant: 'acme' });
      for (const t of tokens) redactor.rememberToken(t);
      const scrubbed = redactor.scrub(echoes(id, secret, tokens).join('\n'));
      assert.deepEqual(spellingsIn(scrubbed, { clientId: id, clientSecret: secret, tokens }), [], scrubbed);
    }),
    { numRuns: 300 },
  );
});

test('text that holds no credential comes back as it was', () => {
  fc.assert(
    fc.property(clientId, credential, token, fc.string({ unit: 'grapheme', maxLength: 200 }), (id, secret, t, text) => {
      const redactor = new SecretRedactor();
      redactor.remember({ client_id: id, client_secret: secret });
      redactor.rememberToken(t);
      fc.pre(![id, secret, t].flatMap(credentialForms).some((form) => text.includes(form)));
      fc.pre(!text.includes(Buffer.from(`${id}:${secret}`).toString('base64').replace(/=+$/, '')));
      assert.equal(redactor.scrub(text), text);
    }),
    { numRuns: 300 },
  );
});

test('the eight most recent tokens are scrubbed; an older one is forgotten, so memory stays bounded', () => {
  const redactor = new SecretRedactor();
  const tokens = Array.from({ length: 9 }, (_, i) => `token-${i}-${'x'.repeat(20)}`);
  for (const t of tokens) redactor.rememberToken(t);
  assert.equal(redactor.scrub(tokens[0]!), tokens[0], 'the ninth token pushed the first out');
  for (const t of tokens.slice(1)) assert.equal(redactor.scrub(`Bearer ${t}`), 'Bearer [REDACTED]');
});

test('values too short to be told from ordinary words are not scrubbed; a rotated secret keeps the old one scrubbed', () => {
  const redactor = new SecretRedactor();
  redactor.remember({ client_id: 'abc', client_secret: 'first-secret-value' });
  redactor.remember({ client_id: 'abc', client_secret: 'second-secret-value' });
  redactor.rememberToken('xyz');
  assert.equal(redactor.scrub('abc xyz first-secret-value second-secret-value'), 'abc xyz [REDACTED] [REDACTED]');
});

test('a log line quoting an echoed Basic header and token is scrubbed at the logger, whatever field carries it', () => {
  const lines: string[] = [];
  const redactor = new SecretRedactor();
  const id = 'echo id+/é';
  const secret = 'echo "secret" \\ 50% & more';
  redactor.remember({ client_id: id, client_secret: secret });
  redactor.rememberToken('tok_1234567890abcdef');
  const log = createLogger({ level: 'info', destination: { write: (l: string) => lines.push(l) }, redactor });
  const basic = Buffer.from(`${id}:${secret}`).toString('base64');
  log.warn({ reason: `Authorization: Basic ${basic}`, err: new Error(`body: ${new URLSearchParams({ client_secret: secret }).toString()}`) }, 'Bearer tok_1234567890abcdef');
  const line = lines.join('');
  for (const form of [basic, 'tok_1234567890abcdef', new URLSearchParams({ s: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1)]) {
    assert.ok(!line.includes(form), `${form} in ${line}`);
  }
  assert.match(line, /Basic \[REDACTED\]/);
});
