import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { runBin } from '../support/cli-harness.ts';
import { ServeProcess } from '../support/serve-process.ts';

/**
 * The README's "Run the service locally" walkthrough, run as written: its three terminals as
 * three kinds of process (sandbox, serve, send), each command read from the README itself, so
 * a README that drifts from the CLI fails here. Only the ports differ: each process takes a
 * free one (--port 0) and the next is pointed at the URL the previous one printed.
 */

const README = new URL('../../README.md', import.meta.url);
const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));
const PREFIX = 'npx benchling-webhook ';
const README_SANDBOX = 'http://127.0.0.1:7070';

/** Words of a command line, as a shell splits them: double-quoted words keep their spaces. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** The section's first three sh blocks, one per terminal, each as its `npx benchling-webhook` command lines. */
export function walkthroughTerminals(markdown: string): string[][][] {
  const start = markdown.indexOf('## Run the service locally');
  const section = markdown.slice(start, markdown.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.slice(0, 3).map((block) =>
    block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line.startsWith(PREFIX))
      .map((line) => words(line.slice(PREFIX.length))),
  );
}

/** `sandbox` as a child process, until it has printed how to use it. */
class SandboxProcess extends ServeProcess {
  constructor(
    env: Record<string, string>,
    cwd: string,
    private readonly argv: string[],
  ) {
    super(env, cwd);
  }

  override async start(timeoutMs = 10_000): Promise<this> {
    this.launch([BIN, ...this.argv], 'ignore');
    this.url = (await this.waitFor(/^ {2}tenant +(\S+)/m, timeoutMs))[1]!;
    await this.waitFor(/Ctrl-C stops the sandbox/, timeoutMs);
    return this;
  }
}

/** `serve` as written in the README, on a free port. */
class ReadmeServe extends ServeProcess {
  constructor(
    env: Record<string, string>,
    cwd: string,
    private readonly argv: string[],
  ) {
    super(env, cwd);
  }

  override async start(timeoutMs = 10_000): Promise<this> {
    this.launch([BIN, ...this.argv, '--host', '127.0.0.1', '--port', '0'], 'ignore');
    this.url = (await this.waitFor(/listening on (\S+)/, timeoutMs))[1]!;
    return this;
  }
}

interface CanvasView {
  id: string;
  enabled: boolean;
  html: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let root: string;
let env: Record<string, string>;
let terminals: string[][][];
let sandbox: SandboxProcess | undefined;
let serve: ReadmeServe | undefined;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'bw-walkthrough-'));
  // A user's shell: its own config and data folders; edits settle fast so the test stays short.
  env = { XDG_CONFIG_HOME: join(root, 'config'), XDG_DATA_HOME: join(root, 'data'), LOG_LEVEL: 'warn', ENTRY_SETTLE: '0.05s/30s' };
  terminals = walkthroughTerminals(await readFile(README, 'utf8'));
});
after(async () => {
  await Promise.all([sandbox?.kill('SIGINT'), serve?.kill('SIGINT')]);
  await rm(root, { recursive: true, force: true });
});

test('the README walkthrough has three terminals: sandbox, serve, then send commands', () => {
  assert.equal(terminals.length, 3, JSON.stringify(terminals));
  assert.deepEqual(
    terminals.map((lines) => lines.map((argv) => argv[0])),
    [['sandbox'], ['serve'], ['send', 'send', 'send']],
  );
});

test('README walkthrough: sandbox, serve, send entry-created → a package; canvas-initialized → a canvas; click "Browse files" → its files', async () => {
  const [[sandboxArgv], [serveArgv], sends] = terminals as [[string[]], [string[]], string[][]];
  sandbox = await new SandboxProcess(env, root, [...sandboxArgv, '--port', '0']).start();
  const secretFile = sandboxArgv[sandboxArgv.indexOf('--write-secret') + 1]!;
  assert.equal((await stat(join(root, secretFile))).mode & 0o777, 0o600, 'the secret file is private');

  // The README's serve line, pointed at wherever the sandbox listens.
  serve = await new ReadmeServe(env, root, serveArgv.map((word) => word.replace(README_SANDBOX, sandbox!.url))).start();
  const point = ['--url', serve.url, '--sandbox', sandbox.url];

  const [entryCreated, canvasInitialized, click] = sends as [string[], string[], string[]];
  const created = await runBin([...entryCreated, ...point], env, { cwd: root });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^sent v2\.entry\.created for (EXP\d+) .*→ 202 \{"status":"accepted"/m);
  const displayId = /for (EXP\d+)/.exec(created.stdout)![1]!;
  const latest = join(root, 'quilt-registry', '.quilt', 'named_packages', 'benchling', displayId, 'latest');
  await until('the package', async () => (await stat(latest).catch(() => undefined))?.isFile() || undefined);

  const initialized = await runBin([...canvasInitialized, ...point], env, { cwd: root });
  assert.equal(initialized.code, 0, initialized.stderr);
  assert.match(initialized.stdout, /sent v2\.canvas\.initialized for EXP\d+ .*\/canvas → 202/);
  const canvases = async () => ((await (await fetch(`${sandbox!.url}/sandbox/canvases`)).json()) as { canvases: CanvasView[] }).canvases;
  const ready = await until('the main view, its buttons enabled', async () => (await canvases()).find((c) => /<button [^>]*>Browse files</.test(c.html) && !/disabled>Browse files/.test(c.html)));
  assert.match(ready.html, new RegExp(`benchling/${displayId}`), 'the canvas names the package');

  const clicked = await runBin([...click, ...point], env, { cwd: root });
  assert.equal(clicked.code, 0, clicked.stderr);
  assert.match(clicked.stdout, /sent v2\.canvas\.userInteracted .*→ 202/);
  const browsing = await until('the file list', async () => (await canvases()).find((c) => c.html.includes(`Files in benchling/${displayId}`)));
  for (const file of ['entry.json', 'protocol.md', 'plate-reader.csv', 'gel.png']) assert.ok(browsing.html.includes(file), `${file} listed: ${browsing.html}`);

  // The sandbox printed what the app called, and the deliveries it made.
  assert.match(sandbox.outputText, /POST \/api\/v2\/app-canvases → 201/);
  assert.match(sandbox.outputText, /webhook v2\.canvas\.userInteracted .* 202/);
  assert.equal(await sandbox.kill('SIGINT'), 0, 'Ctrl-C ends the sandbox cleanly');
});
