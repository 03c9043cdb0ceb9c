/**
 * The three-way strategic merge patch of client-side `kubectl apply`, and the server's
 * application of it.
 *
 * Models k8s.io/apimachinery pkg/util/strategicpatch (patch.go): CreateThreeWayMergePatch
 * (diffMaps, handleMapDiff, handleSliceDiff, diffListsOfMaps, diffListsOfScalars, the
 * `$setElementOrder`, `$retainKeys`, `$deleteFromPrimitiveList` and `$patch: delete`
 * directives) and StrategicMergePatch (mergeMap, mergeSlice, normalizeElementOrder).
 *
 *   original  the last-applied-configuration annotation (what the user applied last time)
 *   modified  what the user applies now (with its new last-applied annotation)
 *   current   the live object
 *   patch     deletions (original → modified) + changes and additions (current → modified)
 *
 * So fields the user never wrote (defaults, the replica count `kubectl scale` set, a Service's
 * clusterIP) are left alone, fields the user removed since the last apply are cleared, and
 * `kubectl apply` prints `unchanged` exactly when the patch is `{}`.
 *
 * The patch metadata (which lists merge by which key, which structs retain keys) is the
 * `patchStrategy` / `patchMergeKey` struct tags of k8s.io/api v1.30, for the kinds we serve,
 * found by walking the field tree generated from kubernetes-types.
 *
 * Simplified: merging two patches (deletions and delta) and ordering merged lists follow
 * upstream for the shapes apply produces, not for arbitrary hand-written patches.
 */
import { FIELD_TREE_ROOTS, FIELD_TREE_STRUCTS } from '../api/field-tree';
import { deepEqual } from '../api/types';
import { toCompactJson } from './printers/json';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const RETAIN_KEYS = '$retainKeys';
const PATCH = '$patch';

interface ListMeta {
  /** The merge key; '' for a merged list of scalars (finalizers). */
  mergeKey: string;
  retainKeys: boolean;
}

/** `Struct.field` → merge strategy for lists (k8s.io/api patchStrategy:"merge" tags). */
const MERGE_LISTS: Readonly<Record<string, ListMeta>> = {
  'ObjectMeta.finalizers': { mergeKey: '', retainKeys: false },
  'ObjectMeta.ownerReferences': { mergeKey: 'uid', retainKeys: false },
  'PodSpec.volumes': { mergeKey: 'name', retainKeys: true },
  'PodSpec.initContainers': { mergeKey: 'name', retainKeys: false },
  'PodSpec.containers': { mergeKey: 'name', retainKeys: false },
  'PodSpec.ephemeralContainers': { mergeKey: 'name', retainKeys: false },
  'PodSpec.imagePullSecrets': { mergeKey: 'name', retainKeys: false },
  'PodSpec.hostAliases': { mergeKey: 'ip', retainKeys: false },
  'PodSpec.topologySpreadConstraints': { mergeKey: 'topologyKey', retainKeys: false },
  'PodSpec.resourceClaims': { mergeKey: 'name', retainKeys: true },
  'PodSpec.schedulingGates': { mergeKey: 'name', retainKeys: false },
  'Container.ports': { mergeKey: 'containerPort', retainKeys: false },
  'Container.env': { mergeKey: 'name', retainKeys: false },
  'Container.volumeMounts': { mergeKey: 'mountPath', retainKeys: false },
  'Container.volumeDevices': { mergeKey: 'devicePath', retainKeys: false },
  'EphemeralContainer.ports': { mergeKey: 'containerPort', retainKeys: false },
  'EphemeralContainer.env': { mergeKey: 'name', retainKeys: false },
  'EphemeralContainer.volumeMounts': { mergeKey: 'mountPath', retainKeys: false },
  'EphemeralContainer.volumeDevices': { mergeKey: 'devicePath', retainKeys: false },
  'ServiceSpec.ports': { mergeKey: 'port', retainKeys: false },
  'ServiceAccount.secrets': { mergeKey: 'name', retainKeys: false },
  'NodeSpec.podCIDRs': { mergeKey: '', retainKeys: false },
};

