import { after } from 'node:test';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { queueContract } from './queue-contract.ts';
import { tempDirs } from './temp-dirs.ts';

const dirs = tempDirs();
after(() => dirs.removeAll());

queueContract({
  name: 'embedded',
  shortMs: 150,
  async open(options = {}) {
    return EmbeddedQueue.open(await dirs.make(), options);
  },
});
