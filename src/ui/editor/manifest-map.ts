/**
 * Manifest documents ↔ cluster objects: which object(s) the document under the cursor describes
 * (for the graph's highlight), and which document describes an object selected in the graph (for
 * the editor to reveal). Pure functions of the engine's parse (parseManifests) and the cluster
 * snapshot; no Monaco, no React.
 */
import { KINDS } from '../../engine';
import type { KObject, ManifestDocument, ParsedManifests } from '../../engine';
import type { ObjectRef, ObjectsByKind } from '../state/cluster-store';
import { refKey } from '../state/cluster-store';

const NAMESPACED = new Map(KINDS.map((k) => [k.kind, k.namespaced]));

/** kubectl's namespace for a document that names none (the shell's context has no other). */
export const DEFAULT_NAMESPACE = 'default';

/**
 * The object a manifest describes, as the API server will name it: namespaced kinds get the
 * default namespace when the document names none. Undefined without a name or for a kind the
 * playground does not serve.
 */
export function refOfObject(
  obj: KObject,
  defaultNamespace = DEFAULT_NAMESPACE,
): ObjectRef | undefined {
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || name === '') return undefined;
  const namespaced = NAMESPACED.get(obj.kind);
  if (namespaced === undefined) return undefined;
  if (!namespaced) return { kind: obj.kind, name };
  const ns = obj.metadata.namespace;
  return {
    kind: obj.kind,
    namespace: typeof ns === 'string' && ns !== '' ? ns : defaultNamespace,
    name,
  };
}

export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

/** The documents (List items count one by one) whose lines include `line` (1-based). */
export function documentsAtLine(parsed: ParsedManifests, line: number): ManifestDocument[] {
  return parsed.documents.filter((d) => d.range.startLine <= line && line <= d.range.endLine);
}

/** The objects of the documents at `line`, without duplicates. */
export function refsAtLine(parsed: ParsedManifests, line: number): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const d of documentsAtLine(parsed, line)) {
    const r = refOfObject(d.object);
    if (r && !out.some((x) => sameRef(x, r))) out.push(r);
  }
  return out;
}

/** The first document describing `ref`. */
export function findDocument(
  parsed: ParsedManifests,
  ref: ObjectRef,
): ManifestDocument | undefined {
  return parsed.documents.find((d) => {
    const r = refOfObject(d.object);
    return r !== undefined && sameRef(r, ref);
  });
}

/**
 * The object and its controllers up the ownership chain (Pod → ReplicaSet → Deployment), as far
 * as the snapshot has them: a pod is written in no file, its Deployment is.
 */
export function ownerChain(ref: ObjectRef, objects: ObjectsByKind, maxDepth = 4): ObjectRef[] {
  const chain: ObjectRef[] = [ref];
  let cur = objects.get(ref.kind)?.get(refKey(ref));
  for (let i = 0; cur && i < maxDepth; i++) {
    const owners = cur.metadata.ownerReferences ?? [];
    const owner = owners.find((o) => o.controller === true) ?? owners[0];
    if (!owner) break;
    const next: ObjectRef = NAMESPACED.get(owner.kind)
      ? {
          kind: owner.kind,
          namespace: cur.metadata.namespace ?? DEFAULT_NAMESPACE,
          name: owner.name,
        }
      : { kind: owner.kind, name: owner.name };
    chain.push(next);
    const obj = objects.get(next.kind)?.get(refKey(next));
    cur = obj && obj.metadata.uid === owner.uid ? obj : undefined;
  }
  return chain;
}

export interface ParsedFile {
  name: string;
  parsed: ParsedManifests;
}

export interface DocumentLocation {
  file: string;
  document: ManifestDocument;
  /** Which object of the chain the document describes. */
  ref: ObjectRef;
}

/**
 * Where an object is written: the first of `chain` (the object, then its owners) that some file
 * describes, looking in the active file before the others.
 */
export function locateObject(
  chain: readonly ObjectRef[],
  files: readonly ParsedFile[],
  active: string | undefined,
): DocumentLocation | undefined {
  const ordered = [...files].sort((a, b) => Number(b.name === active) - Number(a.name === active));
  for (const ref of chain) {
    for (const f of ordered) {
      const document = findDocument(f.parsed, ref);
      if (document) return { file: f.name, document, ref };
    }
  }
  return undefined;
}
