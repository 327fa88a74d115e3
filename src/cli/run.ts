/**
 * The CLI as a program: what bin/benchling-webhook.js loads and what the container image's
 * entrypoint runs (compiled, as dist/cli/run.js). main.ts stays importable without running.
 */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
