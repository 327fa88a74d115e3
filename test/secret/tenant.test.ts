import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { normaliseTenant } from '../../src/secret/tenant.ts';
import { tenantLabel, tenantSpelling } from '../support/secret-arbitraries.ts';

test('every spelling of a tenant normalises to its subdomain', () => {
  fc.assert(
    fc.property(
      tenantLabel.chain((label) => fc.tuple(fc.constant(label), tenantSpelling(label))),
      ([label, spelling]) => assert.equal(normaliseTenant(spelling), label),
    ),
  );
});

test('things that are not a Benchling tenant are refused', () => {
  for (const bad of ['', ' ', 'acme corp', 'https://', 'acme.example.com', '-acme', 'ac_me', 'a'.repeat(64)]) {
    assert.equal(normaliseTenant(bad), undefined, JSON.stringify(bad));
  }
});
