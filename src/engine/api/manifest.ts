/**
 * Manifests in: YAML text (one or many `---` documents, `kind: List` expanded) to API objects,
 * with the line range of every document and kubectl's words for everything that goes wrong.
 *
 * Models what kubectl does before it talks to the API server (cli-runtime resource.Builder:
 * StreamVisitor with YAMLOrJSONDecoder, kubectl's schema `ValidateBytes` / getObjectKind, and the
 * REST mapping that says `no matches for kind "X" in version "Y"`):
 *  - YAML syntax errors read as go-yaml phrases them after sigs.k8s.io/yaml's conversion:
 *    `error converting YAML to JSON: yaml: line 7: mapping values are not allowed in this context`.
 *    kubectl splits the stream at `---` lines first, so the line in that message counts from the
 *    start of the document, and go-yaml's parser errors (not its scanner errors) report the line
 *    before the problem. `line` / `column` are the real 1-based position in the whole text, for
 *    editor markers; `detail` is the yaml library's own explanation of the problem.
 *  - documents without apiVersion/kind: `error validating data: [apiVersion not set, kind not
 *    set]; if you choose to ignore these errors, turn validation off with --validate=false`;
 *  - unknown kinds or versions: `no matches for kind "Foo" in version "v1"`.
 * YAML is read with the 1.1 schema, as go-yaml v2 does (`0644` is 420, `yes` is true), except that
 * timestamps stay strings.
 *
 * Unlike kubectl, which stops reading a file at its first syntax error, parsing goes on: every
 * good document is returned, and each error carries the index of its document so a caller can
 * reproduce kubectl's stop (documents after the first syntax error were never read).
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node } from 'yaml';
import { apiVersionOf, kindInfo, resolveKind } from './kinds';
import type { KObject } from './types';

export interface LineRange {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

export interface ManifestDocument {
  /** 0-based index of the YAML document in the text. */
  index: number;
  /** For items of a `kind: List`: the 0-based item index. */
  item?: number;
  object: KObject;
  range: LineRange;
}

export type ManifestErrorCode =
  /** The YAML does not parse (kubectl: `error parsing <file>: ...`). */
  | 'syntax'
  /** apiVersion/kind missing or not strings (kubectl: `error validating "<file>": ...`). */
  | 'validation'
  /** Unknown kind or version (kubectl: `resource mapping not found for name: ...`). */
  | 'mapping'
  /** The document cannot be decoded into its kind (kubectl: `Error from server (BadRequest)`). */
  | 'decode';

export interface ManifestError {
  code: ManifestErrorCode;
  message: string;
  /** 1-based position in the whole text. */
  line?: number;
  column?: number;
  docIndex?: number;
  /** For items of a `kind: List`. */
  item?: number;
  range?: LineRange;
  /** The YAML library's explanation, for learners (`Tabs are not allowed as indentation`). */
  detail?: string;
  /** For mapping errors: what kubectl names in `resource mapping not found for name: ...`. */
  name?: string;
  namespace?: string;
}

export interface ManifestWarning {
  message: string;
  line?: number;
  column?: number;
  docIndex?: number;
}

export interface ParsedManifests {
  documents: ManifestDocument[];
  errors: ManifestError[];
  /** Accepted but suspicious: duplicate keys (the later value wins, as kubectl's decoder does). */
  warnings: ManifestWarning[];
}

/** The parsed YAML behind a document, kept for positionOf. */
interface Source {
  node: Node;
  lc: LineCounter;
}
const sources = new WeakMap<ManifestDocument, Source>();

const STOP_VALIDATE =
  'if you choose to ignore these errors, turn validation off with --validate=false';

