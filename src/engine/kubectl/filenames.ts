/**
 * `-f` sources and kubectl's error plumbing, shared by every command that reads manifests
 * (apply, create, delete, get, describe, ...).
 *
 * Models cli-runtime's resource.Builder as `kubectl apply|create|delete -f` drive it
 * (FilenameParam → expandIfFilePattern → Path/Stdin → FileVisitor/StreamVisitor, with
 * ContinueOnError, DefaultNamespace/RequireNamespace and Flatten):
 *  - a path that does not exist (and matches no glob) fails the whole command before anything is
 *    read: `error: the path "nope.yml" does not exist`;
 *  - a directory is every `.json`, `.yaml`, `.yml` file directly in it, in lexical order
 *    (filepath.Walk); a file named explicitly is read whatever its extension;
 *  - `-` is stdin, whose source is `STDIN` in messages;
 *  - inside one file, documents are read in order: a YAML syntax error (`error parsing x.yml:
 *    ...`) or a schema error (`error validating "x.yml": ...`) stops that file (documents before
 *    it were read and are still used), an unknown kind (`resource mapping not found ...`) skips
 *    just that document; other files are read in any case (EagerVisitorList);
 *  - errors are collected exactly as the visitors nest them, so the final message (one error,
 *    or one line per error without the `error: ` prefix) is what kubectl prints.
 *
 * The second half of the file is that error plumbing: CliError mirrors the Go error values
 * (an API Status error, a plain error, an aggregate), `addSourceToErr` is cmdutil.AddSourceToErr
 * and `checkErr` is cmdutil.CheckErr's rendering.
 *
 * The workspace is the flat directory /root/test. Other directories exist only as its
 * ancestors (`/`, `/root`), which hold no manifests; `-R` is not modelled.
 */
import type { ApiError } from '../api/errors';
import { fieldErrorString } from '../api/errors';
import type { KindInfo } from '../api/kinds';
import { kindInfo } from '../api/kinds';
import { parseManifests } from '../api/manifest';
import type { ManifestError } from '../api/manifest';
import type { Selector } from '../api/selectors';
import type { KObject } from '../api/types';
import type { KubectlEnv } from './types';

/** The workspace directory: the shell's home for manifests. */
export const WORKSPACE_DIR = '/root/test';

/** What kubectl names stdin in messages (cli-runtime constSTDINstr). */
export const STDIN_SOURCE = 'STDIN';

const MANIFEST_EXTENSIONS = ['.json', '.yaml', '.yml'];

// ---------------------------------------------------------------------------------- errors

/**
 * A Go error as kubectl handles it: an API Status error (whose message `addSourceToErr` may
 * have prefixed), a plain error, or an aggregate (utilerrors.Aggregate, possibly nested).
 */
export type CliError =
  | { kind: 'status'; status: ApiError; message: string }
  | { kind: 'plain'; message: string }
  | { kind: 'aggregate'; errors: CliError[] };

export const plainError = (message: string): CliError => ({ kind: 'plain', message });

export const statusError = (status: ApiError): CliError => ({
  kind: 'status',
  status,
  message: status.message,
});

/** utilerrors.NewAggregate: undefined for no errors, an aggregate otherwise (even of one). */
export function aggregate(errors: readonly CliError[]): CliError | undefined {
  return errors.length === 0 ? undefined : { kind: 'aggregate', errors: [...errors] };
}

