import { AppError, UsageError } from '../errors/app-error.ts';

/**
 * Why the service could not open its port, as a coded error that says what to change; a
 * failure that is none of these stays as it was.
 */
export function listenRefusal(error: unknown, host: string, port: number): AppError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new AppError('PORT_IN_USE', `port ${port} on ${host} is already in use: stop what listens there, or pass another --port (env PORT)`);
  }
  if (code === 'EACCES') {
    return new AppError('PORT_NOT_ALLOWED', `not allowed to listen on port ${port}: ports below 1024 need privileges; pass --port 8080 or another above 1023`);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UsageError('HOST_INVALID', `cannot listen on --host ${host}: this machine has no such address; use 0.0.0.0 (every interface) or 127.0.0.1`);
  }
  return undefined;
}