/** Parse manifest text. Never throws. */
export function parseManifests(text: string): ParsedManifests {
  const out: ParsedManifests = { documents: [], errors: [], warnings: [] };
  try {
    parseInto(typeof text === 'string' ? text : String(text), out);
  } catch (e) {
    // The yaml library should not throw; if it does, the text as a whole is unusable.
    out.errors.push({
      code: 'syntax',
      message: `error converting YAML to JSON: yaml: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
  return out;
}

function parseInto(text: string, out: ParsedManifests): void {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lc,
    version: '1.1',
    prettyErrors: false,
    // go-yaml v2 reads timestamps and sexagesimal numbers (`1:20`) as plain strings.
    customTags: (tags) =>
      tags.filter(
        (t) =>
          typeof t === 'string' ||
          (t.tag !== 'tag:yaml.org,2002:timestamp' && (t as { format?: string }).format !== 'TIME'),
      ),
  });
  const separators = separatorLines(text);
  let index = 0;
  for (const doc of docs) {
    const docIndex = index++;
    const contents = doc.contents;
    const docRange = rangeOf(lc, text, doc.range[0], doc.range[1]);
    const fatal = doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY');
    for (const e of doc.errors) {
      if (e.code !== 'DUPLICATE_KEY') continue;
      const pos = lc.linePos(e.pos[0]);
      const key =
        text
          .slice(e.pos[0])
          .match(/^[^:\n]*/)?.[0]
          ?.trim() ?? '';
      out.warnings.push({
        message: `line ${pos.line}: key ${JSON.stringify(key)} already set in map`,
        line: pos.line,
        column: pos.col,
        docIndex,
      });
    }
    if (fatal.length > 0) {
      out.errors.push({ ...syntaxError(fatal, text, lc, separators), docIndex, range: docRange });
      continue;
    }
    if (
      !contents ||
      (isScalar(contents) && (contents.value === null || contents.value === undefined))
    )
      continue; // an empty document: kubectl skips it
    let value: unknown;
    try {
      value = toPlainJSON(doc.toJS({ maxAliasCount: 100 }));
    } catch (e) {
      const pos = lc.linePos(contents.range?.[0] ?? doc.range[0]);
      out.errors.push({
        code: 'syntax',
        message: `error converting YAML to JSON: yaml: ${e instanceof Error ? e.message : String(e)}`,
        line: pos.line,
        column: pos.col,
        docIndex,
        range: docRange,
      });
      continue;
    }
    if (value === null || value === undefined) continue;
    const range = rangeOf(lc, text, contents.range[0], contents.range[1]);
    if (isObject(value) && isListKind(value)) {
      expandList(value, contents, docIndex, range, lc, text, out);
      continue;
    }
    accept(value, contents, docIndex, undefined, range, lc, out);
  }
}

/** `kind: List` (or `<Kind>List` of a served kind): kubectl applies each item on its own. */
function isListKind(v: Record<string, unknown>): boolean {
  if (typeof v.kind !== 'string' || !v.kind.endsWith('List') || !('items' in v)) return false;
  if (v.kind === 'List') return true;
  const info = kindInfo(v.kind.slice(0, -'List'.length));
  return info !== undefined && apiVersionOf(info) === v.apiVersion;
}

function expandList(
  list: Record<string, unknown>,
  node: Node,
  docIndex: number,
  range: LineRange,
  lc: LineCounter,
  text: string,
  out: ParsedManifests,
): void {
  const items = list.items;
  if (items === null || items === undefined) return;
  const itemsNode = isMap(node) ? node.get('items', true) : undefined;
  if (!Array.isArray(items)) {
    out.errors.push({
      code: 'decode',
      message: `json: cannot unmarshal ${jsonKind(items)} into Go struct field List.items of type []runtime.RawExtension`,
      docIndex,
      range,
    });
    return;
  }
  items.forEach((item, i) => {
    const itemNode = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
    const itemRange = itemNode?.range
      ? rangeOf(lc, text, itemNode.range[0], itemNode.range[1])
      : range;
    if (item === null || item === undefined) return;
    accept(item, itemNode ?? node, docIndex, i, itemRange, lc, out);
  });
}

/** kubectl's checks on one object: it is a map, has apiVersion and kind, and the kind is served. */
function accept(
  value: unknown,
  node: Node,
  docIndex: number,
  item: number | undefined,
  range: LineRange,
  lc: LineCounter,
  out: ParsedManifests,
): void {
  const at = (): Pick<ManifestError, 'docIndex' | 'range' | 'line' | 'column' | 'item'> => {
    const pos = node.range ? lc.linePos(node.range[0]) : undefined;
    return {
      docIndex,
      range,
      ...(item !== undefined ? { item } : {}),
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    };
  };
  // kubectl getObjectKind (pkg/validation/schema.go).
  const problems: string[] = [];
  const fields = isObject(value) ? value : undefined;
  if (!fields) problems.push('invalid object to validate');
  const apiVersion = fields?.apiVersion;
  const kind = fields?.kind;
  if (apiVersion === undefined || apiVersion === null) problems.push('apiVersion not set');
  else if (typeof apiVersion !== 'string') problems.push("apiVersion isn't string type");
  else if (apiVersion.split('/').length > 2)
    problems.push(`unexpected GroupVersion string: ${apiVersion}`);
  if (kind === undefined || kind === null) problems.push('kind not set');
  else if (typeof kind !== 'string') problems.push("kind isn't string type");
  if (problems.length > 0 || !fields) {
    const list = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
    out.errors.push({
      code: 'validation',
      message: `error validating data: ${list}; ${STOP_VALIDATE}`,
      ...at(),
    });
    return;
  }
  const metadata = fields.metadata;
  const name = isObject(metadata) && typeof metadata.name === 'string' ? metadata.name : '';
  const namespace =
    isObject(metadata) && typeof metadata.namespace === 'string' ? metadata.namespace : '';
  const info = resolveKind(apiVersion as string, kind as string);
  if (!info) {
    out.errors.push({
      code: 'mapping',
      message: `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`,
      name,
      namespace,
      ...at(),
    });
    return;
  }
  // The API object needs a metadata map; anything else is the server's decode error.
  if (metadata !== undefined && metadata !== null && !isObject(metadata)) {
    out.errors.push({
      code: 'decode',
      message: `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: json: cannot unmarshal ${jsonKind(metadata)} into Go struct field ${info.kind}.metadata of type v1.ObjectMeta`,
      ...at(),
    });
    return;
  }
  for (const f of ['name', 'namespace', 'generateName'] as const) {
    const v = isObject(metadata) ? metadata[f] : undefined;
    if (v !== undefined && v !== null && typeof v !== 'string') {
      out.errors.push({
        code: 'decode',
        message: `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: json: cannot unmarshal ${jsonKind(v)} into Go struct field ObjectMeta.metadata.${f} of type string`,
        ...at(),
      });
      return;
    }
  }
  const object = { ...fields, metadata: isObject(metadata) ? metadata : {} } as KObject;
  const doc: ManifestDocument =
    item === undefined
      ? { index: docIndex, object, range }
      : { index: docIndex, item, object, range };
  sources.set(doc, { node, lc });
  out.documents.push(doc);
}

// ---------------------------------------------------------------------------- positions

/**
 * Where a field path (`spec.template.spec.containers[0].ports[0].containerPort`, as validation
 * messages print it; `metadata.labels[app.kubernetes.io/name]` for map keys) is in the source:
 * the 1-based line and column of its key, or of the list item for an index. Undefined if the path
 * is not in the document; with `nearest`, the deepest part of the path that is.
 */
export function positionOf(
  doc: ManifestDocument,
  fieldPath: string,
  opts: { nearest?: boolean } = {},
): { line: number; column: number } | undefined {
  const src = sources.get(doc);
  if (!src) return undefined;
  const segments = parseFieldPath(fieldPath);
  if (!segments) return undefined;
  let node: unknown = src.node;
  let mark: Node | undefined = src.node;
  for (const seg of segments) {
    if (isAlias(node)) node = undefined; // aliases have no position of their own
    let next: unknown;
    let nextMark: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair) {
        next = pair.value;
        nextMark = pair.key as Node;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      const itemNode = node.items[seg];
      if (itemNode) {
        next = itemNode;
        nextMark = itemNode as Node;
      }
    }
    if (!nextMark) {
      if (!opts.nearest) return undefined;
      break;
    }
    node = next;
    mark = nextMark;
  }
  if (!mark?.range) return undefined;
  const pos = src.lc.linePos(mark.range[0]);
  return { line: pos.line, column: pos.col };
}

/** `a.b[0].c[key.with.dots]` → ['a', 'b', 0, 'c', 'key.with.dots']; undefined if malformed. */
export function parseFieldPath(path: string): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === '.') {
      if (cur) out.push(cur);
      cur = '';
    } else if (ch === '[') {
      if (cur) out.push(cur);
      cur = '';
      const end = path.indexOf(']', i);
      if (end < 0) return undefined;
      const inner = path.slice(i + 1, end);
      out.push(/^[0-9]+$/.test(inner) ? Number(inner) : inner);
      i = end;
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

// ---------------------------------------------------------------------------- syntax errors

interface YamlErr {
  code: string;
  message: string;
  pos: [number, number];
}

/** Lines (1-based) that kubectl's YAMLReader treats as document separators. */
function separatorLines(text: string): number[] {
  const out: number[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    if (/^---(\s|#|$)/.test(l)) out.push(i + 1);
  });
  return out;
}

/** go-yaml's view of the first error: the phrase, and whether its scanner or parser raised it. */
function goYamlProblem(
  e: YamlErr,
  all: readonly YamlErr[],
  text: string,
): { problem: string; parser: boolean; offset: number } {
  const msg = e.message;
  switch (e.code) {
    case 'TAB_AS_INDENT':
    case 'BAD_SCALAR_START':
      return {
        problem: 'found character that cannot start any token',
        parser: false,
        offset: e.pos[0],
      };
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      if (all.some((x) => x.code === 'UNEXPECTED_TOKEN' && x.message.includes('block-seq-ind')))
        return { problem: 'did not find expected key', parser: true, offset: e.pos[0] };
      const multi = all.find((x) => x.code === 'MULTILINE_IMPLICIT_KEY');
      const start = multi?.pos[0] ?? e.pos[0];
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      if (/^\s*(-\s+)*$/.test(text.slice(lineStart, start))) {
        // A key with no ':' on its line: go-yaml's required simple key goes stale when the
        // scanner reaches the next line.
        const next = text.indexOf('\n', start);
        return {
          problem: "could not find expected ':'",
          parser: false,
          offset: next < 0 ? text.length : next + 1,
        };
      }
      // A value that runs on into something with a ':' (usually a line indented too far): the
      // scanner finds a ':' where no key may start.
      const colon = multi && text[multi.pos[1]] === ':' ? multi.pos[1] : nextColon(text, e.pos[0]);
      return {
        problem: 'mapping values are not allowed in this context',
        parser: false,
        offset: colon,
      };
    }
    case 'BAD_INDENT':
      if (msg.startsWith('Flow sequence'))
        return { problem: "did not find expected ',' or ']'", parser: true, offset: e.pos[0] };
      if (msg.startsWith('Flow map') || msg.startsWith('Flow mapping'))
        return { problem: "did not find expected ',' or '}'", parser: true, offset: e.pos[0] };
      if (msg.includes('sequence'))
        return { problem: "did not find expected '-' indicator", parser: true, offset: e.pos[0] };
      return { problem: 'did not find expected key', parser: true, offset: e.pos[0] };
    case 'MISSING_CHAR':
      if (msg.startsWith('Missing closing'))
        return { problem: 'found unexpected end of stream', parser: false, offset: e.pos[0] };
      if (msg.includes('followed by map values'))
        return { problem: "could not find expected ':'", parser: false, offset: e.pos[0] };
      if (msg.includes(']'))
        return { problem: "did not find expected ',' or ']'", parser: true, offset: e.pos[0] };
      if (msg.includes('}'))
        return { problem: "did not find expected ',' or '}'", parser: true, offset: e.pos[0] };
      return { problem: 'did not find expected node content', parser: true, offset: e.pos[0] };
    case 'UNEXPECTED_TOKEN':
      return { problem: 'did not find expected key', parser: true, offset: e.pos[0] };
    default:
      return { problem: firstSentence(msg), parser: false, offset: e.pos[0] };
  }
}

/** The next mapping indicator (`:` before a space, a line end or the end) from `from`. */
function nextColon(text: string, from: number): number {
  const re = /:(?=[ \t\r\n]|$)/g;
  re.lastIndex = from;
  return re.exec(text)?.index ?? from;
}

function firstSentence(msg: string): string {
  const cut = msg.search(/ at line \d+, column \d+/);
  const s = (cut >= 0 ? msg.slice(0, cut) : msg.split('\n')[0]) ?? msg;
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function syntaxError(
  errors: readonly YamlErr[],
  text: string,
  lc: LineCounter,
  separators: readonly number[],
): ManifestError {
  const sorted = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const first = sorted[0]!;
  const { problem, parser, offset } = goYamlProblem(first, sorted, text);
  const at = lc.linePos(Math.min(offset, text.length));
  // kubectl hands go-yaml one document at a time: lines count from the line after the `---`.
  let sep = 0;
  for (const s of separators) if (s < at.line) sep = s;
  const docLine = at.line - sep;
  const goLine = parser ? docLine - 1 : docLine;
  const where = goLine > 0 ? `line ${goLine}: ` : '';
  return {
    code: 'syntax',
    message: `error converting YAML to JSON: yaml: ${where}${problem}`,
    line: at.line,
    column: at.col,
    detail: firstSentence(first.message).replace(/^./, (c) => c.toUpperCase()),
  };
}

// ---------------------------------------------------------------------------- helpers

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return 'object';
}

function rangeOf(lc: LineCounter, text: string, start: number, end: number): LineRange {
  let last = Math.min(end, text.length) - 1;
  while (last > start && /\s/.test(text[last] ?? '')) last--;
  const startLine = lc.linePos(Math.min(start, text.length)).line;
  const endLine = last >= start ? lc.linePos(last).line : startLine;
  return { startLine, endLine: Math.max(startLine, endLine) };
}

/**
 * What JSON can carry, as sigs.k8s.io/yaml's YAML → JSON conversion yields it: Maps and Sets
 * become objects and arrays, binary becomes base64, non-finite numbers become null.
 */
function toPlainJSON(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toPlainJSON);
  if (v instanceof Uint8Array) {
    let s = '';
    for (const b of v) s += String.fromCharCode(b);
    return base64(s);
  }
  if (v instanceof Set) return [...v].map(toPlainJSON);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) setOwn(o, String(k), toPlainJSON(x));
    return o;
  }
  if (typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(o, k, toPlainJSON(x));
    return o;
  }
  return String(v);
}

/** Assign as an own property even for `__proto__`, a key YAML may well contain. */
function setOwn(o: Record<string, unknown>, k: string, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function base64(bin: string): string {
  let out = '';
  for (let i = 0; i < bin.length; i += 3) {
    const a = bin.charCodeAt(i);
    const b = i + 1 < bin.length ? bin.charCodeAt(i + 1) : undefined;
    const c = i + 2 < bin.length ? bin.charCodeAt(i + 2) : undefined;
    out += B64[a >> 2]!;
    out += B64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    out += b === undefined ? '=' : B64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    out += c === undefined ? '=' : B64[c & 63]!;
  }
  return out;
}
