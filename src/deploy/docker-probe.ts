import { execFile } from 'node:child_process';
import type { Env } from '../config/env.ts';

export type DockerStatus = { working: true; version: string } | { working: false; reason: string };

/** The program the CDK builds images with: CDK_DOCKER when set (the CDK reads the same variable), else `docker`. */
export function dockerProgram(env: Env): string {
  return env.CDK_DOCKER || 'docker';
}

/**
 * Whether Docker can build an image here. An installed CLI is not enough: `docker version`
 * asks the daemon for its version too and fails when no daemon answers.
 */
export function probeDocker(env: Env, timeoutMs = 15_000): Promise<DockerStatus> {
  const program = dockerProgram(env);
  return new Promise((resolve) => {
    execFile(program, ['version', '--format', '{{.Server.Version}}'], { env, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (!error) return resolve({ working: true, version: stdout.trim() });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return resolve({ working: false, reason: `\`${program}\` is not installed (not found on PATH)` });
      if (error.killed) return resolve({ working: false, reason: `\`${program} version\` did not answer within ${timeoutMs / 1000} s` });
      const said = stderr.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? `exit code ${String(error.code)}`;
      resolve({ working: false, reason: `\`${program} version\` failed: ${said}` });
    });
  });
}
