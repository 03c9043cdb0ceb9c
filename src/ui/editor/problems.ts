/**
 * The editor's problems: what is wrong with a manifest file, at a line and column, for Monaco's
 * markers and the Problems list. Pure functions, no Monaco.
 *
 * Three sources:
 *  - kubectl's reading of the file (parseManifests, the same parser `kubectl apply -f` uses):
 *    YAML syntax, missing apiVersion/kind, unknown kinds — live, as the learner types;
 *  - the API server's answer to an Apply: the editor runs `kubectl apply -f FILE` through the
 *    shell and reads its output back onto the documents (analyzeApply). The output is kubectl's
 *    own text; which document an error belongs to follows from kubectl's order (it applies the
 *    documents it could read one by one, prints `kind/name created|configured|unchanged` for
 *    each success and collects the errors in the same order), and a field path in the error
 *    (`spec.replicas: Invalid value`, `unknown field "spec.containers[0].imagee"`) is placed
 *    with the engine's positionOf;
 *  - the JSON schema (monaco-yaml's own markers; MonacoEditor.tsx converts them), and the YAML
 *    parser of monaco-yaml, whose syntax errors repeat kubectl's in other words.
 */
import { KINDS, positionOf } from '../../engine';
import type { ManifestDocument, ParsedManifests } from '../../engine';

/** kubectl's reading, the API server, the JSON schema, or the editor's own YAML parser. */
export type ProblemSource = 'kubectl' | 'server' | 'schema' | 'yaml';
export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  severity: Severity;
  source: ProblemSource;
  /** One line, for the list and the marker. */
  message: string;
  /** More: the YAML library's explanation, or kubectl's whole error. */
  detail?: string;
  /** 1-based; the end column is exclusive (Monaco's convention). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** `Problem` ordering: by position, errors before warnings at the same place. */
export function compareProblems(a: Problem, b: Problem): number {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return a.line - b.line || a.column - b.column || rank[a.severity] - rank[b.severity];
}

/**
 * A range from a 1-based position: the token that starts there (up to a blank or a `:`), at
 * least one character; a position past the line's end marks its last character.
 */
export function tokenRange(
  lines: readonly string[],
  line: number,
  column: number,
): Pick<Problem, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const l = Math.min(Math.max(1, line), Math.max(1, lines.length));
  const text = lines[l - 1] ?? '';
  let col = Math.max(1, column);
  if (col > text.length) col = Math.max(1, text.length);
  // A list item's position is its `- ` marker: mark the item's first token.
  if (text[col - 1] === '-' && text[col] === ' ' && col + 1 < text.length)
    return tokenRange(lines, l, col + 2);
  let end = col - 1;
  while (end < text.length && !/[\s:]/.test(text[end]!)) end++;
  return { line: l, column: col, endLine: l, endColumn: Math.max(end + 1, col + 1) };
}

const splitLines = (text: string): string[] => text.split(/\r?\n/);

/** The syntax or schema error after which kubectl reads no more of the file (its index). */
function stopIndex(parsed: ParsedManifests): number | undefined {
  const stops = parsed.errors
    .filter((e) => e.code === 'syntax' || e.code === 'validation')
    .map((e) => e.docIndex ?? Number.MAX_SAFE_INTEGER);
  return stops.length > 0 ? Math.min(...stops) : undefined;
}

