import { notFound } from '../benchling-errors.ts';
import { json, type Route } from '../route.ts';

/** Plays apps.benchling.com: unauthenticated, keyed by app definition id. */
export const jwksRoute: Route = {
  template: 'GET /api/v1/apps/{appDefinitionId}/jwks',
  auth: false,
  async handle({ params, state }) {
    if (params.appDefinitionId !== state.appDefinitionId) throw notFound('App definition', params.appDefinitionId ?? '');
    return json(200, state.keyring.jwks(), { 'cache-control': 'max-age=300' });
  },
};
