import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { APP_USER, HEALTH_CHECK_SCRIPT } from '../../src/infra/constructs/app-task.ts';
import { PROJECT_ROOT, imageEntrypoint } from './harness/container-process.ts';

const dockerfile = readFileSync(`${PROJECT_ROOT}Dockerfile`, 'utf8');
const dockerignore = readFileSync(`${PROJECT_ROOT}.dockerignore`, 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => /^[A-Z]+\s/.test(line));
const last = (keyword: string) => instructions.filter((line) => line.startsWith(`${keyword} `)).at(-1) ?? '';

test('node:22-slim, production dependencies only, no install scripts', () => {
  const froms = instructions.filter((line) => line.startsWith('FROM '));
  assert.ok(froms.length >= 1 && froms.every((line) => /^FROM node:22-slim\b/.test(line)), froms.join('\n'));
  assert.match(dockerfile, /npm ci --omit=dev --ignore-scripts/);
  assert.doesNotMatch(instructions.join('\n'), /\bcurl\b|\bwget\b|apt-get/);
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

test('the entrypoint runs the CLI the harness runs: node bin/benchling-webhook.js', () => {
  assert.deepEqual(imageEntrypoint(), ['node', 'bin/benchling-webhook.js']);
  assert.equal(last('CMD'), 'CMD ["serve"]');
});

test('.dockerignore lets through only what the image runs', () => {
  const rules = dockerignore.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  assert.deepEqual(rules, ['*', '!package.json', '!package-lock.json', '!bin/', '!src/']);
});
