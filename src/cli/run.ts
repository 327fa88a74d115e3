/**
 * The CLI as a program: what bin/benchling-webhook.js loads and what the container image's
 * entrypoint runs (compiled, as dist/cli/run.js). main.ts stays importable without running.
 */
import { main } from './main.ts';

// Under Node 20 the AWS SDK warns, on every command that builds an AWS client, that its
// releases from 2027 on will need Node 22. This release runs on Node 20 (package.json
// engines) with the SDK it was built with, so the notice tells a user nothing to do. The
// SDK reads this variable when a client is built, and only then: set before any is. A value
// the user set (`false` brings the notice back) is kept.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv.slice(2));
