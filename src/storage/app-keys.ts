/**
 * The app's own keys in the registry, beside Quilt's `.quilt/`: staged file copies and which
 * canvases show which entry. The worker may delete under this prefix and nowhere else.
 */
export const APP_KEYS_PREFIX = '.benchling-webhook/';
