/**
 * `kubectl explain TYPE[.field.path] [--recursive] [--api-version=GROUP/VERSION]`: the API
 * documentation of a kind or one of its fields, from the schema in explain-data.ts (generated
 * from kubernetes-types' OpenAPI descriptions by scripts/gen-explain.mjs).
 *
 * Models kubectl 1.30's OpenAPI v3 renderer, staging/src/k8s.io/kubectl/pkg/explain/v2:
 * templates/plaintext.tmpl ("output", "fieldList", "fieldDetail", "description", "typeGuess")
 * and funcs.go (`wrap` = go-wordwrap's WrapString, `indent`). Its quirks are kept on purpose:
 * two blank lines after `FIELD:` (an empty `ENUM:` slot), the DESCRIPTION block ending with a
 * 4-space line, the referenced type's description appended to the field's, literal tabs between
 * a field name and its `<type>`, and a trailing blank line.
 *
 * Left out: `ENUM:` lines (kubernetes-types carries no enum lists, so fields such as
 * `restartPolicy` print without them), the IntOrString schema's own description (kubernetes-types
 * inlines that type), and `--output=plaintext-openapiv2`.
 */
import { kindForResourceArg, KINDS } from '../../api/kinds';
import type { KindInfo } from '../../api/kinds';
import { ok } from '../../shell/types';
import type { CommandResult } from '../../shell/types';
import { explainSchema, loadExplainSchema } from '../explain-schema';
import type { ExplainSchema } from '../explain-schema';
import type { ExplainField } from '../explain-data';
import { commandHelp } from '../help';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';

/**
 * go-wordwrap WrapString (v1.0.1), what kubectl's `wrap` template function runs: breaks at
 * whitespace so lines stay within `lim` characters, keeps existing line breaks, never splits a
 * word (one longer than the limit overflows), drops the blanks where it breaks.
 */
export function wrapString(s: string, lim: number): string {
  let buf = '';
  let current = 0;
  let word = '';
  let wordLen = 0;
  let space = '';
  let spaceLen = 0;
  for (const ch of s) {
    if (ch === '\n') {
      // Blanks before a line break stay, unless they alone would overflow the line.
      if (wordLen > 0 || current + spaceLen <= lim) buf += space;
      buf += word + ch;
      space = '';
      spaceLen = 0;
      word = '';
      wordLen = 0;
      current = 0;
    } else if (/\s/u.test(ch) && ch !== '\u00a0') {
      if (spaceLen === 0 || wordLen > 0) {
        current += spaceLen + wordLen;
        buf += space + word;
        space = '';
        spaceLen = 0;
        word = '';
        wordLen = 0;
      }
      space += ch;
      spaceLen++;
    } else {
      word += ch;
      wordLen++;
      if (current + spaceLen + wordLen > lim && wordLen < lim) {
        buf += '\n';
        current = 0;
        space = '';
        spaceLen = 0;
      }
    }
  }
  if (wordLen === 0) {
    if (current + spaceLen <= lim) buf += space;
  } else {
    buf += space + word;
  }
  return buf;
}

/** The template's `indent`: pad the first line and every line after a newline. */
function indent(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return pad + s.replaceAll('\n', '\n' + pad);
}

/** The schema, or kubectl's words for a server whose OpenAPI document is not there (yet). */
function loadedSchema(): ExplainSchema {
  const s = explainSchema();
  if (!s) {
    void loadExplainSchema();
    throw new KubectlError(
      "couldn't get resource list: the OpenAPI schema is still loading; try again in a moment",
    );
  }
  return s;
}

/** The "fieldList" template: one entry per field, sorted; recursive lists names only. */
function fieldList(
  typeKey: string,
  level: number,
  recursive: boolean,
  history: ReadonlySet<string>,
): string {
  const type = loadedSchema().types[typeKey];
  if (!type) return '';
  const pad = level * 2;
  let out = '';
  for (const f of type.fields) {
    out += `${indent(pad, f.name)}\t<${f.type}>${f.required ? ' -required-' : ''}\n`;
    if (!recursive) {
      out += indent(pad + 2, wrapString(f.description || '<no description>', 78 - pad)) + '\n\n';
    } else if (f.ref !== undefined && !history.has(f.ref)) {
      // A schema already on the path is a cycle: the template stops there.
      out += fieldList(f.ref, level + 1, recursive, new Set([...history, f.ref]));
    }
  }
  return out;
}

/** The "description" template: the node's own description, then its referenced schema's. */
function descriptionOf(field: ExplainField | undefined, typeKey: string | undefined): string {
  let text = '';
  if (field?.description) text += field.description + '\n';
  const refDescription =
    typeKey !== undefined ? loadedSchema().types[typeKey]?.description : undefined;
  if (refDescription) text += refDescription + '\n';
  return text;
}