/** Problems kubectl finds reading the file, before anything reaches the API server. */
export function parseProblems(text: string, parsed: ParsedManifests): Problem[] {
  const lines = splitLines(text);
  const out: Problem[] = [];
  const stop = stopIndex(parsed);
  const later = stop !== undefined && parsed.documents.some((d) => d.index > stop);
  for (const e of parsed.errors) {
    const line = e.line ?? e.range?.startLine ?? 1;
    const column = e.column ?? 1;
    let detail = e.detail;
    if (later && e.docIndex === stop && (e.code === 'syntax' || e.code === 'validation')) {
      const note =
        'kubectl stops reading the file here: the documents after this one are not applied.';
      detail = detail ? `${detail}. ${note}` : note;
    }
    out.push({
      severity: 'error',
      source: 'kubectl',
      message: e.message,
      ...(detail ? { detail } : {}),
      ...tokenRange(lines, line, column),
    });
  }
  for (const w of parsed.warnings) {
    out.push({
      severity: 'warning',
      source: 'kubectl',
      message: w.message,
      ...tokenRange(lines, w.line ?? 1, w.column ?? 1),
    });
  }
  return out.sort(compareProblems);
}

/**
 * kubectl's problems and the editor's (schema, YAML syntax) together. Where kubectl cannot read a
 * document (a syntax error, no apiVersion or kind), the editor's findings there are dropped: they
 * repeat kubectl's in other words, or follow from it (a schema checked against a broken parse).
 */
export function combineProblems(
  own: readonly Problem[],
  editor: readonly Problem[],
  parsed: ParsedManifests,
): Problem[] {
  const unreadable = parsed.errors
    .filter((e) => e.code === 'syntax' || e.code === 'validation')
    .map((e) => e.range ?? { startLine: e.line ?? 1, endLine: e.line ?? 1 });
  const syntax = parsed.errors.some((e) => e.code === 'syntax');
  const kept = editor.filter(
    (p) =>
      !(syntax && p.source === 'yaml') &&
      !unreadable.some((r) => r.startLine <= p.line && p.line <= r.endLine),
  );
  return [...own, ...kept].sort(compareProblems);
}

// ------------------------------------------------------------------------------ apply output

export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Which document, by what it names (kind, name, namespace as written) and its occurrence. */
export interface DocumentIdentity {
  kind: string;
  name: string;
  namespace: string;
  /** 0 for the first document naming this object, 1 for a second, ... */
  ordinal: number;
}

/** An error the API server (or kubectl) gave one document, to be placed in the current text. */
export interface ApplyIssue {
  doc: DocumentIdentity;
  /** The document's text when it was applied: the issue goes away once the document changes. */
  docText: string;
  /** A field path in the error (`spec.replicas`), if it names one. */
  fieldPath?: string;
  message: string;
  /** kubectl's whole error. */
  detail: string;
}

export type Operation = 'created' | 'configured' | 'unchanged';

export interface DocumentOutcome {
  doc: DocumentIdentity;
  /** `deployment.apps/httpd2`. */
  id: string;
  operation?: Operation;
  error?: string;
}

export interface ApplyReport {
  ok: boolean;
  /** The status line: `deployment.apps/httpd2 created`, `2 created, 1 unchanged, 1 error`. */
  summary: string;
  outcomes: DocumentOutcome[];
  issues: ApplyIssue[];
  /** Errors kubectl met reading the file (the parse problems say where). */
  readErrors: number;
}

const GROUPS = new Map(KINDS.map((k) => [k.kind, k.group]));

/** What kubectl's name printer writes for a document's object: `deployment.apps/httpd2`. */
export function printedId(kind: string, name: string): string {
  const group = GROUPS.get(kind);
  return `${kind.toLowerCase()}${group ? `.${group}` : ''}/${name}`;
}

function identityOf(d: ManifestDocument, seen: Map<string, number>): DocumentIdentity {
  const name = typeof d.object.metadata.name === 'string' ? d.object.metadata.name : '';
  const ns = d.object.metadata.namespace;
  const namespace = typeof ns === 'string' ? ns : '';
  const key = `${d.object.kind}/${namespace}/${name}`;
  const ordinal = seen.get(key) ?? 0;
  seen.set(key, ordinal + 1);
  return { kind: d.object.kind, name, namespace, ordinal };
}

