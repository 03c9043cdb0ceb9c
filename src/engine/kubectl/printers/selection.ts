/**
 * What a list request returns and in which order, as the API server and kubectl decide:
 *
 *  - field selectors (`--field-selector status.phase=Running,spec.nodeName!=node1`): `=`, `==`,
 *    `!=`, comma-joined; only the fields each kind's registry supports (pkg/apis/core/v1
 *    conversion.go AddFieldLabelConversionFunc, apps/v1 for ReplicaSets; every other kind has
 *    apimachinery's DefaultMetaV1FieldSelectorConversion: metadata.name and metadata.namespace);
 *  - the server's order: etcd key order, i.e. by namespace then name, byte-wise. Event names are
 *    `<object>.<hex of the creation time in ns>`, so a real cluster lists each object's events
 *    oldest first; our event names end in a counter-derived hex, so events are ordered by the
 *    key their name would have had (object name, then creation time);
 *  - `--sort-by`: kubectl's sorter (get/sorter.go isLess): RFC 3339 strings as times, other
 *    strings in natural order (fvbommel/sortorder NaturalLess), numbers numerically; objects
 *    missing the field first.
 */
import type { KindInfo } from '../../api/kinds';
import type { KObject } from '../../api/types';
import { parseTimestamp } from '../../sim/clock';
import type { JsonPath } from '../jsonpath';
import { findValues } from '../jsonpath';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export class FieldSelectorError extends Error {}

/** fields.ParseSelector. Throws FieldSelectorError with apimachinery's message. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  if (text.trim() === '') return out;
  for (const part of text.split(',')) {
    const m = /^([^=!]*)(==|=|!=)(.*)$/.exec(part);
    if (!m) throw new FieldSelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    out.push({ field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value: m[3]!.trim() });
  }
  return out;
}

type FieldGetter = (o: KObject) => string;
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const at = (o: KObject, ...path: string[]): unknown => {
  let v: unknown = o;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : '';
  return v;
};

const META: Record<string, FieldGetter> = {
  'metadata.name': (o) => o.metadata.name ?? '',
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

/**
 * The field selectors each kind's registry understands. Kinds listed here reject others with
 * `field label not supported: X`; the rest answer `"X" is not a known field selector: only
 * "metadata.name", "metadata.namespace"`.
 */
const FIELDS: Record<string, Record<string, FieldGetter>> = {
  Pod: {
    ...META,
    'spec.nodeName': (o) => str(at(o, 'spec', 'nodeName')),
    'spec.restartPolicy': (o) => str(at(o, 'spec', 'restartPolicy')),
    'spec.schedulerName': (o) => str(at(o, 'spec', 'schedulerName')),
    'spec.serviceAccountName': (o) => str(at(o, 'spec', 'serviceAccountName')),
    'spec.hostNetwork': (o) => String(at(o, 'spec', 'hostNetwork') === true),
    'status.phase': (o) => str(at(o, 'status', 'phase')),
    'status.podIP': (o) => str(at(o, 'status', 'podIP')),
    'status.podIPs': (o) => str(at(o, 'status', 'podIP')),
    'status.nominatedNodeName': (o) => str(at(o, 'status', 'nominatedNodeName')),
  },
  Node: {
    'metadata.name': META['metadata.name']!,
    'spec.unschedulable': (o) => String(at(o, 'spec', 'unschedulable') === true),
  },
  Namespace: {
    'metadata.name': META['metadata.name']!,
    'status.phase': (o) => str(at(o, 'status', 'phase')),
  },
  Event: {
    ...META,
    'involvedObject.kind': (o) => str(at(o, 'involvedObject', 'kind')),
    'involvedObject.namespace': (o) => str(at(o, 'involvedObject', 'namespace')),
    'involvedObject.name': (o) => str(at(o, 'involvedObject', 'name')),
    'involvedObject.uid': (o) => str(at(o, 'involvedObject', 'uid')),
    'involvedObject.apiVersion': (o) => str(at(o, 'involvedObject', 'apiVersion')),
    'involvedObject.resourceVersion': (o) => str(at(o, 'involvedObject', 'resourceVersion')),
    'involvedObject.fieldPath': (o) => str(at(o, 'involvedObject', 'fieldPath')),
    reason: (o) => str(at(o, 'reason')),
    reportingComponent: (o) => str(at(o, 'reportingComponent')),
    source: (o) => str(at(o, 'source', 'component')),
    type: (o) => str(at(o, 'type')),
  },
  Secret: { ...META, type: (o) => str(at(o, 'type')) },
  Service: {
    ...META,
    'spec.clusterIP': (o) => str(at(o, 'spec', 'clusterIP')),
    'spec.type': (o) => str(at(o, 'spec', 'type')),
  },
  ReplicaSet: { ...META, 'status.replicas': (o) => str(at(o, 'status', 'replicas') ?? 0) },
};

/**
 * Check a selector against a kind; the message of the server's BadRequest when it names a
 * field the kind does not support, else undefined.
 */