/** Structs whose fields are patched with `$retainKeys` (patchStrategy:"retainKeys"). */
const RETAIN_KEYS_STRUCTS: ReadonlySet<string> = new Set(['DeploymentSpec.strategy']);

/** Where the diff is in the type tree: the struct name (undefined for free-form data). */
type Schema = string | undefined;

function fieldCode(schema: Schema, key: string): string | undefined {
  if (!schema) return undefined;
  return FIELD_TREE_STRUCTS[schema]?.[key];
}

/** The struct a map-valued field holds. */
function structOf(schema: Schema, key: string): Schema {
  const code = fieldCode(schema, key);
  return code && FIELD_TREE_STRUCTS[code] ? code : undefined;
}

/** The element struct of a list-valued field. */
function elemStructOf(schema: Schema, key: string): Schema {
  const code = fieldCode(schema, key);
  if (!code?.startsWith('[]')) return undefined;
  const elem = code.slice(2);
  return FIELD_TREE_STRUCTS[elem] ? elem : undefined;
}

function listMeta(schema: Schema, key: string): ListMeta | undefined {
  return schema ? MERGE_LISTS[`${schema}.${key}`] : undefined;
}

/** The schema of a kind's top level. */
export function schemaForKind(kind: string): Schema {
  return Object.hasOwn(FIELD_TREE_ROOTS, kind) ? FIELD_TREE_ROOTS[kind] : undefined;
}

// ---------------------------------------------------------------------------------- diff

interface DiffOptions {
  ignoreDeletions: boolean;
  ignoreChangesAndAdditions: boolean;
  buildRetainKeys: boolean;
}

/** Go's reflect.TypeOf for JSON values: nil, map, slice, string, float64, bool. */
function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  return typeof v === 'object' ? 'map' : typeof v;
}

function diffMaps(original: Obj, modified: Obj, schema: Schema, opts: DiffOptions): Obj {
  const patch: Obj = {};
  const retain: string[] = [];
  for (const key of Object.keys(modified)) {
    const m = modified[key];
    if (opts.buildRetainKeys && m !== null && m !== undefined) retain.push(key);
    if (!Object.hasOwn(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = m;
      continue;
    }
    const o = original[key];
    if (key === PATCH) {
      // A directive in the original (never written by apply): keep modified's.
      if (!deepEqual(o, m)) patch[key] = m;
      continue;
    }
    if (jsonType(o) !== jsonType(m)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = m;
      continue;
    }
    if (isObj(o) && isObj(m)) {
      const sub = structOf(schema, key);
      const retainKeys = schema !== undefined && RETAIN_KEYS_STRUCTS.has(`${schema}.${key}`);
      const p = diffMaps(o, m, sub, { ...opts, buildRetainKeys: retainKeys });
      if (Object.keys(p).length > 0) patch[key] = p;
    } else if (Array.isArray(o) && Array.isArray(m)) {
      handleSliceDiff(key, o, m, patch, schema, opts);
    } else if (!opts.ignoreChangesAndAdditions && !deepEqual(o, m)) {
      patch[key] = m;
    }
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) patch[key] = null;
  }
  if (
    retain.length > 0 &&
    (Object.keys(patch).length > 0 || hasAdditionalNewField(original, modified))
  ) {
    patch[RETAIN_KEYS] = [...retain].sort();
  }
  return patch;
}

function hasAdditionalNewField(original: Obj, modified: Obj): boolean {
  for (const [k, v] of Object.entries(original)) {
    if (v === null || v === undefined) continue;
    if (!Object.hasOwn(modified, k)) return true;
  }
  return false;
}