/** The documents kubectl reads and applies, in order: all of them up to a syntax error. */
export function appliedDocuments(parsed: ParsedManifests): ManifestDocument[] {
  const stop = stopIndex(parsed);
  return parsed.documents
    .filter((d) => stop === undefined || d.index < stop)
    .sort((a, b) => a.index - b.index || (a.item ?? 0) - (b.item ?? 0));
}

/** The documents of a parse with their identities (as analyzeApply and resolveIssues name them). */
export function identifiedDocuments(
  parsed: ParsedManifests,
): Array<{ document: ManifestDocument; doc: DocumentIdentity }> {
  const seen = new Map<string, number>();
  return [...parsed.documents]
    .sort((a, b) => a.index - b.index || (a.item ?? 0) - (b.item ?? 0))
    .map((document) => ({ document, doc: identityOf(document, seen) }));
}

/** The text of a document's lines. */
export function documentText(lines: readonly string[], d: ManifestDocument): string {
  return lines.slice(d.range.startLine - 1, d.range.endLine).join('\n');
}

/** Lines that start one error of kubectl's output (CheckErr prints one per line). */
const ENTRY_START =
  /^(Error from server |error: |error when |the namespace from the provided object |from \S+: cannot use generate name|resource mapping not found |unable to decode |error parsing |error validating |The \S+ ".*" is invalid|\[)/;
/** Errors of reading the file (parse errors are shown from the parse itself). */
const READ_ERROR =
  /^(error: )?(\[|resource mapping not found |unable to decode |error parsing |error validating )/;

/** kubectl's stderr, split into its errors; `Warning:` lines and deprecation notices dropped. */
export function splitErrors(stderr: string): string[] {
  const entries: string[] = [];
  for (const line of stderr.split('\n')) {
    if (line === '') continue;
    if (/^(Warning: |Flag --)/.test(line)) continue;
    if (entries.length === 0 || ENTRY_START.test(line)) entries.push(line);
    else entries[entries.length - 1] += `\n${line}`;
  }
  return entries;
}

/** `path: Invalid value: ...` and its kin: the causes of a validation error. */
const CAUSE =
  /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$-]*|\[[^\]\n]*\])*): (?:Invalid value|Required value|Unsupported value|Duplicate value|Not found|Forbidden|Too long|Too many|Internal error|Invalid type)/g;
const FIELD_NAMED = /(?:unknown|duplicate) field "([^"]+)"/g;

/**
 * The causes of one error with the field each names: `[spec.replicas: Invalid value: -1: ...,
 * spec.selector: Required value]` gives two. An error that names no field gives itself.
 */
export function errorCauses(error: string): Array<{ fieldPath?: string; message: string }> {
  const hits: Array<{ at: number; fieldPath: string }> = [];
  for (const m of error.matchAll(CAUSE)) hits.push({ at: m.index, fieldPath: m[1]! });
  for (const m of error.matchAll(FIELD_NAMED)) hits.push({ at: m.index, fieldPath: m[1]! });
  if (hits.length === 0) return [{ message: firstLine(error) }];
  hits.sort((a, b) => a.at - b.at);
  return hits.map((h, i) => {
    const end = hits[i + 1]?.at ?? error.length;
    const message = error
      .slice(h.at, end)
      .replace(/[\s,*\]]+$/, '')
      .replace(/\n\* ?/g, ' ');
    return { fieldPath: h.fieldPath, message };
  });
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/**
 * Read `kubectl apply -f FILE`'s output back onto the file's documents: which were created,
 * configured or unchanged, which failed and why (with the fields the errors name).
 */
