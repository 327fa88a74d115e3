import { BenchlingError, BenchlingErrorCode } from '../benchling/api-errors.ts';
import type { BenchlingCanvas } from '../benchling/api-schemas.ts';
import { isBenchlingId } from '../benchling/benchling-id.ts';
import type { BenchlingClient } from '../benchling/benchling-client.ts';
import { normaliseMessageType, MessageType } from '../benchling/webhook-envelope.ts';
import type { CanvasView } from '../canvas/blocks.ts';
import { browseView } from '../canvas/browse-view.ts';
import { decodeButtonId } from '../canvas/button-id.ts';
import { mainView, updatingView } from '../canvas/entry-view.ts';
import { errorView, type CanvasProblem } from '../canvas/error-view.ts';
import type { CanvasContext, CanvasState, PackageRevision } from '../canvas/inputs.ts';
import { CANVAS_FEATURE_ID } from '../canvas/manifest.ts';
import { metadataView } from '../canvas/metadata-view.ts';
import { decodeEarlierButtonId, takeOverEarlierButton, type EarlierButton } from '../canvas/earlier-button-id.ts';
import { canvasStateOf, routeButton, viewForButton, type ButtonRoute, type CanvasSnapshot } from '../canvas/router.ts';
import { encodeCanvasState, parseCanvasState } from '../canvas/state.ts';
import { AppError } from '../errors/app-error.ts';
import type { Refusal } from '../errors/refusal.ts';
import type { Logger } from '../log/logger.ts';
import { isJsonObject } from '../quilt/json-value.ts';
import type { CanvasJob } from '../jobs/job.ts';
import type { NewJob } from '../queue/queue.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { bindingOf, thisAppId, type CanvasBinding } from './canvas-binding.ts';
import { problemOf } from './canvas-problem.ts';
import { readLatestPackage } from './canvas-registry.ts';
import type { EntryCanvases, RecordedCanvas } from './entry-canvases.ts';
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
   * This app's id, when the job body does not carry the envelope's `app.id`: creating a
   * canvas needs it, and a canvas is written only when its record names it. Learned from the
   * jobs this process runs, too (their `app.id` comes from a signed webhook).
   */
  appId?: string | undefined;
  log: Logger;
  /** Packages the entry with the worker's own dependencies. */
  packageEntry: (entryId: string) => Promise<PackagedEntry>;
  /**
   * The entry's package name and display id, read from Benchling: a canvas the earlier app
   * drew holds no state of ours, so a click on it rebuilds the state from these.
   */
  describeEntry: (entryId: string) => Promise<Pick<PackagedEntry, 'name' | 'displayId'>>;
  /**
   * Queues a job on the entry lane (QUEUE). An Update click, answered in the interactive lane,
   * shows "Updating…" and hands its packaging over through this, so the export waits behind the
   * entry's other jobs and not in a click slot. Without it an Update click packages itself.
   */
  handOver?: (job: NewJob<CanvasJob>) => Promise<unknown>;
}

