import { notFound } from '../benchling-errors.ts';
import { readJson } from '../http-io.ts';
import { json, type Route } from '../route.ts';

export const createCanvasRoute: Route = {
  template: 'POST /api/v2/app-canvases',
  auth: true,
  async handle({ req, state }) {
    return json(201, state.canvases.create(await readJson(req)));
  },
};

export const getCanvasRoute: Route = {
  template: 'GET /api/v2/app-canvases/{id}',
  auth: true,
  async handle({ params, state }) {
    const id = params.id ?? '';
    const canvas = state.canvases.get(id);
    if (!canvas) throw notFound('App canvas', id);
    return json(200, canvas);
  },
};

export const updateCanvasRoute: Route = {
  template: 'PATCH /api/v2/app-canvases/{id}',
  auth: true,
  async handle({ req, params, state }) {
    return json(200, state.canvases.update(params.id ?? '', await readJson(req)));
  },
};
