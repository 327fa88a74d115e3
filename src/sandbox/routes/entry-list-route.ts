import { badRequest } from '../benchling-errors.ts';
import type { SandboxEntry } from '../entry-model.ts';
import { json, type Route } from '../route.ts';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;
const SORTS = ['modifiedAt', 'modifiedAt:asc', 'modifiedAt:desc', 'createdAt', 'createdAt:asc', 'createdAt:desc', 'name', 'name:asc', 'name:desc'];

/** `> 2024-01-01`, `< 2024-02-01`, or both joined by AND, as Benchling's list endpoints take them. */
function modifiedWithin(range: string): (entry: SandboxEntry) => boolean {
  const bounds = range.split(/\s+AND\s+/i).map((part) => {
    const match = /^\s*([<>])\s*(\S+)\s*$/.exec(part);
    const at = match ? Date.parse(match[2]!) : NaN;
    if (!match || Number.isNaN(at)) throw badRequest(`Invalid modifiedAt filter: ${range}`);
    return { op: match[1], at };
  });
  return (entry) => bounds.every(({ op, at }) => (op === '>' ? Date.parse(entry.modifiedAt) > at : Date.parse(entry.modifiedAt) < at));
}

function filters(query: URLSearchParams): ((entry: SandboxEntry) => boolean)[] {
  const list: ((entry: SandboxEntry) => boolean)[] = [];
  const modifiedAt = query.get('modifiedAt');
  if (modifiedAt) list.push(modifiedWithin(modifiedAt));
  const schemaId = query.get('schemaId');
  if (schemaId) list.push((entry) => entry.schema?.id === schemaId);
  // Sandbox entries name their folder, not a project: only an entry given a projectId matches one.
  const projectId = query.get('projectId');
  if (projectId) list.push((entry) => (entry as { projectId?: unknown }).projectId === projectId);
  const ids = query.get('ids');
  if (ids) {
    const wanted = new Set(ids.split(','));
    list.push((entry) => wanted.has(entry.id));
  }
  return list;
}

function sorted(entries: SandboxEntry[], sort: string): SandboxEntry[] {
  const [key, direction] = sort.split(':') as [keyof SandboxEntry, string | undefined];
  const sign = direction === 'asc' || (direction === undefined && key === 'name') ? 1 : -1;
  // Ties keep the order entries were added in, so pages never overlap or skip.
  return entries.map((entry, i) => ({ entry, i })).sort((a, b) => sign * String(a.entry[key]).localeCompare(String(b.entry[key])) || a.i - b.i).map((x) => x.entry);
}

function pageSize(query: URLSearchParams): number {
  const text = query.get('pageSize');
  if (text === null) return DEFAULT_PAGE_SIZE;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badRequest(`pageSize must be 1 to ${MAX_PAGE_SIZE}, not ${text}`);
  return size;
}

/** The token is the offset of the page's first entry, opaque to the client. */
function offset(query: URLSearchParams): number {
  const token = query.get('nextToken');
  if (!token) return 0;
  const at = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, ''));
  if (!Number.isInteger(at) || at < 0) throw badRequest(`Invalid nextToken: ${token}`);
  return at;
}

/** `GET /entries`: the tenant's entries, filtered, sorted (modifiedAt:desc by default) and paged. */
export const listEntriesRoute: Route = {
  template: 'GET /api/v2/entries',
  auth: true,
  async handle({ query, state }) {
    const sort = query.get('sort') ?? 'modifiedAt:desc';
    if (!SORTS.includes(sort)) throw badRequest(`Invalid sort: ${sort}`);
    const size = pageSize(query);
    const start = offset(query);
    const matching = filters(query);
    const all = sorted(state.entries.all().filter((entry) => matching.every((match) => match(entry))), sort);
    const end = start + size;
    const nextToken = end < all.length ? Buffer.from(`offset:${end}`).toString('base64url') : '';
    return json(200, { entries: all.slice(start, end), nextToken });
  },
};
