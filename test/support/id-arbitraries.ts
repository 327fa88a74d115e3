import fc from 'fast-check';
import { MAX_BENCHLING_ID_LENGTH } from '../../src/benchling/benchling-id.ts';

/** Benchling ids for property tests: ones Benchling makes, and ones that must never name anything. */

/** Every path-parameter example of Benchling's OpenAPI spec, and the task id its export example answers with. */
export const DOCUMENTED_IDS = [
  'aci_e59sjL23Pqn30xHg',
  'app_J39na03L1nsLS34o',
  'app_e59sjL23Pqn30xHg',
  'cnvs_Q4mPJ34a',
  'dataset_Q6uhNZvw',
  'dset_LlDFupKyErxx',
  'entity_registry_id_001',
  'etr_IWLMtEvN',
  'f438d656-c2c3-40a4-b3fd-d7e58db78242',
  'file_Of5GuBSq',
  'prs_giVNQcTL',
  'prstsch_KnR9iVum',
  'req_JekfeyVS',
  'reqffm_8Hm71Usw',
  'seq_yWs5X7lv',
  'sesn_J2PGE0Z516Y',
  'wffc_giVNQcAF',
  'wffccv_giVNQcAF',
  'wfout_5cJLQKVF',
  'wftask_OnnsW08k',
  'task_b2ZtLWZha2UtZGVwbG95LWhlbGxvX3dvcmxkOm9mbS1mYWtlLWRlcGxveS1oZWxsb193b3JsZC1zZXEtMTIzNDU2Nzg=',
];

const prefix = fc.stringMatching(/^[a-z]{2,8}$/);
const base62 = fc.stringMatching(/^[A-Za-z0-9]{1,24}$/);
/** Ids as Benchling and the sandbox make them: prefixed base62, UUIDs, padded base64 task ids. */
export const realId = fc.oneof(
  fc.tuple(prefix, base62).map(([p, tail]) => `${p}_${tail}`),
  fc.uuid(),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.boolean()).map(([bytes, url]) => `task_${Buffer.from(bytes).toString(url ? 'base64url' : 'base64').replace(/[+/]/g, 'A')}`),
);

/** Whatever else could reach a path: dot segments, separators, escapes, query and fragment marks, space, other scripts. */
export const PATH_CHANGERS = ['.', '..', '/', '\\', '%2F', '%2e%2e', '?', '#', ' ', '\t', '\n', '\0', ':', '@', ';', '&', '+', '~', '%', 'é', '\u202e', '\uff0f'];

export const refusedId = fc.oneof(
  fc.constantFrom('', '.', '..', '../tasks/x', '%2F', '..%2F..', 'etr_1/..', 'etr_1?x=1', 'etr_1#top', ' etr_1', 'etr_1 ', '=etr', '_etr_1', '-etr_1', 'etr_1===', 'etr=_1'),
  fc.tuple(realId, fc.constantFrom(...PATH_CHANGERS), fc.nat({ max: 30 })).map(([id, bad, at]) => {
    const i = Math.min(at, id.length);
    return `${id.slice(0, i)}${bad}${id.slice(i)}`;
  }),
  fc.stringMatching(/^[A-Za-z0-9]+$/).map((tail) => `etr_${tail.repeat(Math.ceil((MAX_BENCHLING_ID_LENGTH + 1) / tail.length))}`),
);
