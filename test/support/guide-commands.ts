import assert from 'node:assert/strict';

/**
 * The commands a guide in docs/ tells a user to type, read from the guide itself, so a guide
 * that drifts from the CLI fails its test.
 */
const PREFIX = 'npx benchling-webhook ';

/** The `npx benchling-webhook …` lines of the guide's sh blocks, continuation lines joined, comments dropped. */
export function guideCommands(markdown: string): string[][] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const lines = blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'));
  return lines
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith(PREFIX))
    .map((line) => {
      assert.doesNotMatch(line, /["'$`|;&]/, `the guide's commands are plain words so this test runs them exactly: ${line}`);
      return line.slice(PREFIX.length).split(/\s+/);
    });
}
