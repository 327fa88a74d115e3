/**
 * `benchling-webhook <args>` as bin/benchling-webhook.js runs it, except that the modules
 * `serve` needs are loaded first and the command starts only when a line arrives on stdin.
 * A test can then have the next process ready while the current one is still running (two
 * cannot share a data dir), so a restart costs the command's own start, not the TypeScript
 * load — which is what made 20 kill-and-restart rounds slow.
 */
import { main } from '../../src/cli/main.ts';

await Promise.all([
  import('../../src/cli/serve.ts'),
  import('../../src/cli/runtime.ts'),
  import('../../src/queue/embedded-queue.ts'),
  import('../../src/storage/local-directory-store.ts'),
  import('../../src/worker/packaging-handler.ts'),
  import('../../src/worker/package-entry.ts'),
]);
process.stdout.write('warm\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
// An open stdin would keep the process alive after `serve` has shut down on SIGTERM.
process.stdin.destroy();
process.exitCode = await main(process.argv.slice(2));