/** Go's err.Error(). An aggregate lists its (flattened, de-duplicated) messages in brackets. */
export function errorText(e: CliError): string {
  if (e.kind !== 'aggregate') return e.message;
  if (e.errors.length === 1) return errorText(e.errors[0]!);
  const seen: string[] = [];
  const visit = (x: CliError): void => {
    if (x.kind === 'aggregate') {
      x.errors.forEach(visit);
      return;
    }
    if (!seen.includes(x.message)) seen.push(x.message);
  };
  visit(e);
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

/**
 * cmdutil.AddSourceToErr: `error when creating "x.yml": ...`. A Status error stays one (its
 * message is prefixed, the reason kept), anything else becomes a plain error.
 */
export function addSourceToErr(verb: string, source: string, e: CliError): CliError {
  if (!source) return e;
  const prefix = `error when ${verb} ${goQuote(source)}: `;
  if (e.kind === 'status') return { ...e, message: prefix + e.message };
  return plainError(prefix + errorText(e));
}

/** StandardErrorMessage, or the error's text (cmdutil messageForError). */
function messageForError(e: CliError): string {
  if (e.kind === 'status') return `Error from server (${e.status.reason}): ${e.message}`;
  return errorText(e);
}

/**
 * What cmdutil.CheckErr prints for an error (ends with a newline):
 *  - an aggregate of one is unwrapped;
 *  - Invalid: `The Deployment "x" is invalid: <cause>` (or one `* cause` line per cause);
 *  - an aggregate: one line per error, with no `error: ` prefix;
 *  - another API error: `Error from server (Reason): message`;
 *  - anything else: `error: message`.
 */
export function checkErr(err: CliError): string {
  let e = err;
  while (e.kind === 'aggregate' && e.errors.length === 1) e = e.errors[0]!;
  if (e.kind === 'status' && e.status.reason === 'Invalid') {
    const d = e.status.details;
    const header =
      d.kind || d.name
        ? `The ${d.kind ?? ''} ${goQuote(d.name ?? '')} is invalid`
        : 'The request is invalid';
    const causes = e.status.causes.map(fieldErrorString);
    if (causes.length === 0) return `${header}\n`;
    if (causes.length === 1) return `${header}: ${causes[0]}\n`;
    return `${header}: \n${causes.map((c) => `* ${c}\n`).join('')}`;
  }
  if (e.kind === 'aggregate') return e.errors.map((x) => `${messageForError(x)}\n`).join('');
  if (e.kind === 'status') return `${messageForError(e)}\n`;
  const msg = e.message;
  return `${msg.startsWith('error: ') ? msg : `error: ${msg}`}\n`;
}

/** Go's %q for the strings kubectl quotes (paths, names): JSON quoting is the same for them. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

// ---------------------------------------------------------------------------------- paths

/** Go's filepath.Clean for slash paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  if (rooted) return '/' + s;
  return s === '' ? '.' : s;
}

/** Go's filepath.Join. */
export function joinPath(dir: string, name: string): string {
  if (dir === '') return cleanPath(name);
  return cleanPath(`${dir}/${name}`);
}

/** The absolute, cleaned path a user's path names from the shell's working directory. */
export function absolutePath(cwd: string, p: string): string {
  return cleanPath(p.startsWith('/') ? p : `${cwd}/${p}`);
}

type PathKind = { type: 'file'; name: string } | { type: 'dir'; files: string[] } | undefined;

/** What an absolute path is: a workspace file, the workspace, one of its ancestors, or nothing. */
function statPath(env: KubectlEnv, abs: string): PathKind {
  if (abs === WORKSPACE_DIR) return { type: 'dir', files: env.workspace.list() };
  if (abs === '/' || abs === '/root') return { type: 'dir', files: [] };
  if (abs.startsWith(WORKSPACE_DIR + '/')) {
    const name = abs.slice(WORKSPACE_DIR.length + 1);
    if (!name.includes('/') && env.workspace.read(name) !== undefined)
      return { type: 'file', name };
  }
  return undefined;
}

/** path.Match for one path element: `*`, `?`, `[...]` and `\` escapes. */
function globToRegExp(pattern: string): RegExp | undefined {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return undefined; // filepath.ErrBadPattern
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('^')) body = '!' + body.slice(1);
      re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else re += escapeRe(c);
  }
  return new RegExp(re + '$');
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** filepath.Glob, for patterns whose directory part names a directory we know. */
function glob(env: KubectlEnv, pattern: string): string[] | 'bad' {
  const slash = pattern.lastIndexOf('/');
  const dir = slash < 0 ? '' : pattern.slice(0, slash + 1);
  const base = pattern.slice(slash + 1);
  if (!/[*?[\\]/.test(base)) return [];
  const re = globToRegExp(base);
  if (!re) return 'bad';
  const dirClean = dir === '' ? '.' : cleanPath(dir);
  const where = statPath(env, absolutePath(env.cwd, dirClean));
  if (!where || where.type !== 'dir') return [];
  return where.files.filter((f) => re.test(f)).map((f) => joinPath(dir === '' ? '' : dirClean, f));
}

/** One stream kubectl will read: a file (by the path it names in messages) or stdin. */
export interface ManifestSource {
  source: string;
  text: string;
}

export interface ExpandedSources {
  sources: ManifestSource[];
  /** FilenameParam's errors (paths that do not exist): the command fails before reading. */
  error?: CliError;
}

/**
 * Expand `-f` arguments into the streams kubectl reads, in order (FilenameParam, Path,
 * ExpandPathsToFileVisitors). Stdin is read once: a second `-f -` finds it empty.
 */
export function expandFilenames(env: KubectlEnv, filenames: readonly string[]): ExpandedSources {
  const sources: ManifestSource[] = [];
  const errors: CliError[] = [];
  let stdinUsed = false;
  for (const f of filenames) {
    if (f === '-') {
      sources.push({ source: STDIN_SOURCE, text: stdinUsed ? '' : (env.stdin ?? '') });
      stdinUsed = true;
      continue;
    }
    if (/^https?:\/\//.test(f)) {
      // The playground has no network: what kubectl prints when the host cannot be resolved.
      const host = f.replace(/^https?:\/\//, '').split('/')[0] ?? '';
      errors.push(plainError(`Get ${goQuote(f)}: dial tcp: lookup ${host}: no such host`));
      continue;
    }
    let matches: string[];
    if (statPath(env, absolutePath(env.cwd, f))) matches = [f];
    else {
      const g = glob(env, f);
      if (g === 'bad') {
        errors.push(plainError(`pattern ${goQuote(f)} is not valid: syntax error in pattern`));
        continue;
      }
      if (g.length === 0) {
        errors.push(plainError(`the path ${goQuote(f)} does not exist`));
        continue;
      }
      matches = g;
    }
    for (const m of matches) {
      const what = statPath(env, absolutePath(env.cwd, m));
      if (!what) continue;
      if (what.type === 'file') {
        sources.push({ source: m, text: env.workspace.read(what.name) ?? '' });
        continue;
      }
      for (const name of [...what.files].sort()) {
        if (!MANIFEST_EXTENSIONS.some((ext) => name.endsWith(ext))) continue;
        sources.push({ source: joinPath(m, name), text: env.workspace.read(name) ?? '' });
      }
    }
  }
  const error = aggregate(errors);
  return error ? { sources, error } : { sources };
}

// ---------------------------------------------------------------------------------- reading

/** One object read from a manifest (resource.Info). */
export interface ResourceInfo {
  /** Where it was read from, as messages name it: `deployment.yml`, `/root/test/x.yml`, `STDIN`. */
  source: string;
  kind: KindInfo;
  /**
   * The object as written, with its namespace filled in for namespaced kinds (DefaultNamespace)
   * and removed for cluster-scoped ones. A private copy: callers may edit it.
   */
  object: KObject;
  name: string;
  /** Undefined for cluster-scoped kinds. */
  namespace: string | undefined;
}

export interface ReadOptions {
  /** The namespace of the command (-n, or `default`). */
  namespace: string;
  /** -n was given: objects naming another namespace are refused (RequireNamespace). */
  enforceNamespace: boolean;
  /** `-l`: only objects whose labels match are visited. */
  selector?: Selector;
}

export interface FilenameResult {
  /** The builder failed before reading anything (a path that does not exist). */
  error?: CliError;
  /**
   * Visit every object in order, calling `fn` as each is read; errors `fn` returns are
   * collected and the visit goes on (ContinueOnError). Returns every error, nested as kubectl
   * nests them, or undefined.
   */
  visit(fn: (info: ResourceInfo) => CliError | undefined): CliError | undefined;
  /** Every object, and the errors met reading them (resource.Result.Infos). */
  infos(): { infos: ResourceInfo[]; error: CliError | undefined };
}

type StreamItem =
  | { type: 'info'; info: ResourceInfo }
  /** The document is skipped; the stream goes on (an unknown kind). */
  | { type: 'skip'; error: CliError }
  /** The stream stops here (a syntax or schema error). */
  | { type: 'stop'; error: CliError };

/** The documents of one stream as StreamVisitor delivers them. */
export function readStream(src: ManifestSource): StreamItem[] {
  const parsed = parseManifests(src.text);
  const items: Array<{ doc: number; item: number; entry: StreamItem }> = [];
  for (const d of parsed.documents) {
    const info = toInfo(d.object, src.source);
    items.push({ doc: d.index, item: d.item ?? 0, entry: { type: 'info', info } });
  }
  for (const e of parsed.errors) {
    items.push({
      doc: e.docIndex ?? Number.MAX_SAFE_INTEGER,
      item: e.item ?? 0,
      entry: manifestErrorItem(e, src.source),
    });
  }
  items.sort((a, b) => a.doc - b.doc || a.item - b.item);
  const out: StreamItem[] = [];
  for (const { entry } of items) {
    out.push(entry);
    if (entry.type === 'stop') break;
  }
  return out;
}

function toInfo(object: KObject, source: string): ResourceInfo {
  const kind = kindInfo(object.kind)!;
  const obj = { ...object, metadata: { ...object.metadata } };
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const ns = typeof obj.metadata.namespace === 'string' ? obj.metadata.namespace : '';
  return { source, kind, object: obj, name, namespace: kind.namespaced ? ns : undefined };
}

function manifestErrorItem(e: ManifestError, source: string): StreamItem {
  switch (e.code) {
    case 'syntax':
      return { type: 'stop', error: plainError(`error parsing ${source}: ${e.message}`) };
    case 'validation':
      return {
        type: 'stop',
        error: plainError(`error validating ${goQuote(source)}: ${e.message}`),
      };
    case 'mapping':
      return {
        type: 'skip',
        error: plainError(
          `resource mapping not found for name: ${goQuote(e.name ?? '')} namespace: ${goQuote(e.namespace ?? '')} from ${goQuote(source)}: ${e.message}\nensure CRDs are installed first`,
        ),
      };
    case 'decode':
      return {
        type: 'skip',
        error: plainError(`unable to decode ${goQuote(source)}: ${e.message}`),
      };
  }
}

/**
 * Read `-f` sources (resource.Builder with ContinueOnError, DefaultNamespace, FilenameParam,
 * LabelSelectorParam, Flatten). Nothing is read until `visit` or `infos` is called, and each
 * call reads afresh.
 */
export function readFilenames(
  env: KubectlEnv,
  filenames: readonly string[],
  opts: ReadOptions,
): FilenameResult {
  const expanded = expandFilenames(env, filenames);
  const visit = (fn: (info: ResourceInfo) => CliError | undefined): CliError | undefined => {
    if (expanded.error) return expanded.error;
    // ContinueOnErrorVisitor's list (errors of the callback and the decorators) and the
    // EagerVisitorList's (stream errors), appended last as one aggregate.
    const visitErrors: CliError[] = [];
    const streamErrors: CliError[] = [];
    for (const src of expanded.sources) {
      for (const item of readStream(src)) {
        if (item.type !== 'info') {
          streamErrors.push(item.error);
          continue;
        }
        const info = item.info;
        if (opts.selector && !opts.selector.matches(info.object.metadata.labels)) continue;
        const nsError = decorateNamespace(info, opts);
        if (nsError) {
          visitErrors.push(nsError);
          continue;
        }
        const err = fn(info);
        if (err) visitErrors.push(err);
      }
    }
    const eager = aggregate(streamErrors);
    if (eager) visitErrors.push(eager);
    if (visitErrors.length === 0) return undefined;
    return visitErrors.length === 1 ? visitErrors[0] : aggregate(visitErrors);
  };
  return {
    ...(expanded.error ? { error: expanded.error } : {}),
    visit,
    infos: () => {
      const infos: ResourceInfo[] = [];
      const error = visit((i) => {
        infos.push(i);
        return undefined;
      });
      return { infos, error };
    },
  };
}

/** SetNamespace, RequireNamespace and FilterNamespace. */
function decorateNamespace(info: ResourceInfo, opts: ReadOptions): CliError | undefined {
  const meta = info.object.metadata;
  if (!info.kind.namespaced) {
    delete meta.namespace;
    info.namespace = undefined;
    return undefined;
  }
  const ns = info.namespace ?? '';
  if (ns === '') {
    meta.namespace = opts.namespace;
    info.namespace = opts.namespace;
    return undefined;
  }
  if (opts.enforceNamespace && ns !== opts.namespace) {
    return plainError(
      `the namespace from the provided object ${goQuote(ns)} does not match the namespace ${goQuote(opts.namespace)}. You must pass '--namespace=${ns}' to perform this operation.`,
    );
  }
  return undefined;
}

/** `-f` was given no value at all: kubectl's FilenameOptions.RequireFilenameOrKustomize. */
export const REQUIRE_FILENAME = 'must specify one of -f and -k';
