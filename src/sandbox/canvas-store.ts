import type { ZodType } from 'zod';
import { badRequest, forbidden, HttpError, invalidBody, notFound } from './benchling-errors.ts';
import { CanvasCreateSchema, CanvasUpdateSchema, type CanvasBlock } from './canvas-schema.ts';
import { benchlingId } from './ids.ts';

export interface SandboxCanvas {
  id: string;
  app: { id: string };
  resourceId: string;
  featureId: string;
  blocks: CanvasBlock[];
  enabled: boolean;
  sessionId: string | null;
  data: string | null;
  archiveRecord: null;
}

/** One POST or PATCH the app made, accepted or not, in arrival order. */
export interface CanvasWrite {
  method: 'POST' | 'PATCH';
  /** The created canvas for an accepted POST; the target for a PATCH. */
  canvasId: string | undefined;
  body: unknown;
  status: number;
  at: number;
}

/** What a test may set on a canvas it inserts: another app's canvas, or one with saved data. */
export interface CanvasInsert {
  resourceId: string;
  featureId: string;
  /** Default: this app. */
  appId?: string;
  data?: string | null;
  /** Default: none, as a user inserts it; blocks stand for a canvas another app already drew. */
  blocks?: CanvasBlock[];
}

/**
 * Canvases on this tenant (this app's, and any a test inserts for another app), and every
 * write the app made to them.
 */
export class CanvasStore {
  readonly writes: CanvasWrite[] = [];
  private readonly canvases = new Map<string, SandboxCanvas>();

  constructor(
    private readonly appId: string,
    private readonly resourceExists: (id: string) => boolean,
  ) {}

  create(body: unknown): SandboxCanvas {
    return this.recorded('POST', undefined, body, () => {
      const input = parsed(CanvasCreateSchema, body);
      if (input.appId !== this.appId) throw badRequest(`appId ${input.appId} is not this app (${this.appId}).`);
      this.requireResource(input.resourceId);
      const canvas = this.insert({ resourceId: input.resourceId, featureId: input.featureId });
      Object.assign(canvas, pick(input, ['blocks', 'enabled', 'sessionId', 'data']));
      return canvas;
    });
  }

  update(id: string, body: unknown): SandboxCanvas {
    return this.recorded('PATCH', id, body, () => {
      const canvas = this.canvases.get(id);
      if (!canvas) throw notFound('App canvas', id);
      if (canvas.app.id !== this.appId) throw forbidden(`App canvas ${id} belongs to another app.`);
      const input = parsed(CanvasUpdateSchema, body);
      if (input.resourceId !== undefined) this.requireResource(input.resourceId);
      Object.assign(canvas, pick(input, ['blocks', 'enabled', 'sessionId', 'data', 'featureId', 'resourceId']));
      return canvas;
    });
  }

  remove(id: string): void {
    this.canvases.delete(id);
  }

  get(id: string): SandboxCanvas | undefined {
    const canvas = this.canvases.get(id);
    return canvas && structuredClone(canvas);
  }

  /** Every canvas, in the order it was created or inserted. */
  all(): SandboxCanvas[] {
    return [...this.canvases.values()].map((canvas) => structuredClone(canvas));
  }

  /** A canvas as a user inserts it into an entry (before `v2.canvas.created`): no blocks yet. */
  insert(spec: CanvasInsert): SandboxCanvas {
    const canvas: SandboxCanvas = {
      id: benchlingId('cnvs'),
      app: { id: spec.appId ?? this.appId },
      resourceId: spec.resourceId,
      featureId: spec.featureId,
      blocks: spec.blocks ?? [],
      enabled: true,
      sessionId: null,
      data: spec.data ?? null,
      archiveRecord: null,
    };
    this.canvases.set(canvas.id, canvas);
    return canvas;
  }

  private requireResource(id: string): void {
    if (!this.resourceExists(id)) throw badRequest(`resourceId ${id} is not an entry on this tenant.`);
  }

  private recorded(method: CanvasWrite['method'], canvasId: string | undefined, body: unknown, apply: () => SandboxCanvas): SandboxCanvas {
    const write: CanvasWrite = { method, canvasId, body: structuredClone(body), status: 0, at: Date.now() };
    this.writes.push(write);
    try {
      const canvas = apply();
      write.canvasId = canvas.id;
      write.status = method === 'POST' ? 201 : 200;
      return structuredClone(canvas);
    } catch (error) {
      write.status = error instanceof HttpError ? error.status : 500;
      throw error;
    }
  }
}

function parsed<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw invalidBody(result.error);
  return result.data;
}

/** Only the keys present in the body, so an omitted field leaves the canvas as it was. */
function pick<T extends object, K extends keyof T>(input: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => input[k] !== undefined).map((k) => [k, input[k]])) as Partial<Pick<T, K>>;
}
