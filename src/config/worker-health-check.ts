/*
 * What the worker container's health check and the worker process agree on: the stack's
 * task definition runs the check, src/worker/heartbeat.ts keeps the file fresh. Kept here,
 * below both, so neither imports the other.
 */

/**
 * The worker serves no HTTP, so its container health check reads a file instead: this file's
 * age, and what it says. It is rewritten while the process's event loop turns and the worker
 * loop runs; a wedged process stops touching it and ECS replaces the task.
 */
export const HEARTBEAT_FILE_NAME = 'benchling-webhook-worker.alive';
export const HEARTBEAT_EVERY_MS = 10_000;
/** Older than this, the health check fails: three missed beats. */
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_EVERY_MS;

/**
 * A job abandoned at JOB_DEADLINE whose handler's call is still pending. The job itself has
 * been handed back and is retried elsewhere, but the call holds whatever it holds (a socket,
 * memory, a write that may still land) and JavaScript cannot cancel it: only replacing the
 * process ends it, so the health check fails while one exists.
 */
export interface HungJob {
  jobId: string;
  /** The job's kind (`entry`, `canvas`), when the worker knows it. */
  kind?: string | undefined;
  /** The entry the job is for, when the worker knows it. */
  entry?: string | undefined;
  /** When the abandoned handler was started (epoch ms): it has hung since then. */
  since: number;
}

/** The heartbeat file's contents (JSON). A file that does not parse counts as no hung jobs: its age still counts. */
export interface HeartbeatState {
  at: number;
  hung: HungJob[];
}

/**
 * The container health check: node's own fs and os (no shell tools needed, the image's
 * tmpdir is the same as the worker's). Exit 0 while the file is fresh and names no hung job;
 * else exit 1 with one line saying why, which ECS keeps as the check's output.
 */
export const HEARTBEAT_CHECK_SCRIPT =
  `const fs=require('fs'),f=require('path').join(require('os').tmpdir(),'${HEARTBEAT_FILE_NAME}'),now=Date.now(),bad=(m)=>{console.log('worker unhealthy: '+m);process.exit(1)};` +
  `let s;try{s=fs.statSync(f)}catch{bad('no heartbeat file '+f)}` +
  `if(now-s.mtimeMs>=${HEARTBEAT_STALE_MS})bad('no heartbeat for '+Math.round((now-s.mtimeMs)/1000)+' s');` +
  `let h=[];try{const p=JSON.parse(fs.readFileSync(f,'utf8')).hung;if(Array.isArray(p))h=p}catch{}` +
  `if(h.length)bad(h.map((j)=>'job '+j.jobId+' (kind '+(j.kind||'unknown')+', entry '+(j.entry||'unknown')+') hung for '+Math.round((now-j.since)/1000)+' s: abandoned at JOB_DEADLINE, its call still pending').join('; '));` +
  `process.exit(0)`;
