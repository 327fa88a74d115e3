/**
 * Export tasks polled every few milliseconds rather than from 250 ms on (DEFAULT_TASK_WAIT): a
 * worker in a test otherwise spends most of each job waiting for the sandbox's export. The
 * sandbox still answers RUNNING first, so the polling itself is exercised.
 */
export const QUICK_EXPORT_POLLS = { firstPollMs: 5, maxPollMs: 20 } as const;
