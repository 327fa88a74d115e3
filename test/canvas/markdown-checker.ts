/**
 * A small markdown inspector for the escaping tests: it takes out the link destinations (and
 * checks each is a catalog URL that cannot break out of its parentheses), drops every
 * backslash-escaped character, and counts what is left that markdown would act on.
 */

const LINK_DESTINATION = /\]\((https:\/\/[^)\s]*)\)/g;
/** Characters that start or end markup in CommonMark/GFM once unescaped. */
const ACTIVE = ['[', ']', '(', ')', '<', '>', '!', '*', '_', '`', '|', '#', '~', '&', '$', '\\', '\n', '\r'] as const;

export interface MarkdownProfile {
  urls: string[];
  counts: Record<string, number>;
}

export function profile(markdown: string): MarkdownProfile {
  const urls: string[] = [];
  const withoutDestinations = markdown.replace(LINK_DESTINATION, (_, url: string) => {
    urls.push(url);
    return ']';
  });
  const bare = withoutDestinations.replace(/\\[!-/:-@[-`{-~]/g, 'x');
  const counts = Object.fromEntries(ACTIVE.map((c) => [c, bare.split(c).length - 1]));
  counts[']('] = markdown.split('](').length - 1;
  return { urls, counts };
}

/** A destination made only of unreserved characters, `%XX` and `/`, on the catalog host. */
export function isCatalogUrl(url: string, catalog: string): boolean {
  return /^https:\/\/[a-z0-9.-]+\/[A-Za-z0-9._~%/-]*$/.test(url) && new URL(url).host === catalog && !/%(?![0-9A-F]{2})/.test(url);
}
