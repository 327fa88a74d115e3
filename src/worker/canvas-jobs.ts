import { BenchlingError, BenchlingErrorCode } from '../benchling/api-errors.ts';
import type { BenchlingClient } from '../benchling/benchling-client.ts';
import { normaliseMessageType, MessageType } from '../benchling/webhook-envelope.ts';
import type { CanvasView } from '../canvas/blocks.ts';
import { browseView } from '../canvas/browse-view.ts';
import { decodeButtonId } from '../canvas/button-id.ts';
import { mainView, updatingView } from '../canvas/entry-view.ts';
import { errorView, type CanvasProblem } from '../canvas/error-view.ts';
import type { CanvasContext, CanvasState } from '../canvas/inputs.ts';
import { CANVAS_FEATURE_ID } from '../canvas/manifest.ts';
import { metadataView } from '../canvas/metadata-view.ts';
import { viewForButton, type ButtonRoute } from '../canvas/router.ts';
import { parseCanvasState } from '../canvas/state.ts';
import type { Refusal } from '../errors/refusal.ts';
import type { Logger } from '../log/logger.ts';
import { isJsonObject } from '../quilt/json-value.ts';
import type { JobBody } from '../queue/queue.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { problemOf } from './canvas-problem.ts';
import { readLatestPackage } from './canvas-registry.ts';
import type { EntryCanvases } from './entry-canvases.ts';
import type { LinkedPackageIndex } from './linked-index.ts';
import type { PackagedEntry } from './package-entry.ts';

export interface CanvasJobsOptions {
  /** The current client (it is replaced when the secret rotates). */
  client: () => BenchlingClient;
  store: ObjectStore;
  index: LinkedPackageIndex;
  /** Which canvases show which entry, shared by every worker through the registry. */
  canvases: EntryCanvases;
  ctx: CanvasContext;
  /**
   * The app id for `POST /app-canvases`, when the job body does not carry the envelope's
   * `app.id`. Learned from any canvas this process reads, too.
   */
  appId?: string | undefined;
  log: Logger;
  /** Packages the entry with the worker's own dependencies. */
  packageEntry: (entryId: string) => Promise<PackagedEntry>;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** Only the entry id is known before packaging: the view names it and keeps no state. */
function bareUpdating(ctx: CanvasContext, entryId: string): CanvasView {
  const bare: CanvasState = { entry: { id: entryId, displayId: '', name: '' }, linked: [] };
  return { ...updatingView(ctx, bare), data: null };
}

/**
 * Canvas jobs: show "Updating…" at once, package, then the main view; and button clicks. A
 * canvas write that fails is logged and never fails the job: the package is what matters.
 */
export class CanvasJobs {
  private learnedAppId: string | undefined;

  constructor(private readonly options: CanvasJobsOptions) {}

  async handle(body: JobBody, reference?: string): Promise<PackagedEntry | undefined> {
    const type = normaliseMessageType(String(body.messageType));
    if (type === MessageType.canvasUserInteracted) return this.interacted(body, reference);
    if (type === MessageType.canvasInitialized) return this.initialized(body, reference);
    return this.created(body, reference);
  }

  /**
   * After an entry job: redraws every canvas any worker has drawn for the entry. A canvas
   * Benchling no longer has is forgotten, so it is not tried again.
   */
  async redraw(entryId: string, packaged: PackagedEntry): Promise<void> {
    try {
      const canvasIds = await this.options.canvases.of(entryId);
      if (canvasIds.length === 0) return;
      const view = await this.mainViewFor(entryId, packaged);
      for (const canvasId of canvasIds) {
        if ((await this.show(canvasId, view)) === 'gone') await this.options.canvases.remove(entryId, canvasId);
      }
    } catch (err) {
      this.options.log.warn({ err, entryId }, 'package written, but its canvases could not be redrawn');
    }
  }

  /**
   * After an entry job was refused (see Refusal): its canvases show why, since no retry will
   * redraw them. Never throws: the refusal is what the job reports.
   */
  async showRefusal(entryId: string, refusal: Refusal, reference?: string): Promise<void> {
    try {
      const view = errorView({ entryId, problem: problemOf(refusal), ...(reference === undefined ? {} : { reference }) });
      for (const canvasId of await this.options.canvases.of(entryId)) await this.show(canvasId, view);
    } catch (err) {
      this.options.log.warn({ err, entryId }, 'the refusal could not be shown on the canvases');
    }
  }

  /** The main view of an entry as the registry has it now; throws only on registry errors. */
  async mainViewFor(entryId: string, packaged: Pick<PackagedEntry, 'name' | 'displayId'>): Promise<CanvasView> {
    const latest = await readLatestPackage(this.options.store, packaged.name);
    await this.options.index.refresh();
    const userMeta = latest?.metadata.userMeta;
    const name = isJsonObject(userMeta) ? text(userMeta.name) : undefined;
    const state: CanvasState = {
      entry: { id: entryId, displayId: packaged.displayId, name: name ?? '' },
      ...(latest === undefined ? {} : { package: latest.revision }),
      linked: this.options.index.linkedTo(packaged.displayId, packaged.name),
    };
    return mainView(this.options.ctx, state);
  }

  private async initialized(body: JobBody, reference: string | undefined): Promise<PackagedEntry | undefined> {
    const entryId = text(body.resourceId);
    if (entryId === undefined) {
      this.options.log.warn({ job: body }, 'canvas.initialized without a resourceId: nothing to do');
      return undefined;
    }
    const canvasId = await this.create(body, entryId);
    return this.packageInto(entryId, canvasId, reference);
  }

