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
  return ns ? `${ns}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
}

export function splitNsName(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The controller owner reference (controller: true), if any. */
export function controllerOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** A fast deep copy of plain JSON data (objects from the store are frozen; copy before editing). */
export function deepClone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepClone) as T;
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = deepClone((value as Record<string, unknown>)[k]);
  return out as T;
}

/** Structural equality of plain JSON data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return value;
}
