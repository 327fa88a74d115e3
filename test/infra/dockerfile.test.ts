import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import { APP_USER, HEALTH_CHECK_SCRIPT } from '../../src/infra/constructs/app-task.ts';
import { PROJECT_ROOT, fromSources, imageEntrypoint } from './harness/container-process.ts';

const dockerfile = readFileSync(`${PROJECT_ROOT}Dockerfile`, 'utf8');
const dockerignore = readFileSync(`${PROJECT_ROOT}.dockerignore`, 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => /^[A-Z]+\s/.test(line));
const last = (keyword: string) => instructions.filter((line) => line.startsWith(`${keyword} `)).at(-1) ?? '';

test('node:22-slim, production dependencies only (no peer or optional ones: the CDK libraries and toolkit), no install scripts', () => {
  const froms = instructions.filter((line) => line.startsWith('FROM '));
  assert.ok(froms.length >= 1 && froms.every((line) => /^FROM node:22-slim\b/.test(line)), froms.join('\n'));
  assert.match(dockerfile, /npm ci --omit=dev --omit=peer --omit=optional --ignore-scripts/);
  assert.doesNotMatch(instructions.join('\n'), /\bcurl\b|\bwget\b|apt-get/);
});

test('the final image holds the compiled CLI and the production dependencies, not the sources', () => {
  const final = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));
  // What each COPY takes: `COPY [--from=stage] SOURCE DEST`.
  const copied = final.filter((line) => line.startsWith('COPY ')).map((line) => basename(line.split(/\s+/).at(-2)!));
  assert.deepEqual(copied.sort(), ['dist', 'node_modules', 'package.json']);
  assert.match(dockerfile, /tsc -p tsconfig\.image\.json$/m, 'the image compiles src/ with the build config (tsconfig.image.json extends it)');
});

test('runs as the non-root node user, the uid the task definition names', () => {
  assert.equal(last('USER'), 'USER node');
  assert.equal(APP_USER, '1000:1000');
});

test("health check with node's own fetch on /health, the same script the task definition runs", () => {
  const healthcheck = last('HEALTHCHECK');
  const command = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim()) as string[];
  assert.deepEqual(command, ['node', '-e', HEALTH_CHECK_SCRIPT]);
});

test('the entrypoint runs the compiled CLI; the harness runs the same module from src/', () => {
  assert.deepEqual(imageEntrypoint(), ['node', 'dist/cli/run.js']);
  assert.deepEqual(fromSources(imageEntrypoint()), ['node', '--import', 'tsx', 'src/cli/run.ts']);
  assert.equal(last('CMD'), 'CMD ["serve"]');
});

test('.dockerignore lets through only what the image is built from (never a dist/ left in a clone)', () => {
  const rules = dockerignore.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  assert.deepEqual(rules, ['*', '!package.json', '!package-lock.json', '!tsconfig.json', '!tsconfig.build.json', '!tsconfig.image.json', '!src/']);
});
