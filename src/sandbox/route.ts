import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CanvasStore } from './canvas-store.ts';
import type { EntryStore } from './entry-store.ts';
import type { ExportTasks } from './export-tasks.ts';
import type { FaultPlan } from './fault-plan.ts';
import type { LoggedRequest } from './request-log.ts';
import type { SigningKeyring } from './signing-keys.ts';
import type { TokenIssuer } from './token-issuer.ts';

/** What route handlers may touch: the tenant's stores, never the server. */
export interface SandboxState {
  baseURL: string;
  appDefinitionId: string;
  tokens: TokenIssuer;
  keyring: SigningKeyring;
  entries: EntryStore;
  exports: ExportTasks;
  canvases: CanvasStore;
  faults: FaultPlan;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  state: SandboxState;
  logged: LoggedRequest;
}

export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A handler either returns a JSON reply or writes the response itself (`'streamed'`). */
export type RouteResult = JsonReply | 'streamed';

export interface Route {
  /** `METHOD /path` with `{name}` segments; also the key of the request log. */
  template: string;
  /** Needs a valid Bearer token. */
  auth: boolean;
  handle(ctx: RouteContext): Promise<RouteResult>;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): JsonReply => ({ status, body, headers });
