/**
 * Which folders of src/ each folder may import from: lower layers never import upper ones.
 * eslint.config.js turns this into `no-restricted-imports` rules, docs/architecture.md
 * explains it, and test/lint/layering.test.ts lints a file for every pair.
 *
 * Bottom to top: errors; the settings and the secret contract (config, secret) and the
 * logger; the domains (quilt, queue, benchling, then storage on quilt and canvas on
 * benchling); the processes and the stack (worker, service, infra), and packaging existing
 * entries through the same queue (backfill); operating a deployed
 * stack (operate), deploying it (deploy); the command line (cli) on top. The simulated
 * tenant (sandbox) stands apart: it never imports benchling/, so the fake stays
 * independent of the client it checks.
 */
const CORE = ['errors', 'config', 'secret'];

export const MAY_IMPORT = {
  errors: [],
  config: ['errors', 'secret'],
  secret: ['errors', 'config'],
  log: [...CORE],
  quilt: ['errors', 'config'],
  queue: ['errors', 'config'],
  jobs: ['errors', 'config'],
  benchling: [...CORE],
  storage: ['errors', 'config', 'quilt'],
  canvas: [...CORE, 'benchling'],
  sandbox: ['errors'],
  backfill: [...CORE, 'log', 'benchling', 'queue', 'jobs'],
  worker: [...CORE, 'log', 'benchling', 'canvas', 'quilt', 'storage', 'queue', 'jobs'],
  service: [...CORE, 'log', 'benchling', 'canvas', 'queue', 'jobs'],
  infra: [...CORE, 'storage'],
  operate: [...CORE, 'infra'],
  deploy: [...CORE, 'log', 'benchling', 'storage', 'infra', 'operate'],
  cli: ['*'],
};

/** Only the command line parses command lines. */
export const CLI_ONLY_PACKAGES = ['commander'];
