/**
 * Concurrent callers share one in-flight request (one token refresh, one JWKS fetch); the
 * first call after it settles starts a new one.
 */
export class SingleFlight<T> {
  private current: Promise<T> | undefined;

  get busy(): boolean {
    return this.current !== undefined;
  }

  run(start: () => Promise<T>): Promise<T> {
    if (this.current === undefined) {
      const request = start();
      this.current = request;
      const clear = () => {
        if (this.current === request) this.current = undefined;
      };
      request.then(clear, clear);
    }
    return this.current;
  }

  /** Later callers start afresh; whoever awaits the old request still gets its answer. */
  forget(): void {
    this.current = undefined;
  }
}
