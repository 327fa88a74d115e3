import { benchlingError, HttpError } from '../benchling-errors.ts';
import { readForm } from '../http-io.ts';
import { json, type Route } from '../route.ts';
import { credentialsFrom } from '../token-issuer.ts';

/** OAuth2 client credentials: HTTP Basic or form fields, form-encoded body. */
export const tokenRoute: Route = {
  template: 'POST /api/v2/token',
  auth: false,
  async handle({ req, state }) {
    const form = await readForm(req);
    if (form.get('grant_type') !== 'client_credentials') {
      throw new HttpError(400, 'grant_type must be client_credentials.', benchlingError('grant_type must be client_credentials.', 'invalid_request_error'));
    }
    const given = credentialsFrom(req.headers.authorization, form);
    if (!given || !state.tokens.accepts(given)) {
      throw new HttpError(401, 'Invalid client credentials.', benchlingError('Invalid client credentials.', 'invalid_client'));
    }
    return json(200, state.tokens.issue());
  },
};
