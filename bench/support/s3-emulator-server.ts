// fauxqs's S3 in its own process for bench/package: in the bench's process it would share one
// event loop with the upload it measures, which a real S3 endpoint never does. Prints
// `listening on <url>` once ready; objects live in this process's memory until it exits.
import { buildApp } from 'fauxqs';

const app = buildApp({ logger: false });
const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening on ${endpoint}\n`);
// An orderly exit on SIGTERM, so that --cpu-prof gets to write its profile.
process.once('SIGTERM', () => process.exit(0));
