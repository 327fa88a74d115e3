import { setTimeout as delay } from 'node:timers/promises';

/** Epoch milliseconds; injected so tests can move time without waiting. */
export type Now = () => number;

/**
 * Waits `ms`; resolves early (never rejects) when `signal` aborts, so a waiter that no longer
 * needs the timer can drop it without an unhandled rejection.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  try {
    await delay(Math.max(0, ms), undefined, { signal });
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
};
