/**
 * Object shapes. Objects are plain JSON in Kubernetes' own shape; `kubernetes-types` gives the
 * typed views (Pod, Deployment, ...) and KObject is the common denominator the store handles.
 */
import type { ObjectMeta as ReadonlyMeta, OwnerReference } from 'kubernetes-types/meta/v1';

export type { OwnerReference };

/** ObjectMeta without kubernetes-types' `readonly` marks: the API server is who writes them. */
export type ObjectMeta = { -readonly [K in keyof ReadonlyMeta]: ReadonlyMeta[K] };

/** Any API object: apiVersion, kind, metadata, and whatever else its kind has. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // spec, status, data, subsets, endpoints, ... depending on kind
  [field: string]: unknown;
}

/** A typed kubernetes-types object (whose fields are all optional) as the store returns it. */
export type Stored<T> = T & KObject;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T extends KObject = KObject> {
  type: WatchEventType;
  object: T;
  /** For MODIFIED: the object before the change. */
  old?: T;
}

/** The store's key for an object: `Kind/namespace/name` (namespace empty for cluster-scoped). */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export function keyOf(obj: KObject): string {
  return objectKey(obj.kind, obj.metadata.namespace, obj.metadata.name ?? '');
}

/** `namespace/name` or `name`: the work-queue key controllers use, as client-go's MetaNamespaceKeyFunc. */
export function nsName(obj: { metadata: ObjectMeta }): string {
  const ns = obj.metadata.namespace;
  return ns ? nsKey(ns, obj.metadata.name ?? '') : (obj.metadata.name ?? '');
}

/**
 * Work-queue keys, interned. A key built afresh for every watch event is a new string each
 * time, and looking a new string up in a Map or Set (the queue's dedup set, the store's maps)
 * must hash it first; comparing two such strings compares their characters. That was a good
 * part of the cost of a queue operation. Handing out one string per `namespace/name` instead
 * lets every lookup after the first use the hash V8 keeps in the string, and lets equal keys
 * compare by identity. The texts are the same either way, so nothing else can tell.
 * The table forgets everything once it holds KEY_TABLE_LIMIT keys (names of objects long gone
 * would otherwise pile up in a long session); it then simply fills again.
 */
const KEY_TABLE_LIMIT = 200_000;
let keysByNs = new Map<string, Map<string, string>>();
let keyParts = new Map<string, { readonly namespace: string; readonly name: string }>();

/** `namespace/name`, as one interned string per text (see above). */
export function nsKey(namespace: string, name: string): string {
  let byName = keysByNs.get(namespace);
  const known = byName?.get(name);
  if (known !== undefined) return known;
  if (keyParts.size >= KEY_TABLE_LIMIT) {
    keysByNs = new Map();
    keyParts = new Map();
    byName = undefined;
  }
  if (!byName) keysByNs.set(namespace, (byName = new Map()));
  const key = flatString(`${namespace}/${name}`);
  byName.set(name, key);
  // The parts splitNsName would find (the same unless the namespace holds a '/'), as the very
  // strings given: those are the object's own, already hashed as keys of the store's maps.
  keyParts.set(
    key,
    key.indexOf('/') === namespace.length ? Object.freeze({ namespace, name }) : splitKey(key),
  );
  return key;
}

/** Namespace and name of a `namespace/name` key (namespace '' when there is no '/'). */
export function splitNsName(key: string): { readonly namespace: string; readonly name: string } {
  return keyParts.get(key) ?? splitKey(key);
}

