/** Entries remembered; bounded, oldest dropped first. */
const MAX_REMEMBERED = 10_000;
/**
 * The event's time comes from the service's clock, the read's from the worker's: on AWS they
 * are two containers, whose clocks agree to well within this. An event this close to the read
 * is not counted as covered.
 */
const CLOCK_MARGIN_MS = 250;

/**
 * When this process last read each entry for a package it then wrote. A job whose event
 * arrived before that read is already covered: the package shows the entry as it was after
 * the event. SQS cannot merge a burst's messages, so this is what makes the rest of a burst
 * free (no API call at all). In memory only: after a restart, or on another worker, a job
 * just exports once more, which is harmless.
 */
export class PackagedReads {
  private readonly readAt = new Map<string, number>();

  /** readAt: when the read that the package was built from started. */
  remember(entryId: string, readAt: number): void {
    this.readAt.delete(entryId);
    this.readAt.set(entryId, readAt);
    if (this.readAt.size > MAX_REMEMBERED) this.readAt.delete(this.readAt.keys().next().value!);
  }

  covers(entryId: string, eventReceivedAt: number): boolean {
    const readAt = this.readAt.get(entryId);
    return readAt !== undefined && Number.isFinite(eventReceivedAt) && eventReceivedAt < readAt - CLOCK_MARGIN_MS;
  }
}