export function unsupportedField(
  kind: string,
  reqs: readonly FieldRequirement[],
): string | undefined {
  const known = FIELDS[kind];
  for (const r of reqs) {
    if (known) {
      if (!(r.field in known)) return `field label not supported: ${r.field}`;
    } else if (!(r.field in META)) {
      return `"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`;
    }
  }
  return undefined;
}

export function matchesFields(obj: KObject, reqs: readonly FieldRequirement[]): boolean {
  const known = FIELDS[obj.kind] ?? META;
  for (const r of reqs) {
    const get = known[r.field];
    const v = get ? get(obj) : '';
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}

/** `/v1, Resource=pods`, `apps/v1, Resource=deployments`: schema.GroupVersionResource.String(). */
export function gvrString(info: KindInfo): string {
  return `${info.group}/${info.version}, Resource=${info.resource}`;
}

// ------------------------------------------------------------------ server order

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The objects of one list response in etcd key order (a new array). */
export function serverOrder(objects: readonly KObject[]): KObject[] {
  if (objects.length === 0) return [];
  if (objects[0]!.kind === 'Event') {
    const keyed = objects.map((o, i) => {
      const name = o.metadata.name ?? '';
      const dot = name.lastIndexOf('.');
      const prefix = dot >= 0 ? name.slice(0, dot + 1) : name;
      const created = o.eventTime ?? o.firstTimestamp ?? o.metadata.creationTimestamp;
      const t = typeof created === 'string' ? parseTimestamp(created) : NaN;
      return { o, i, key: `${o.metadata.namespace ?? ''}/${prefix}`, t: Number.isNaN(t) ? 0 : t };
    });
    keyed.sort((a, b) => cmp(a.key, b.key) || a.t - b.t || a.i - b.i);
    return keyed.map((k) => k.o);
  }
  const keyed = objects.map((o) => ({
    o,
    key: o.metadata.namespace
      ? `${o.metadata.namespace}/${o.metadata.name ?? ''}`
      : (o.metadata.name ?? ''),
  }));
  keyed.sort((a, b) => cmp(a.key, b.key));
  return keyed.map((k) => k.o);
}

// ------------------------------------------------------------------ --sort-by

/** fvbommel/sortorder NaturalLess: digit runs compared as numbers, digits before other bytes. */
export function naturalLess(s1: string, s2: string): boolean {
  let i1 = 0;
  let i2 = 0;
  const digit = (c: number): boolean => c >= 48 && c <= 57;
  while (i1 < s1.length && i2 < s2.length) {
    const c1 = s1.charCodeAt(i1);
    const c2 = s2.charCodeAt(i2);
    const d1 = digit(c1);
    const d2 = digit(c2);
    if (d1 !== d2) return d1;
    if (!d1) {
      if (c1 !== c2) return c1 < c2;
      i1++;
      i2++;
      continue;
    }
    while (i1 < s1.length && s1[i1] === '0') i1++;
    while (i2 < s2.length && s2[i2] === '0') i2++;
    const nz1 = i1;
    const nz2 = i2;
    while (i1 < s1.length && digit(s1.charCodeAt(i1))) i1++;
    while (i2 < s2.length && digit(s2.charCodeAt(i2))) i2++;
    if (i1 - nz1 !== i2 - nz2) return i1 - nz1 < i2 - nz2;
    const n1 = s1.slice(nz1, i1);
    const n2 = s2.slice(nz2, i2);
    if (n1 !== n2) return n1 < n2;
    if (nz1 !== nz2) return nz1 < nz2;
  }
  return s1.length < s2.length;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** get/sorter.go isLess for two JSON values. */
function isLess(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (RFC3339.test(a)) {
      const ta = parseTimestamp(a);
      const tb = RFC3339.test(b) ? parseTimestamp(b) : NaN;
      return ta < tb;
    }
    return naturalLess(a, b);
  }
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return !a && b;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!isLess(a[i], b[i])) return false;
    }
    return true;
  }
  return naturalLess(String(a), String(b));
}

export class SortError extends Error {}

/**
 * Sort one list by a (relaxed) JSONPath. Objects without the field go first; the sort is stable.
 * Throws SortError when no object has the field, as kubectl's TableSorter does.
 */
export function sortObjects(objects: readonly KObject[], path: JsonPath): KObject[] {
  if (objects.length === 0) return [];
  const keyed = objects.map((o, i) => {
    const values = findValues(path, o);
    return { o, i, has: values.length > 0, v: values[0] };
  });
  if (!keyed.some((k) => k.has)) {
    throw new SortError(
      `couldn't find any field with path "${path.source}" in the list of objects`,
    );
  }
  keyed.sort((x, y) => {
    if (!x.has || !y.has) return x.has === y.has ? x.i - y.i : x.has ? 1 : -1;
    if (isLess(x.v, y.v)) return -1;
    if (isLess(y.v, x.v)) return 1;
    return x.i - y.i;
  });
  return keyed.map((k) => k.o);
}