function splitKey(key: string): { readonly namespace: string; readonly name: string } {
  const i = key.indexOf('/');
  return i < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/**
 * The owner reference a controller puts on what it creates (metav1.NewControllerRef):
 * controller and blockOwnerDeletion set, so the garbage collector cascades from the owner.
 */
export function newControllerRef(owner: KObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controller owner reference (controller: true), if any. */
export function controllerOf(obj: KObject): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences;
  if (refs) for (let i = 0; i < refs.length; i++) if (refs[i]!.controller === true) return refs[i];
  return undefined;
}

/**
 * The body of an unconditional status write (store.updateStatus) of `cur` with `status`: the
 * status subresource reads only the kind, namespace and name besides the status (and a
 * resourceVersion, left out so the write does not depend on it), so nothing else of the stored
 * object needs copying — copying a frozen object is slow in V8.
 */
export function statusBody<T extends KObject>(cur: T, status: unknown): T {
  const metadata: ObjectMeta = {};
  if (cur.metadata.name !== undefined) metadata.name = cur.metadata.name;
  if (cur.metadata.namespace !== undefined) metadata.namespace = cur.metadata.namespace;
  const body: KObject = { apiVersion: cur.apiVersion, kind: cur.kind, metadata };
  if (status !== undefined) body.status = status;
  return body as T;
}

/** A fast deep copy of plain JSON data (objects from the store are frozen; copy before editing). */
export function deepClone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    // An index loop: Array.prototype.map with a callback is measurably slower on hot paths.
    const n = value.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const v = value[i] as unknown;
      out[i] = v !== null && typeof v === 'object' ? deepClone(v) : v;
    }
    return out as T;
  }
  // (Primitive values are copied here rather than through a call that returns them at once.)
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    out[k] = v !== null && typeof v === 'object' ? deepClone(v) : v;
  }
  return out as T;
}

/**
 * A deep-frozen copy that shares frozen subtrees instead of copying them: the value itself if it
 * is frozen, else a frozen copy of it. Objects the store hands out are deep-frozen and never
 * change, so a value built from pieces of a stored one (the usual `{ ...pod.status, conditions }`)
 * only needs its new parts copied — and copying and freezing them in one pass saves the second
 * walk deepFreeze would make. As deepFreeze, it trusts that a frozen object is frozen all the
 * way down.
 */
export function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    const n = value.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = frozenCopy(value[i] as unknown);
    return Object.freeze(out) as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = frozenCopy((value as Record<string, unknown>)[k]);
  return Object.freeze(out) as T;
}

/**
 * Structural equality of plain JSON data; a key whose value is undefined counts as absent.
 * Written without Object.keys(...).filter(...): the store compares every write with the stored
 * object, and those two arrays per nested object were a large share of its cost.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const isArray = Array.isArray(a);
  if (isArray !== Array.isArray(b)) return false;
  if (isArray) {
    const aa = a as unknown[];
    const bb = b as unknown[];
    if (aa.length !== bb.length) return false;
    for (let i = 0; i < aa.length; i++) if (!deepEqual(aa[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let defined = 0;
  for (const k in ao) {
    const v = ao[k];
    if (v === undefined) continue;
    defined++;
    if (!deepEqual(v, bo[k])) return false;
  }
  // Every defined key of `a` matched; equal when `b` has no other defined keys.
  for (const k in bo) if (bo[k] !== undefined && --defined < 0) return false;
  return defined === 0;
}

/**
 * Equal JSON values, key order included (Object.is for the rest): what makes two specs give
 * the same result from code whose output follows its input's key order.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const isArray = Array.isArray(a);
  if (isArray !== Array.isArray(b)) return false;
  if (isArray) {
    const aa = a as unknown[];
    const bb = b as unknown[];
    if (aa.length !== bb.length) return false;
    for (let i = 0; i < aa.length; i++) if (!sameJson(aa[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (
      k !== kb[i] ||
      !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    )
      return false;
  }
  return true;
}

/**
 * Freeze an object and everything in it. A frozen subtree is skipped: it is taken to be frozen
 * all the way down (stored objects are frozen through here), which is what makes sharing the
 * unchanged parts of stored objects cheap.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  // Strings and numbers (most values) are skipped here rather than in a call that returns at
  // once: that halves the cost of freezing an Event.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      if (v !== null && typeof v === 'object') deepFreeze(v);
    }
  } else {
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== null && typeof v === 'object') deepFreeze(v);
    }
  }
  return value;
}

/** Where flatString leaves a character, so that the read cannot be optimised away. */
let _flattenSink = 0;

/**
 * The same string, stored flat. A string built by concatenation is a tree of pieces in V8 (a
 * "cons string"), and stays one until something needs its characters in a row: hashing it as a
 * Map key then copies it into a scratch buffer every time, and a kept string keeps its whole
 * tree alive. Reading one character flattens it in place (and the garbage collector then drops
 * the tree). Other engines simply read a character. Only for strings that are kept and looked
 * up a lot: generated object names.
 */
export function flatString(s: string): string {
  _flattenSink ^= s.charCodeAt(0);
  return s;
}