/** Render `kubectl explain` for a kind and a (possibly empty) field path. Throws KubectlError. */
export function explain(info: KindInfo, path: readonly string[], recursive: boolean): string {
  const { roots, types } = loadedSchema();
  const root = roots[info.kind];
  if (root === undefined)
    throw new KubectlError(
      `GVR (${info.group}/${info.version}, Resource=${info.resource}) not found in OpenAPI schema`,
    );
  let out = '';
  if (info.group) out += `GROUP:      ${info.group}\n`;
  out += `KIND:       ${info.kind}\nVERSION:    ${info.version}\n\n`;

  // The "output" template: follow the path through struct fields; lists and maps lead to
  // their element type (`pod.spec.containers.name`).
  let field: ExplainField | undefined;
  let typeKey: string | undefined = root;
  for (const name of path) {
    const next: ExplainField | undefined =
      typeKey !== undefined ? types[typeKey]?.fields.find((f) => f.name === name) : undefined;
    if (!next) throw new KubectlError(`field "${path[path.length - 1] ?? name}" does not exist`);
    field = next;
    typeKey = next.ref;
  }
  // The field line, then the (empty, see the header) enum slot and a blank line.
  if (field) out += `FIELD: ${field.name} <${field.type}>\n\n\n`;

  const description = field ? descriptionOf(field, typeKey) : descriptionOf(undefined, root);
  out += 'DESCRIPTION:\n' + indent(4, wrapString(description || '<empty>', 76)) + '\n';
  const history = new Set<string>(field && typeKey !== undefined ? [typeKey] : []);
  const fields = typeKey !== undefined ? fieldList(typeKey, 1, recursive, history) : '';
  if (fields) out += 'FIELDS:\n' + fields;
  return out + '\n';
}

/**
 * Split `deployments.apps.spec.replicas` into the longest prefix that names a resource and the
 * field path after it, as explain's SplitAndParseResourceRequestWithMatchingPrefix does.
 */
export function splitResourceRequest(arg: string): { info: KindInfo; path: string[] } {
  const parts = arg.split('.');
  for (let i = parts.length; i >= 1; i--) {
    const info = kindForResourceArg(parts.slice(0, i).join('.'));
    if (info) return { info, path: parts.slice(i) };
  }
  throw new KubectlError(`the server doesn't have a resource type "${parts[0] ?? arg}"`);
}

function runExplain(ctx: CommandContext): CommandResult {
  // Models staging/src/k8s.io/kubectl/pkg/cmd/explain/explain.go Validate and Run. (Their
  // messages end in a newline; cmdutil.CheckErr prints just one.)
  if (ctx.args.length === 0)
    throw new KubectlError(
      'You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.',
    );
  if (ctx.args.length > 1) throw new KubectlError('We accept only this format: explain RESOURCE');
  const { info, path } = splitResourceRequest(ctx.args[0]!);
  const apiVersion = ctx.flags.string('api-version');
  if (apiVersion !== '') {
    const slash = apiVersion.indexOf('/');
    const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
    const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
    const gvr = `${group}/${version}, Resource=${info.resource}`;
    // An unserved group/version has no OpenAPI document; a served one without this resource
    // fails in the template.
    if (!KINDS.some((k) => k.group === group && k.version === version))
      throw new KubectlError(`couldn't find resource for "${gvr}"`);
    if (group !== info.group || version !== info.version)
      throw new KubectlError(`GVR (${gvr}) not found in OpenAPI schema`);
  }
  return ok(explain(info, path, ctx.flags.bool('recursive')));
}

const FLAGS: FlagSpec[] = [
  {
    name: 'api-version',
    type: 'string',
    usage: 'Use given api-version (group/version) of the resource.',
  },
  {
    name: 'recursive',
    type: 'bool',
    usage:
      'When true, print the name of all the fields recursively. Otherwise, print the available fields with their description.',
  },
];

/** `kubectl explain --help` (v1.30, flags limited to the ones implemented). */
const HELP = commandHelp({
  long:
    'Describe fields and structure of various resources.\n' +
    '\n' +
    ' This command describes the fields associated with each supported API resource. Fields are identified via a simple JSONPath identifier:\n' +
    '\n' +
    '        <type>.<fieldName>[.<fieldName>]\n' +
    '        \n' +
    ' Information about each field is retrieved from the server in OpenAPI format.\n' +
    '\n' +
    'Use "kubectl api-resources" for a complete list of supported resources.',
  examples: `# Get the documentation of the resource and its fields
kubectl explain pods

# Get all the fields in the resource
kubectl explain pods --recursive

# Get the explanation for deployment in supported api versions
kubectl explain deployments --api-version=apps/v1

# Get the documentation of a specific field of a resource
kubectl explain pods.spec.containers`,
  flags: FLAGS,
  usage:
    'explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [--output=plaintext|plaintext-openapiv2] [options]',
});

export const explainCommand: KubectlCommand = {
  name: 'explain',
  short: 'Get documentation for a resource',
  help: HELP,
  flags: FLAGS,
  run: runExplain,
};