function handleSliceDiff(
  key: string,
  original: unknown[],
  modified: unknown[],
  patch: Obj,
  schema: Schema,
  opts: DiffOptions,
): void {
  const meta = listMeta(schema, key);
  if (!meta || !mergeable(meta, original, modified)) {
    if (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified)) patch[key] = modified;
    return;
  }
  const sub = elemStructOf(schema, key);
  const { patchList, deleteList, setOrder } = diffLists(original, modified, sub, meta, {
    ...opts,
    buildRetainKeys: meta.retainKeys,
  });
  if (patchList.length > 0) patch[key] = patchList;
  if (deleteList.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST}/${key}`] = deleteList;
  if (setOrder.length > 0) patch[`${SET_ELEMENT_ORDER}/${key}`] = setOrder;
}

/** Whether the lists have the shape the merge strategy needs (else upstream errors; we replace). */
function mergeable(meta: ListMeta, a: unknown[], b: unknown[]): boolean {
  const all = [...a, ...b];
  if (meta.mergeKey === '') return all.every((x) => !isObj(x) && !Array.isArray(x));
  return all.every((x) => isObj(x) && x[meta.mergeKey] !== undefined);
}

/** fmt.Sprintf("%v") of a merge key value, which is how upstream sorts and compares them. */
function keyString(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function diffLists(
  original: unknown[],
  modified: unknown[],
  schema: Schema,
  meta: ListMeta,
  opts: DiffOptions,
): { patchList: unknown[]; deleteList: unknown[]; setOrder: unknown[] } {
  if (original.length === 0 && modified.length === 0)
    return { patchList: [], deleteList: [], setOrder: [] };
  if (meta.mergeKey === '') {
    // diffListsOfScalars
    const patchList = opts.ignoreChangesAndAdditions
      ? []
      : modified.filter((m) => !original.some((o) => deepEqual(o, m)));
    const deleteList = opts.ignoreDeletions
      ? []
      : original.filter((o) => !modified.some((m) => deepEqual(o, m)));
    const setOrder =
      (!opts.ignoreDeletions && deleteList.length > 0) ||
      (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified))
        ? modified
        : [];
    return { patchList, deleteList, setOrder };
  }
  const key = meta.mergeKey;
  const { patch, deletions } = diffListsOfMaps(original as Obj[], modified as Obj[], schema, key, {
    ...opts,
  });
  // normalizeSliceOrder: the patch follows modified's order; deletions go last.
  const order = (modified as Obj[]).map((m) => keyString(m[key]));
  patch.sort((a, b) => order.indexOf(keyString(a[key])) - order.indexOf(keyString(b[key])));
  const patchList: unknown[] = [...patch, ...deletions];
  const orderSame =
    original.length === modified.length &&
    (modified as Obj[]).every((m, i) => keyString((original[i] as Obj)[key]) === keyString(m[key]));
  const setOrder =
    (!opts.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) ||
    (!opts.ignoreDeletions && patchList.length > 0)
      ? (modified as Obj[]).map((m) => ({ [key]: m[key] }))
      : [];
  return { patchList, deleteList: [], setOrder };
}

function diffListsOfMaps(
  original: Obj[],
  modified: Obj[],
  schema: Schema,
  key: string,
  opts: DiffOptions,
): { patch: Obj[]; deletions: Obj[] } {
  const byKey = (a: Obj, b: Obj): number => {
    const x = keyString(a[key]);
    const y = keyString(b[key]);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const o = [...original].sort(byKey);
  const m = [...modified].sort(byKey);
  const patch: Obj[] = [];
  const deletions: Obj[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const oe = o[i];
    const me = m[j];
    const ok = oe ? keyString(oe[key]) : undefined;
    const mk = me ? keyString(me[key]) : undefined;
    if (oe && me && ok === mk) {
      const p = diffMaps(oe, me, schema, opts);
      if (Object.keys(p).length > 0) {
        p[key] = me[key];
        patch.push(p);
      }
      i++;
      j++;
    } else if (me && (!oe || (ok !== undefined && mk !== undefined && ok > mk))) {
      if (!opts.ignoreChangesAndAdditions) patch.push(me);
      j++;
    } else if (oe) {
      if (!opts.ignoreDeletions) deletions.push({ [PATCH]: 'delete', [key]: oe[key] });
      i++;
    }
  }
  return { patch, deletions };
}

/**
 * CreateThreeWayMergePatch: the patch that takes `current` to `modified`, deleting what the
 * user removed since `original`. `undefined` original = no last-applied annotation.
 */
export function threeWayMergePatch(
  original: Obj | undefined,
  modified: Obj,
  current: Obj,
  schema: Schema,
): Obj {
  const delta = diffMaps(current, modified, schema, {
    ignoreDeletions: true,
    ignoreChangesAndAdditions: false,
    buildRetainKeys: false,
  });
  const deletions = diffMaps(original ?? {}, modified, schema, {
    ignoreDeletions: false,
    ignoreChangesAndAdditions: true,
    buildRetainKeys: false,
  });
  return mergePatches(deletions, delta, schema);
}

/** mergeMap(deletions, delta): the two patches as one. */
function mergePatches(base: Obj, over: Obj, schema: Schema): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    if (isObj(b) && isObj(v)) out[k] = mergePatches(b, v, structOf(schema, k));
    else if (Array.isArray(b) && Array.isArray(v) && listMeta(schema, k)?.mergeKey) {
      const key = listMeta(schema, k)!.mergeKey;
      const sub = elemStructOf(schema, k);
      const rest = (b as Obj[]).filter(
        (x) => !(v as Obj[]).some((y) => keyString(y[key]) === keyString(x[key])),
      );
      const merged = (v as Obj[]).map((y) => {
        const twin = (b as Obj[]).find((x) => keyString(x[key]) === keyString(y[key]));
        return twin && twin[PATCH] === undefined ? mergePatches(twin, y, sub) : y;
      });
      out[k] = [...merged, ...rest];
    } else out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------- apply

/**
 * StrategicMergePatch: apply a patch made by threeWayMergePatch to the live object. Returns a
 * new object; `current` is not modified.
 */
export function applyStrategicPatch(current: Obj, patch: Obj, schema: Schema): Obj {
  return mergeMap(current, patch, schema);
}

function mergeMap(original: Obj, patch: Obj, schema: Schema): Obj {
  const out: Obj = { ...original };
  const retain = patch[RETAIN_KEYS];
  for (const [k, v] of Object.entries(patch)) {
    if (k === RETAIN_KEYS || k === PATCH) continue;
    if (k.startsWith(`${SET_ELEMENT_ORDER}/`) || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`))
      continue;
    if (v === null || v === undefined) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (isObj(v) && isObj(cur)) {
      out[k] = mergeMap(cur, v, structOf(schema, k));
      continue;
    }
    if (Array.isArray(v)) {
      const meta = listMeta(schema, k);
      if (meta && Array.isArray(cur)) {
        const order = patch[`${SET_ELEMENT_ORDER}/${k}`];
        const del = patch[`${DELETE_FROM_PRIMITIVE_LIST}/${k}`];
        out[k] = mergeList(cur, v, meta, elemStructOf(schema, k), order, del);
        continue;
      }
      out[k] = stripDirectives(v);
      continue;
    }
    out[k] = isObj(v) ? stripDirectives(v) : v;
  }
  // Directives for lists the patch does not otherwise touch (a pure re-order or deletion).
  for (const [k, v] of Object.entries(patch)) {
    const m = /^\$(setElementOrder|deleteFromPrimitiveList)\/(.+)$/.exec(k);
    if (!m || Object.hasOwn(patch, m[2]!)) continue;
    const name = m[2]!;
    const meta = listMeta(schema, name);
    const cur = out[name];
    if (!meta || !Array.isArray(cur)) continue;
    const order = m[1] === 'setElementOrder' ? v : patch[`${SET_ELEMENT_ORDER}/${name}`];
    const del =
      m[1] === 'deleteFromPrimitiveList' ? v : patch[`${DELETE_FROM_PRIMITIVE_LIST}/${name}`];
    out[name] = mergeList(cur, [], meta, elemStructOf(schema, name), order, del);
  }
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function mergeList(
  current: unknown[],
  patch: unknown[],
  meta: ListMeta,
  schema: Schema,
  order: unknown,
  deleteList: unknown,
): unknown[] {
  if (meta.mergeKey === '') {
    const dels = Array.isArray(deleteList) ? deleteList : [];
    const merged = current.filter((x) => !dels.some((d) => deepEqual(d, x)));
    for (const p of patch) if (!merged.some((x) => deepEqual(x, p))) merged.push(p);
    if (!Array.isArray(order)) return merged;
    const pos = (x: unknown): number => order.findIndex((o) => deepEqual(o, x));
    return orderBy(merged, pos, current);
  }
  const key = meta.mergeKey;
  const ks = (x: unknown): string => keyString(isObj(x) ? x[key] : undefined);
  let merged: unknown[] = [...current];
  const touched = new Set<string>();
  for (const p of patch as Obj[]) {
    const k = ks(p);
    const at = merged.findIndex((x) => ks(x) === k);
    if (p[PATCH] === 'delete') {
      if (at >= 0) merged.splice(at, 1);
      continue;
    }
    touched.add(k);
    if (at >= 0 && isObj(merged[at])) merged[at] = mergeMap(merged[at] as Obj, p, schema);
    else merged.push(stripDirectives(p));
  }
  if (Array.isArray(order)) {
    const keys = order.map(ks);
    merged = orderBy(merged, (x) => keys.indexOf(ks(x)), current, ks);
  } else if (touched.size > 0) {
    // No order given: patch items keep the patch's order after the server-only ones.
    merged = [
      ...merged.filter((x) => !touched.has(ks(x))),
      ...merged.filter((x) => touched.has(ks(x))),
    ];
  }
  return merged;
}