/** Draws of one navigation click at most, should revisions keep coming while it is answered. */
const MAX_NAVIGATION_ROUNDS = 3;

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

  async handle(body: CanvasJob, reference?: string): Promise<PackagedEntry | undefined> {
    const jobAppId = text(body.appId);
    if (isBenchlingId(jobAppId)) this.learnedAppId = jobAppId;
    const type = normaliseMessageType(String(body.messageType));
    if (type === MessageType.canvasUserInteracted) return this.interacted(body, reference);
    if (type === MessageType.canvasInitialized) return this.initialized(body, reference);
    return this.created(body, reference);
  }

  /**
   * After an entry job: redraws every canvas any worker has drawn for the entry, each only once
   * Benchling's record shows it is still this app's and still in this entry. A canvas Benchling
   * no longer has, or that shows another entry or belongs to another app, is forgotten, so it
   * is not tried again.
   */
  async redraw(entryId: string, packaged: PackagedEntry): Promise<void> {
    try {
      const recorded = await this.options.canvases.of(entryId);
      if (recorded.length === 0) return;
      await this.showOnRecorded(entryId, recorded, await this.mainViewFor(entryId, packaged));
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
      await this.showOnRecorded(entryId, await this.options.canvases.of(entryId), view);
    } catch (err) {
      this.options.log.warn({ err, entryId }, 'the refusal could not be shown on the canvases');
    }
  }

  /**
   * After Quilt's packaging engine committed a revision of the entry's package (integrated
   * mode): redraws the entry's recorded canvases from the registry's latest revision, as
   * redraw() does after an entry job. Unlike redraw(), it throws when the registry cannot be
   * read or a canvas could not be read or written for a reason that may pass (rate limit,
   * Benchling unavailable), so the event that asked for it is retried; the canvases already
   * drawn are simply drawn again then.
   */
  async refresh(entryId: string, packaged: Pick<PackagedEntry, 'name' | 'displayId'>): Promise<void> {
    const recorded = await this.options.canvases.of(entryId);
    if (recorded.length === 0) return;
    const missed = await this.showOnRecorded(entryId, recorded, await this.mainViewFor(entryId, packaged));
    if (missed.length > 0) {
      throw new AppError('canvas_redraw_failed', `canvases ${missed.join(', ')} of entry ${entryId} could not be redrawn for now (Benchling busy or unavailable); the event is retried`);
    }
  }

  /**
   * Shows a view on each recorded canvas that Benchling's own record still binds to this
   * entry and app; the canvases missed for a reason that may pass (the others are final).
   */
  private async showOnRecorded(entryId: string, recorded: RecordedCanvas[], view: CanvasView): Promise<string[]> {
    const missed: string[] = [];
    for (const { canvasId, appId } of recorded) {
      const binding = await this.rebind(entryId, canvasId, appId);
      if (binding === 'retry') missed.push(canvasId);
      if (binding === undefined || binding === 'retry') continue;
      if (appId !== binding.appId) await this.options.canvases.add(binding);
      const shown = await this.show(binding, view);
      if (shown === 'gone') await this.options.canvases.remove(entryId, canvasId);
      if (shown === 'retry') missed.push(canvasId);
    }
    return missed;
  }

  /** The main view of an entry as the registry has it now; throws only on registry errors. */
  async mainViewFor(entryId: string, packaged: Pick<PackagedEntry, 'name' | 'displayId'>): Promise<CanvasView> {
    return mainView(this.options.ctx, await this.stateFor(entryId, packaged));
  }

  /** The state of an entry's canvas as the registry and the linked-package index have it now. */
  private async stateFor(entryId: string, packaged: Pick<PackagedEntry, 'name' | 'displayId'>): Promise<CanvasState> {
    const latest = await readLatestPackage(this.options.store, packaged.name);
    await this.options.index.refresh();
    const userMeta = latest?.metadata.userMeta;
    const name = isJsonObject(userMeta) ? text(userMeta.name) : undefined;
    const state: CanvasState = {
      entry: { id: entryId, displayId: packaged.displayId, name: name ?? '' },
      ...(latest === undefined ? {} : { package: latest.revision }),
      linked: this.options.index.linkedTo(packaged.displayId, packaged.name),
    };
    return state;
  }

  /** This app's id for a job: the job's own (the signed envelope's), else the configured or learned one. */
  private appIdFor(body?: CanvasJob): string | undefined {
    return thisAppId(text(body?.appId), this.options.appId, this.learnedAppId);
  }

  private async initialized(body: CanvasJob, reference: string | undefined): Promise<PackagedEntry | undefined> {
    const entryId = text(body.resourceId);
    if (entryId === undefined) {
      this.options.log.warn({ job: body }, 'canvas.initialized without a resourceId: nothing to do');
      return undefined;
    }
    const binding = await this.create(body, entryId);
    return this.packageInto(entryId, binding, reference);
  }

  private async create(body: CanvasJob, entryId: string): Promise<CanvasBinding | undefined> {
    const appId = this.appIdFor(body);
    if (appId === undefined) {
      this.options.log.error({ entryId }, 'cannot create the canvas: no app id (the job body lacks appId and APP_ID is not set); packaging only');
      return undefined;
    }
    const view = bareUpdating(this.options.ctx, entryId);
    const featureId = text(body.featureId) ?? CANVAS_FEATURE_ID;
    let created: BenchlingCanvas;
    try {
      created = await this.options.client().createCanvas({ appId, featureId, resourceId: entryId, blocks: view.blocks, data: view.data });
    } catch (err) {
      this.options.log.warn({ err, entryId }, 'could not create the canvas; packaging anyway');
      return undefined;
    }
    // Benchling's answer is its record of the new canvas: it, not our request, says where the canvas is.
    const verdict = bindingOf(created, appId);
    if (verdict.ok && verdict.binding.entryId === entryId) return verdict.binding;
    const reason = verdict.ok ? 'Benchling created it in another entry' : verdict.reason;
    this.options.log.warn({ entryId, canvasId: created.id, reason }, 'the created canvas is not drawn: packaging only');
    return undefined;
  }

  private async created(body: CanvasJob, reference: string | undefined): Promise<PackagedEntry | undefined> {
    const canvasId = text(body.canvasId);
    if (canvasId === undefined) {
      this.options.log.warn({ job: body }, 'canvas.created without a canvasId: nothing to do');
      return undefined;
    }
    const checked = await this.readBinding(canvasId, this.appIdFor(body));
    if (checked === undefined) return undefined;
    const { binding, record } = checked;
    const claimed = text(body.resourceId);
    if (claimed !== undefined && claimed !== binding.entryId) {
      this.options.log.warn({ canvasId, claimed, entryId: binding.entryId }, "the event names another entry than the canvas is in: the canvas's own record decides");
    }
    const saved = parseCanvasState(record.data);
    const state = saved?.entry.id === binding.entryId ? saved : undefined;
    await this.show(binding, state === undefined ? bareUpdating(this.options.ctx, binding.entryId) : updatingView(this.options.ctx, state));
    return this.packageInto(binding.entryId, binding, reference);
  }

  private async interacted(body: CanvasJob, reference: string | undefined): Promise<PackagedEntry | undefined> {
    const canvasId = text(body.canvasId);
    if (canvasId === undefined) {
      this.options.log.warn({ job: body }, 'canvas.userInteracted without a canvas: ignored');
      return undefined;
    }
    const checked = await this.readBinding(canvasId, this.appIdFor(body));
    if (checked === undefined) return undefined;
    const { binding, record } = checked;
    await this.options.canvases.add(binding);
    const route = await this.routeClick(body.buttonId, { resourceId: binding.entryId, data: record.data });
    if (route.kind === 'requeue') {
      await this.show(binding, route.view);
      if (body.step === 'package' || this.options.handOver === undefined) return this.packageInto(route.entryId, binding, reference);
      // The "Updating…" write above comes before the packaging is even queued, so the view the
      // packaging draws when it is done can never be covered by it.
      await this.options.handOver({ groupId: route.entryId, dedupId: `${body.webhookId}.package`, body: { ...body, step: 'package' } });
      return undefined;
    }
    await this.navigate(binding, body.buttonId, record.data, reference);
    return undefined;
  }

  /**
   * A navigation click runs in the interactive lane, beside the entry's export rather than
   * after it, so the export may write a newer revision and draw it while the click is being
   * answered. The view is therefore drawn from the registry's latest revision as the click runs,
   * and checked after its write: if the latest revision changed meanwhile, this write may have
   * covered the newer main view, so the click is drawn again from the newer revision. The
   * export's own write comes after its registry write, so whichever of the two writes lands
   * last, the canvas ends on the newest revision. A few rounds suffice: each one means another
   * revision was written during a sub-second click.
   */
  private async navigate(binding: CanvasBinding, buttonId: string | undefined, data: string | null | undefined, reference: string | undefined): Promise<void> {
    for (let round = 1; ; round++) {
      const { snapshot, drawn } = await this.withLatestRevision({ resourceId: binding.entryId, data });
      const route = await this.routeClick(buttonId, snapshot);
      if (route.kind === 'requeue') return; // Not a navigation click after all (the state decides nothing here): left to the entry lane.
      await this.show(binding, await this.render(route, binding.entryId, reference));
      if (drawn === undefined || round >= MAX_NAVIGATION_ROUNDS) return;
      const now = await this.latestTopHash(drawn.name);
      if (now === undefined || now === drawn.topHash) return;
      this.options.log.info({ canvasId: binding.canvasId, drawn: drawn.topHash, latest: now }, 'a newer revision was written while the click was answered: drawn again');
    }
  }

  /** The canvas as it would be had the entry lane drawn the registry's latest revision; the revision it then names. */
  private async withLatestRevision(canvas: CanvasSnapshot): Promise<{ snapshot: CanvasSnapshot; drawn: PackageRevision | undefined }> {
    const state = canvasStateOf(canvas);
    if (state?.package === undefined) return { snapshot: canvas, drawn: undefined };
    let latest;
    try {
      latest = await readLatestPackage(this.options.store, state.package.name);
    } catch (err) {
      this.options.log.warn({ err, package: state.package.name }, 'could not read the latest revision; the click is answered from the canvas state');
      return { snapshot: canvas, drawn: state.package };
    }
    if (latest === undefined || latest.revision.topHash === state.package.topHash) return { snapshot: canvas, drawn: state.package };
    return { snapshot: { ...canvas, data: encodeCanvasState({ ...state, package: latest.revision }) }, drawn: latest.revision };
  }

  private async latestTopHash(name: string): Promise<string | undefined> {
    try {
      return (await readLatestPackage(this.options.store, name))?.revision.topHash;
    } catch (err) {
      this.options.log.warn({ err, package: name }, 'could not check the latest revision after answering a click');
      return undefined;
    }
  }

  /** An id of ours routes as it says; one the earlier app drew is taken over (see earlier-button-id.ts). */
  private async routeClick(buttonId: string | undefined, canvas: CanvasSnapshot): Promise<ButtonRoute> {
    const decoded = decodeButtonId(buttonId);
    const earlier = decoded.ok ? undefined : decodeEarlierButtonId(buttonId);
    if (earlier?.ok !== true) return viewForButton(decoded, canvas, this.options.ctx);
    this.options.log.info({ entryId: canvas.resourceId, action: earlier.button.action }, "a button the earlier app drew: the canvas is redrawn in this app's views");
    return this.takeOver(earlier.button, canvas);
  }

  /**
   * The earlier app's canvas holds no state of ours, so the state is rebuilt from the entry and
   * the registry, which also says which linked packages its button can mean. An update needs
   * no state; a button of another entry is refused before anything is read.
   */
  private async takeOver(button: EarlierButton, canvas: CanvasSnapshot): Promise<ButtonRoute> {
    const entryId = canvas.resourceId;
    const saved = canvasStateOf(canvas);
    if (button.entryId !== entryId || button.action === 'update') return routeButton(takeOverEarlierButton(button, []), entryId, saved, this.options.ctx);
    const state = saved ?? (await this.stateFor(entryId, await this.options.describeEntry(entryId)));
    const action = takeOverEarlierButton(button, state.linked);
    // Files or metadata of a package not written yet: the main view, whose Update button writes it.
    const unpackaged = (action.action === 'browse' || action.action === 'metadata') && action.packageName === undefined && state.package === undefined;
    return routeButton(unpackaged ? { action: 'back', entryId } : action, entryId, state, this.options.ctx);
  }

  /**
   * Reads the canvas a message names and checks it is this app's and in an entry. The read
   * failing is worth a retry (the job fails); a canvas that is gone, or not this app's, ends
   * the job with nothing written.
   */
  private async readBinding(canvasId: string, appId: string | undefined): Promise<{ binding: CanvasBinding; record: BenchlingCanvas } | undefined> {
    let record: BenchlingCanvas;
    try {
      record = await this.options.client().getCanvas(canvasId);
    } catch (err) {
      if (!(err instanceof BenchlingError && err.code === BenchlingErrorCode.NOT_FOUND)) throw err;
      this.options.log.warn({ canvasId }, 'Benchling has no such canvas: nothing to draw');
      return undefined;
    }
    const verdict = bindingOf(record, appId);
    if (!verdict.ok) {
      this.options.log.warn({ canvasId, reason: verdict.reason }, 'canvas not drawn');
      return undefined;
    }
    return { binding: verdict.binding, record };
  }

  /**
   * A recorded pair, checked again against Benchling's record before a redraw. Never throws:
   * a read that fails leaves the pair for the next edit, and is `retry` when it may pass.
   */
  private async rebind(entryId: string, canvasId: string, recordedAppId: string | undefined): Promise<CanvasBinding | undefined | 'retry'> {
    let record: BenchlingCanvas;
    try {
      record = await this.options.client().getCanvas(canvasId);
    } catch (err) {
      const gone = err instanceof BenchlingError && err.code === BenchlingErrorCode.NOT_FOUND;
      if (gone) {
        await this.options.canvases.remove(entryId, canvasId);
        return undefined;
      }
      this.options.log.warn({ err, entryId, canvasId }, 'could not read the canvas to redraw it');
      return mayPass(err) ? 'retry' : undefined;
    }
    const verdict = bindingOf(record, recordedAppId ?? this.appIdFor());
    const elsewhere = verdict.ok && verdict.binding.entryId !== entryId;
    if (verdict.ok && !elsewhere) return verdict.binding;
    const reason = verdict.ok ? `the canvas is in another entry (${verdict.binding.entryId})` : verdict.reason;
    if (elsewhere || (!verdict.ok && verdict.final)) {
      this.options.log.warn({ entryId, canvasId, reason }, 'canvas not redrawn, and forgotten for this entry');
      await this.options.canvases.remove(entryId, canvasId);
    } else {
      this.options.log.info({ entryId, canvasId, reason }, 'canvas not redrawn this time');
    }
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
  private async packageInto(entryId: string, canvas: CanvasBinding | undefined, reference: string | undefined): Promise<PackagedEntry> {
    if (canvas !== undefined) await this.options.canvases.add(canvas);
    let packaged: PackagedEntry;
    try {
      packaged = await this.options.packageEntry(entryId);
    } catch (error) {
      if (canvas !== undefined) {
        const view = errorView({ entryId, problem: problemOf(error), ...(reference === undefined ? {} : { reference }) });
        await this.show(canvas, view);
      }
      throw error;
    }
    if (canvas !== undefined) {
      try {
        await this.show(canvas, await this.mainViewFor(entryId, packaged));
      } catch (err) {
        this.options.log.warn({ err, canvasId: canvas.canvasId }, 'package written, but its canvas view could not be built');
      }
    }
    return packaged;
  }

  /**
   * Never throws: a canvas that cannot be written is logged, and 'gone' when Benchling has no
   * such canvas, 'retry' when the failure may pass. Only a binding (this app's canvas, as its
   * record showed) is ever written.
   */
  private async show(canvas: CanvasBinding, view: CanvasView): Promise<'shown' | 'failed' | 'retry' | 'gone'> {
    const { canvasId } = canvas;
    try {
      await this.options.client().updateCanvas(canvasId, { blocks: view.blocks, data: view.data, enabled: true });
      return 'shown';
    } catch (err) {
      this.options.log.warn({ err, canvasId }, 'could not update the canvas');
      if (err instanceof BenchlingError && err.code === BenchlingErrorCode.NOT_FOUND) return 'gone';
      return mayPass(err) ? 'retry' : 'failed';
    }
  }
}

/** Benchling says whether its failures may pass (429, 5xx, timeouts); anything else unexpected is given the benefit of a retry. */
function mayPass(err: unknown): boolean {
  return err instanceof BenchlingError ? err.transient : true;
}
