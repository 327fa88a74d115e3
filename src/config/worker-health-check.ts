/*
 * What the worker container's health check and the worker process agree on: the stack's
 * task definition runs the check, src/worker/heartbeat.ts keeps the file fresh. Kept here,
 * below both, so neither imports the other.
 */

/**
 * The worker serves no HTTP, so its container health check reads a file instead: this file's
 * age. It is rewritten while the process's event loop turns and the worker loop runs; a
 * wedged process stops touching it and ECS replaces the task.
 */
export const HEARTBEAT_FILE_NAME = 'benchling-webhook-worker.alive';
export const HEARTBEAT_EVERY_MS = 10_000;
/** Older than this, the health check fails: three missed beats. */
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_EVERY_MS;

/**
 * The container health check: node's own fs and os (no shell tools needed, the image's
 * tmpdir is the same as the worker's), exit 0 while the file is fresh.
 */
export const HEARTBEAT_CHECK_SCRIPT =
  `const f=require('path').join(require('os').tmpdir(),'${HEARTBEAT_FILE_NAME}');` +
  `try{process.exit(Date.now()-require('fs').statSync(f).mtimeMs<${HEARTBEAT_STALE_MS}?0:1)}catch{process.exit(1)}`;