/**
 * normalizeElementOrder: items named in the order list take its order; items only the server
 * has keep their place relative to the live list, interleaved as mergeSortedSlice does.
 */
function orderBy(
  items: unknown[],
  pos: (x: unknown) => number,
  live: unknown[],
  id: (x: unknown) => string = (x) => JSON.stringify(x),
): unknown[] {
  const inOrder = items.filter((x) => pos(x) >= 0).sort((a, b) => pos(a) - pos(b));
  const serverOnly = items.filter((x) => pos(x) < 0);
  const liveIndex = (x: unknown): number => live.findIndex((l) => id(l) === id(x));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < inOrder.length) {
    if (i >= serverOnly.length) out.push(inOrder[j++]);
    else if (j >= inOrder.length) out.push(serverOnly[i++]);
    else {
      const li = liveIndex(serverOnly[i]);
      const ri = liveIndex(inOrder[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(inOrder[j++]);
    }
  }
  return out;
}

/**
 * A patch value the live object did not have, stored as is: without directive keys, and without
 * null values (the server's IgnoreUnmatchedNulls: there was nothing to delete).
 */
function stripDirectives<T>(v: T): T {
  if (Array.isArray(v)) return v.map(stripDirectives) as T;
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v))
    if (!k.startsWith('$') && x !== null && x !== undefined) out[k] = stripDirectives(x);
  return out as T;
}

// ---------------------------------------------------------------------------------- JSON

/**
 * JSON as Go's encoding/json writes a map[string]interface{}: compact, keys sorted, `<`, `>`,
 * `&`, U+2028 and U+2029 escaped. This is the text of the last-applied annotation and of patches.
 */
export const goJSON = toCompactJson;
