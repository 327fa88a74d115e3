import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { inquirerPrompter } from '../../src/cli/init/prompter.ts';

/**
 * Where the prompts draw. Each prompt pipes into it and ends the pipe when it is answered; like
 * process.stdout, this screen stays open for the next prompt.
 */
class Screen extends Writable {
  text = '';

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += stripVTControlCharacters(chunk.toString());
    done();
  }

  override end(): this {
    return this;
  }
}

/** The prompts on in-memory streams: keys go in, the rendered screen comes out, as on a terminal. */
export function screen() {
  const input = new PassThrough();
  const output = new Screen();
  let seen = 0;
  return {
    prompter: inquirerPrompter({ input, output }),
    text: () => output.text,
    /** Waits until the text shows after the previous match, then types the keys. */
    async at(expected: string, keys: string): Promise<void> {
      const deadline = Date.now() + 10_000;
      while (output.text.indexOf(expected, seen) < 0) {
        if (Date.now() > deadline) throw new Error(`"${expected}" never appeared:\n${output.text}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      seen = output.text.indexOf(expected, seen) + expected.length;
      input.write(keys);
    },
  };
}
