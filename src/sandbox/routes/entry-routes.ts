import { notFound } from '../benchling-errors.ts';
import type { LinkedObjectKind } from '../entry-model.ts';
import { json, type Route } from '../route.ts';

export const entryRoute: Route = {
  template: 'GET /api/v2/entries/{id}',
  auth: true,
  async handle({ params, state }) {
    const id = params.id ?? '';
    const entry = state.entries.get(id);
    if (!entry) throw notFound('Entry', id);
    return json(200, { entry });
  },
};

/** Linked objects come back bare (not wrapped), as Benchling's entity GETs do. */
function linkedObjectRoute(path: string, kind: LinkedObjectKind, label: string): Route {
  return {
    template: `GET /api/v2/${path}/{id}`,
    auth: true,
    async handle({ params, state }) {
      const id = params.id ?? '';
      const object = state.entries.linkedObject(kind, id);
      if (!object) throw notFound(label, id);
      return json(200, object);
    },
  };
}

export const customEntityRoute = linkedObjectRoute('custom-entities', 'custom_entity', 'Custom entity');
export const dnaSequenceRoute = linkedObjectRoute('dna-sequences', 'dna_sequence', 'DNA sequence');
