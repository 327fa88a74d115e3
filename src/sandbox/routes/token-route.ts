import { benchlingError, HttpError } from '../benchling-errors.ts';
import { readForm } from '../http-io.ts';
import { json, type Route } from '../route.ts';
import { credentialsFrom } from '../token-issuer.ts';

/**
 * OAuth2 client credentials: HTTP Basic or form fields, form-encoded body. Refusals carry
 * OAuth's error types, as Benchling's contract for this call says.
 */
export const tokenRoute: Route = {
  template: 'POST /api/v2/token',
  auth: false,
  async handle({ req, state }) {
    const form = await readForm(req);
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials') {
      const [message, type] = grant === null ? ['grant_type is required.', 'invalid_request'] : ['grant_type must be client_credentials.', 'unsupported_grant_type'];
      throw new HttpError(400, message, benchlingError(message, type));
    }
    const given = credentialsFrom(req.headers.authorization, form);
    if (!given || !state.tokens.accepts(given)) {
      throw new HttpError(401, 'Invalid client credentials.', benchlingError('Invalid client credentials.', 'invalid_client'));
    }
    return json(200, state.tokens.issue());
  },
};
