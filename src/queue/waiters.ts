/**
 * Long-poll receivers parked until something may have become deliverable or their time is
 * up. Waking is a hint: a woken receiver looks again and parks again if it finds nothing.
 */
export class Waiters {
  private readonly parked = new Set<() => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.parked.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.parked.add(wake);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.parked]) wake();
  }
}
