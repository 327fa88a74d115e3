import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { invalidBody, notFound, unknownItem } from '../benchling-errors.ts';
import { buildExportZip, type ExportZip } from '../export-zip.ts';
import type { TruncationSpec } from '../fault-plan.ts';
import { readJson } from '../http-io.ts';
import { json, type Route } from '../route.ts';

/** Benchling's `ExportItemRequest`: closed, `id` required, `format` pdf by default. */
export const ExportRequestSchema = z.strictObject({ id: z.string(), format: z.enum(['html', 'pdf']).default('pdf') });

export const startExportRoute: Route = {
  template: 'POST /api/v2/exports',
  auth: true,
  async handle({ req, state }) {
    const parsed = ExportRequestSchema.safeParse(await readJson(req));
    if (!parsed.success) throw invalidBody(parsed.error);
    const { id, format } = parsed.data;
    const entry = state.entries.get(id);
    // Benchling's contract for this call lists 400 as its only refusal, so an unknown id is one.
    if (!entry) throw unknownItem(id);
    const content = { entry, format, attachments: new Map(state.entries.attachments(id)), crafted: state.exports.craftedBody(id) };
    return json(202, { taskId: state.exports.start(content, state.faults.takeExportFailure(), id) });
  },
};

export const taskRoute: Route = {
  template: 'GET /api/v2/tasks/{id}',
  auth: true,
  async handle({ params, state }) {
    const id = params.id ?? '';
    const view = state.exports.poll(id, state.baseURL);
    if (!view) throw notFound('Task', id);
    return json(200, view);
  },
};

/** Plays the presigned S3 URL: no Bearer token, not rate limited, Content-Length up front. */
export const downloadRoute: Route = {
  template: 'GET /downloads/{token}.zip',
  auth: false,
  async handle({ params, state, res, logged }) {
    const content = state.exports.download(params.token ?? '');
    if (!content) throw notFound('Download', params.token ?? '');
    const zip = await buildExportZip(content);
    const truncation = state.faults.takeTruncation();
    if (truncation) logged.fault = 'truncated';
    logged.status = 200;
    streamZip(res, zip, truncation);
    return 'streamed';
  },
};

function streamZip(res: ServerResponse, zip: ExportZip, truncation: TruncationSpec | undefined): void {
  // A crafted body of unknown size goes out chunked; it is cut only where keepBytes says.
  const size = zip.size ?? Infinity;
  const cut = truncation ? Math.min(truncation.keepBytes ?? Math.floor(size / 2), size) : size;
  const abort = (truncation?.abort === true || zip.size === undefined) && cut < size;
  const length = zip.size === undefined ? {} : { 'content-length': abort ? zip.size : cut };
  res.writeHead(200, { 'content-type': 'application/zip', ...length });
  res.on('close', () => zip.dispose());
  res.on('drain', () => zip.stream.resume());
  zip.stream.on('error', () => res.destroy());
  zip.stream.on('end', () => {
    if (!res.writableEnded) res.end();
  });
  let sent = 0;
  zip.stream.on('data', (chunk: Buffer) => {
    const part = chunk.subarray(0, cut - sent);
    sent += part.length;
    if (sent < cut) {
      if (!res.write(part)) zip.stream.pause();
      return;
    }
    zip.stream.pause();
    // The dropped connection comes after the kept bytes are flushed, so the client sees exactly them.
    if (abort) res.write(part, () => res.destroy());
    else res.end(part);
  });
}
