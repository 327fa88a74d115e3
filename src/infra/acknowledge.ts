import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  /** Construct path the acknowledgement is attached to (it covers the construct and everything below it). */
  path: string;
  id: string;
  reason: string;
}

const MIN_REASON = 40;

/**
 * Every acknowledged finding states why it does not apply here; a short reason is a
 * programming error, caught when the construct is built rather than in review.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < MIN_REASON) {
    throw new Error(`acknowledgement ${id} on ${scope.node.path} needs a reason of at least ${MIN_REASON} characters`);
  }
  Validations.of(scope).acknowledge({ id, reason });
}

/** Every acknowledgement recorded under `root`, for audits and for the test that reads them. */
export function listAcknowledgements(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason: String(reason) });
      }
    }
  }
  return found;
}