  private async create(body: JobBody, entryId: string): Promise<string | undefined> {
    const appId = text(body.appId) ?? this.options.appId ?? this.learnedAppId;
    if (appId === undefined) {
      this.options.log.error({ entryId }, 'cannot create the canvas: no app id (the job body lacks appId and APP_ID is not set); packaging only');
      return undefined;
    }
    const view = bareUpdating(this.options.ctx, entryId);
    const featureId = text(body.featureId) ?? CANVAS_FEATURE_ID;
    try {
      const canvas = await this.options.client().createCanvas({ appId, featureId, resourceId: entryId, blocks: view.blocks, data: view.data });
      return canvas.id;
    } catch (err) {
      this.options.log.warn({ err, entryId }, 'could not create the canvas; packaging anyway');
      return undefined;
    }
  }

  private async created(body: JobBody, reference: string | undefined): Promise<PackagedEntry | undefined> {
    const canvasId = text(body.canvasId);
    let entryId = text(body.resourceId);
    let state: CanvasState | undefined;
    if (canvasId !== undefined) {
      const canvas = await this.read(canvasId);
      entryId ??= text(canvas?.resourceId);
      const saved = parseCanvasState(canvas?.data);
      state = saved?.entry.id === entryId ? saved : undefined;
    }
    if (entryId === undefined) {
      this.options.log.warn({ job: body }, 'canvas job without an entry: nothing to package');
      return undefined;
    }
    if (canvasId !== undefined) await this.show(canvasId, state === undefined ? bareUpdating(this.options.ctx, entryId) : updatingView(this.options.ctx, state));
    return this.packageInto(entryId, canvasId, reference);
  }

  private async interacted(body: JobBody, reference: string | undefined): Promise<PackagedEntry | undefined> {
    const canvasId = text(body.canvasId);
    // Without the canvas there is nothing to route against; the GET failing is worth a retry.
    const canvas = canvasId === undefined ? undefined : await this.options.client().getCanvas(canvasId);
    this.learn(canvas);
    const resourceId = text(canvas?.resourceId);
    if (canvasId === undefined || resourceId === undefined) {
      this.options.log.warn({ job: body }, 'canvas.userInteracted without a canvas or its entry: ignored');
      return undefined;
    }
    await this.options.canvases.add(resourceId, canvasId);
    const route = viewForButton(decodeButtonId(body.buttonId), { resourceId, data: canvas?.data }, this.options.ctx);
    if (route.kind === 'requeue') {
      await this.show(canvasId, route.view);
      return this.packageInto(route.entryId, canvasId, reference);
    }
    await this.show(canvasId, await this.render(route, resourceId, reference));
    return undefined;
  }

  private async render(route: Exclude<ButtonRoute, { kind: 'requeue' }>, entryId: string, reference: string | undefined): Promise<CanvasView> {
    if (route.kind === 'render') return route.view;
    const fail = (problem: CanvasProblem) => errorView({ entryId, state: route.state, problem, ...(reference === undefined ? {} : { reference }) });
    let latest;
    try {
      latest = await readLatestPackage(this.options.store, route.packageName);
    } catch (err) {
      this.options.log.warn({ err, package: route.packageName }, 'could not read the package for the canvas');
      return fail('registry-unavailable');
    }
    if (latest === undefined) return fail('package-missing');
    return route.kind === 'browse' ? browseView(this.options.ctx, route.state, latest.listing, route.page) : metadataView(route.state, latest.metadata);
  }

  /** Packages, then shows the result; a failed packaging shows the error and still fails the job. */
  private async packageInto(entryId: string, canvasId: string | undefined, reference: string | undefined): Promise<PackagedEntry> {
    if (canvasId !== undefined) await this.options.canvases.add(entryId, canvasId);
    let packaged: PackagedEntry;
    try {
      packaged = await this.options.packageEntry(entryId);
    } catch (error) {
      if (canvasId !== undefined) {
        const view = errorView({ entryId, problem: problemOf(error), ...(reference === undefined ? {} : { reference }) });
        await this.show(canvasId, view);
      }
      throw error;
    }
    if (canvasId !== undefined) {
      try {
        await this.show(canvasId, await this.mainViewFor(entryId, packaged));
      } catch (err) {
        this.options.log.warn({ err, canvasId }, 'package written, but its canvas view could not be built');
      }
    }
    return packaged;
  }

  private async read(canvasId: string) {
    try {
      const canvas = await this.options.client().getCanvas(canvasId);
      this.learn(canvas);
      return canvas;
    } catch (err) {
      this.options.log.warn({ err, canvasId }, 'could not read the canvas');
      return undefined;
    }
  }

  private learn(canvas: Record<string, unknown> | undefined): void {
    const app = canvas?.app;
    const id = typeof app === 'object' && app !== null ? text((app as Record<string, unknown>).id) : undefined;
    if (id !== undefined) this.learnedAppId = id;
  }

  /** Never throws: a canvas that cannot be written is logged, and 'gone' when Benchling has no such canvas. */
  private async show(canvasId: string, view: CanvasView): Promise<'shown' | 'failed' | 'gone'> {
    try {
      await this.options.client().updateCanvas(canvasId, { blocks: view.blocks, data: view.data, enabled: true });
      return 'shown';
    } catch (err) {
      this.options.log.warn({ err, canvasId }, 'could not update the canvas');
      return err instanceof BenchlingError && err.code === BenchlingErrorCode.NOT_FOUND ? 'gone' : 'failed';
    }
  }
}
