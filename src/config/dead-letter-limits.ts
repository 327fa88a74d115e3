/**
 * When a job goes to the dead letters, on either queue (docs/operations.md, "Dead letters").
 * Kept free of any queue or AWS code so that the CDK construct and the processes share them.
 */

/** Failed deliveries (the handler threw) after which a job is dead-lettered; JOB_MAX_FAILURES changes it. */
export const JOB_FAILURE_LIMIT = 5;

/**
 * Deliveries after which a job is dead-lettered however they ended (SQS's maxReceiveCount).
 * Deliveries cut by a crash or an expired lease, and deferrals, count here and only here: the
 * limit ends a job that kills or hangs the process every time, and is high enough that a crash
 * loop from another cause (a bad deployment, a host that keeps dying) does not reach it first.
 * It must stay above the failure limit plus the deferrals a job may get (entry-settle.ts).
 */
export const JOB_RECEIVE_LIMIT = 20;