export function analyzeApply(
  text: string,
  parsed: ParsedManifests,
  result: CommandOutput,
): ApplyReport {
  const lines = splitLines(text);
  const ids = new Map(identifiedDocuments(parsed).map((x) => [x.document, x.doc]));
  const applied = appliedDocuments(parsed);
  const printed = result.stdout.split('\n').filter((l) => l !== '');
  const outcomes: DocumentOutcome[] = [];
  let p = 0;
  for (const d of applied) {
    const doc = ids.get(d)!;
    const id = printedId(doc.kind, doc.name);
    const line = printed[p];
    const m = line !== undefined ? /^(\S+) (created|configured|unchanged)/.exec(line) : null;
    if (m && m[1] === id) {
      outcomes.push({ doc, id, operation: m[2] as Operation });
      p++;
    } else outcomes.push({ doc, id });
  }

  const entries = splitErrors(result.stderr);
  const readEntries = entries.filter((e) => READ_ERROR.test(e));
  const objectEntries = entries.filter((e) => !READ_ERROR.test(e));
  const failed = outcomes.filter((o) => o.operation === undefined);
  const issues: ApplyIssue[] = [];
  failed.forEach((o, i) => {
    const error =
      failed.length === 1 && objectEntries.length > 0
        ? objectEntries.join('\n')
        : (objectEntries[i] ?? 'kubectl apply did not apply this object (see the Terminal)');
    o.error = error;
    const d = applied[outcomes.indexOf(o)]!;
    for (const c of errorCauses(error)) {
      issues.push({
        doc: o.doc,
        docText: documentText(lines, d),
        ...(c.fieldPath ? { fieldPath: c.fieldPath } : {}),
        message: c.message,
        detail: error,
      });
    }
  });

  const readErrors = parsed.errors.length > 0 ? parsed.errors.length : readEntries.length;
  return {
    ok: result.exitCode === 0,
    summary: summarize(outcomes, readErrors, result),
    outcomes,
    issues,
    readErrors,
  };
}

function summarize(outcomes: DocumentOutcome[], readErrors: number, r: CommandOutput): string {
  const errors = outcomes.filter((o) => o.error !== undefined).length + readErrors;
  if (outcomes.length === 1 && errors === 0 && outcomes[0]!.operation)
    return `${outcomes[0]!.id} ${outcomes[0]!.operation}`;
  const parts: string[] = [];
  for (const op of ['created', 'configured', 'unchanged'] as const) {
    const n = outcomes.filter((o) => o.operation === op).length;
    if (n > 0) parts.push(`${n} ${op}`);
  }
  if (errors > 0) parts.push(`${errors} ${errors === 1 ? 'error' : 'errors'}`);
  if (parts.length === 0) {
    const first = firstLine(r.stderr.trim() || r.stdout.trim());
    return first || (r.exitCode === 0 ? 'nothing to apply' : `failed (exit ${r.exitCode})`);
  }
  return parts.join(', ');
}

/**
 * Place the issues of the last Apply in the file as it is now: each on its document (found again
 * by what it names), at the field its error names (or the nearest part of that path that is
 * still there), or on the document's first line. An issue whose document has been edited since,
 * or is gone, is dropped: the learner is fixing it.
 */
export function resolveIssues(
  issues: readonly ApplyIssue[],
  text: string,
  parsed: ParsedManifests,
): Problem[] {
  if (issues.length === 0) return [];
  const lines = splitLines(text);
  const docs = identifiedDocuments(parsed);
  const out: Problem[] = [];
  for (const issue of issues) {
    const found = docs.find(
      (x) =>
        x.doc.kind === issue.doc.kind &&
        x.doc.name === issue.doc.name &&
        x.doc.namespace === issue.doc.namespace &&
        x.doc.ordinal === issue.doc.ordinal,
    );
    if (!found || documentText(lines, found.document) !== issue.docText) continue;
    const pos = issue.fieldPath
      ? positionOf(found.document, issue.fieldPath, { nearest: true })
      : undefined;
    const at = pos ?? { line: found.document.range.startLine, column: 1 };
    out.push({
      severity: 'error',
      source: 'server',
      message: issue.message,
      ...(issue.detail !== issue.message ? { detail: issue.detail } : {}),
      ...tokenRange(lines, at.line, at.column),
    });
  }
  return out.sort(compareProblems);
}
