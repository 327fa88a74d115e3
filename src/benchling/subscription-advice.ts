import { MessageType, classifyMessage } from './webhook-envelope.ts';

/**
 * What to tell an operator about a webhook type the app does not use. Benchling delivers only
 * the types an app subscribes to, so a type that arrives and is ignored is a subscription
 * that does nothing; where the app handles a type that means the same thing, that type is
 * what to subscribe to instead.
 */
export interface SubscriptionAdvice {
  /** Types the app handles that stand in for the ignored one; empty when none does. */
  subscribeInstead: string[];
  /** One sentence for the log. */
  advice: string;
}

/** Names Benchling sunset in 2024 (`v0.canvas.created`, `v0-beta.lifecycle.activateRequested`). */
const SUNSET = /^v0(-beta)?\./;

const ENTRY_UPDATES = [MessageType.entryUpdatedFields, MessageType.entryUpdatedReviewRecord];

function handled(type: string): boolean {
  return classifyMessage(type) !== 'unknown';
}

/** The handled type a sunset name became, if any: `v0.canvas.created` → `v2.canvas.created`. */
function successorOfSunset(type: string): string | undefined {
  const rest = type.replace(SUNSET, '');
  const candidates = [`v2.${rest}`, `v2.${rest.replace(/^lifecycle\./, 'app.')}`];
  return candidates.find(handled);
}

function insteadOf(type: string): string[] {
  if (SUNSET.test(type)) {
    const successor = successorOfSunset(type);
    return successor === undefined ? [] : [successor];
  }
  // Entry changes the app does not package on (assignees, v3 updates): it re-packages an entry
  // when its fields or its review record change.
  if (/^v[23]\.entry\.updated/.test(type)) return [...ENTRY_UPDATES];
  if (/^v3\.entry\./.test(type)) return [MessageType.entryCreatedV3, ...ENTRY_UPDATES];
  // Canvas messages exist in v2 only: a v3 name of a handled v2 canvas message maps to it.
  const v2Canvas = type.replace(/^v3\./, 'v2.');
  if (type.startsWith('v3.canvas.') && handled(v2Canvas)) return [v2Canvas];
  return [];
}

export function subscriptionAdvice(type: string): SubscriptionAdvice {
  const subscribeInstead = insteadOf(type);
  const advice =
    subscribeInstead.length > 0
      ? `the app does not use ${type} and answers it 200 ignored: subscribe to ${subscribeInstead.join(', ')} instead`
      : `the app does not use ${type} and answers it 200 ignored: remove it from the app manifest's subscriptions (benchling-webhook manifest lists the ones it uses)`;
  return { subscribeInstead, advice };
}
