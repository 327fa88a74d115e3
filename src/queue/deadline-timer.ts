/** setTimeout's limit; longer delays are re-armed when it fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

interface Entry<T> {
  at: number;
  item: T;
}

/**
 * Many deadlines (lease expiries, retry delays) on one timer: a binary min-heap, with the
 * timer always armed for the earliest. Stale entries are not removed; the callback checks
 * whether an item still matters. The timer is unref'd: pending deadlines alone do not keep
 * the process alive.
 */
export class DeadlineTimer<T> {
  private readonly heap: Entry<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;

  constructor(private readonly onDue: (item: T) => void) {}

  add(at: number, item: T): void {
    if (this.stopped) return;
    this.push({ at, item });
    if (at < this.armedFor) this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.heap.length = 0;
  }

  private arm(): void {
    clearTimeout(this.timer);
    const first = this.heap[0];
    if (!first || this.stopped) {
      this.timer = undefined;
      this.armedFor = Infinity;
      return;
    }
    this.armedFor = first.at;
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_DELAY_MS, Math.max(0, first.at - Date.now())));
    this.timer.unref();
  }

  private fire(): void {
    const now = Date.now();
    while (this.heap[0] && this.heap[0].at <= now) this.onDue(this.pop().item);
    this.arm();
  }

  private push(entry: Entry<T>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= entry.at) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry<T> {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= last.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
