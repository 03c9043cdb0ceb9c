/**
 * Validation in the API server's words: what `kubectl apply` prints when a manifest is wrong.
 *
 * Two stages, as in kube-apiserver:
 *  1. Decoding (`strictDecodeError`): the request body is decoded into the typed object with
 *     strict field validation, the default of kubectl >= 1.27 (`--validate=strict`, server-side).
 *     Unknown fields fail as `strict decoding error: unknown field "spec.replica"`, wrong JSON types
 *     as `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
 *     int32`, both under `Deployment in version "v1" cannot be handled as a Deployment: ...`
 *     (400 BadRequest). The field names come from field-tree.ts, generated from kubernetes-types.
 *  2. Validation (`validateObject`, `validateObjectUpdate`): the registry strategy's Validate and
 *     ValidateUpdate, returning field errors that become one 422 Invalid
 *     (`The Deployment "x" is invalid: spec.selector: Required value`).
 *
 * Models (v1.30): apimachinery pkg/util/validation (IsDNS1123Label, IsQualifiedName, ...),
 * pkg/api/validation/objectmeta.go (ValidateObjectMeta), pkg/apis/meta/v1/validation
 * (ValidateLabels, ValidateLabelSelector), pkg/apis/core/validation/validation.go (ValidatePodSpec,
 * validateContainers, validateContainerPorts, validateProbe, ValidateService, ValidateConfigMap,
 * ValidateSecret, ValidateNamespace), pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec,
 * ValidateReplicaSetSpec, ValidateDaemonSetSpec, ValidatePodTemplateSpecForReplicaSet,
 * ValidateRollingUpdateDeployment), pkg/apis/networking/validation (ValidateIngress) and the
 * selector immutability checks in pkg/registry/apps/{deployment,replicaset,daemonset}/strategy.go.
 * Error order follows upstream; Go map iteration (random upstream) is replaced by sorted keys.
 *
 * Left out, and why:
 *  - Pod spec immutability on update (`pod updates may not change fields other than ...`): not
 *    enforced yet (the scheduler binds through the binding subresource, store.bindPod).
 *  - The Service rules that belong to allocation (clusterIPs immutability, NodePort ranges and
 *    conflicts, IP family checks): service-allocation.ts reports them.
 *  - Security contexts, affinity, topology spread, volume source internals beyond required
 *    names, seccomp/AppArmor annotations: no behaviour in the simulation depends on them.
 *  - Go's `%#v` of typed values is reproduced for the values learners meet (label selectors,
 *    int-or-strings, label maps, service ports); rarer types print as JSON.
 */
import type { FieldError } from './errors';
import { ApiError } from './errors';
import { base64ErrorOffset, externallyAccessible } from './defaults';
import { FIELD_TREE_ROOTS, FIELD_TREE_STRUCTS } from './field-tree';
import { kindInfo } from './kinds';
import { formatQuantity, parseQuantity, tryParseQuantity } from './quantity';
import { fromLabelSelector } from './selectors';
import type { KObject } from './types';
import { deepClone, deepFreeze, sameJson } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) out[k] = typeof x === 'string' ? x : String(x);
  return out;
};
const sortedKeys = (v: unknown): string[] => Object.keys(obj(v)).sort(byteOrder);
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ------------------------------------------------------------------------- field.Error builders

const required = (field: string, detail = ''): FieldError =>
  detail ? { type: 'Required', field, detail } : { type: 'Required', field };
const invalid = (field: string, badValue: unknown, detail: string, text?: string): FieldError =>
  text === undefined
    ? { type: 'Invalid', field, badValue, detail }
    : { type: 'Invalid', field, badValue, detail, badValueText: text };
const notSupported = (
  field: string,
  badValue: unknown,
  supported: readonly string[],
): FieldError => ({
  type: 'NotSupported',
  field,
  badValue,
  supported,
});
const duplicate = (field: string, badValue: unknown, text?: string): FieldError =>
  text === undefined
    ? { type: 'Duplicate', field, badValue }
    : { type: 'Duplicate', field, badValue, badValueText: text };
const forbidden = (field: string, detail: string): FieldError => ({
  type: 'Forbidden',
  field,
  detail,
});
const notFound = (field: string, badValue: unknown): FieldError => ({
  type: 'NotFound',
  field,
  badValue,
});

// ------------------------------------------------------------------------- apimachinery messages

/** validation.RegexError: the message, the examples, the regex. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = msg + ' (e.g. ';
  examples.forEach((e, i) => {
    if (i > 0) s += ' or ';
    s += `'${e}', `;
  });
  return s + `regex used for validation is '${fmt}')`;
}
export const maxLenError = (n: number): string => `must be no more than ${n} characters`;
export const inclusiveRangeError = (lo: number, hi: number): string =>
  `must be between ${lo} and ${hi}, inclusive`;
const EMPTY_ERROR = 'must be non-empty';
export const IS_NEGATIVE_ERROR = 'must be greater than or equal to 0';
export const FIELD_IMMUTABLE = 'field is immutable';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const ENV_VAR_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const ENV_VAR_MSG =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
const PERCENT_FMT = '[0-9]+%';
const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'";
export const VALID_IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const VALID_CIDR_MSG = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const DNS1123_LABEL_RE = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN_RE = anchored(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL_RE = anchored(DNS1035_LABEL_FMT);
const QUALIFIED_NAME_RE = anchored(QUALIFIED_NAME_FMT);
const LABEL_VALUE_RE = anchored(LABEL_VALUE_FMT);
const CONFIG_KEY_RE = anchored(CONFIG_KEY_FMT);
const ENV_VAR_RE = anchored(ENV_VAR_FMT);
const PERCENT_RE = anchored(PERCENT_FMT);

/** The answer of a check that passed (shared: callers only read it). */
const NONE: readonly string[] = Object.freeze([]);

export function isDNS1123Label(v: string): readonly string[] {
  if (v.length <= 63 && DNS1123_LABEL_RE.test(v)) return NONE;
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(v))
    errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  return errs;
}

export function isDNS1123Subdomain(v: string): readonly string[] {
  if (v.length <= 253 && DNS1123_SUBDOMAIN_RE.test(v)) return NONE;
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(v))
    errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

export function isDNS1035Label(v: string): readonly string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!DNS1035_LABEL_RE.test(v))
    errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

function isWildcardDNS1123Subdomain(v: string): readonly string[] {
  const fmt = `\\*\\.${DNS1123_SUBDOMAIN_FMT}`;
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!anchored(fmt).test(v))
    errs.push(
      regexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        fmt,
        '*.example.com',
      ),
    );
  return errs;
}

export function isQualifiedName(v: string): readonly string[] {
  // The common, valid case first, without allocating.
  const slash = v.indexOf('/');
  if (slash < 0) {
    if (v.length <= 63 && QUALIFIED_NAME_RE.test(v)) return NONE;
  } else if (
    slash === v.lastIndexOf('/') &&
    slash <= 253 &&
    v.length - slash - 1 <= 63 &&
    DNS1123_SUBDOMAIN_RE.test(v.slice(0, slash)) &&
    QUALIFIED_NAME_RE.test(v.slice(slash + 1))
  ) {
    return NONE;
  }
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part ' + EMPTY_ERROR);
    else for (const m of isDNS1123Subdomain(prefix)) errs.push('prefix part ' + m);
  } else {
    return [
      'a qualified name ' +
        regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc') +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part ' + EMPTY_ERROR);
  else if (name.length > 63) errs.push('name part ' + maxLenError(63));
  if (!QUALIFIED_NAME_RE.test(name))
    errs.push(
      'name part ' +
        regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc'),
    );
  return errs;
}

export function isValidLabelValue(v: string): readonly string[] {
  if (v.length <= 63 && LABEL_VALUE_RE.test(v)) return NONE;
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(v))
    errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

export function isValidPortNum(n: number): readonly string[] {
  return n >= 1 && n <= 65535 ? NONE : [inclusiveRangeError(1, 65535)];
}

/** IANA_SVC_NAME (RFC 6335): what container port names and named targetPorts must be. */
export function isValidPortName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(v))
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (v.length > 0 && (v.startsWith('-') || v.endsWith('-')))
    errs.push('must not begin or end with a hyphen');
  return errs;
}

function hasChDirPrefix(v: string): string[] {
  if (v === '.') return ["must not be '.'"];
  if (v === '..') return ["must not be '..'"];
  if (v.startsWith('..')) return ["must not start with '..'"];
  return [];
}

export function isConfigMapKey(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!CONFIG_KEY_RE.test(v))
    errs.push(regexError(CONFIG_KEY_MSG, CONFIG_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  return [...errs, ...hasChDirPrefix(v)];
}

function isEnvVarName(v: string): string[] {
  const errs: string[] = [];
  if (!ENV_VAR_RE.test(v))
    errs.push(regexError(ENV_VAR_MSG, ENV_VAR_FMT, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  return [...errs, ...hasChDirPrefix(v)];
}

function isValidPercent(v: string): string[] {
  return PERCENT_RE.test(v) ? [] : [regexError(PERCENT_MSG, PERCENT_FMT, '1%', '93%')];
}

export function isIPv4(v: string): boolean {
  const parts = v.split('.');
  return (
    parts.length === 4 &&
    parts.every(
      (p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255 && (p.length === 1 || p[0] !== '0'),
    )
  );
}

export function isIPv6(v: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(v) || !v.includes(':')) return false;
  let s = v;
  let groups = 8;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = s.split('::');
  if (dbl.length > 2) return false;
  const hexGroups = (part: string): string[] | undefined => {
    if (part === '') return [];
    const g = part.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const head = hexGroups(dbl[0]!);
  if (!head) return false;
  if (dbl.length === 1) return head.length === groups;
  const tail = hexGroups(dbl[1]!);
  if (!tail) return false;
  groups -= 1; // `::` stands for at least one group
  return head.length + tail.length <= groups;
}

export const isValidIP = (v: string): boolean => isIPv4(v) || isIPv6(v);

function isValidCIDR(v: string): boolean {
  const slash = v.indexOf('/');
  if (slash < 0) return false;
  const ip = v.slice(0, slash);
  const bits = v.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bits)) return false;
  if (isIPv4(ip)) return Number(bits) <= 32;
  if (isIPv6(ip)) return Number(bits) <= 128;
  return false;
}

/** apimachinery NameIsDNSSubdomain & friends: `prefix` masks one trailing dash (generateName). */
type NameFn = (name: string, prefix: boolean) => readonly string[];
const maskTrailingDash = (name: string): string =>
  name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name;
export const nameIsDNSSubdomain: NameFn = (n, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(n) : n);
export const nameIsDNSLabel: NameFn = (n, prefix) =>
  isDNS1123Label(prefix ? maskTrailingDash(n) : n);
export const nameIsDNS1035Label: NameFn = (n, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(n) : n);

// ------------------------------------------------------------------------- Go %#v renderings

const goQuote = (s: string): string => JSON.stringify(s);

/** `map[string]string{"app":"web"}`, or `map[string]string(nil)` for an absent map. */
export function goStringMap(v: unknown): string {
  if (!isObj(v)) return 'map[string]string(nil)';
  const m = strMap(v);
  const entries = Object.keys(m)
    .sort(byteOrder)
    .map((k) => `${goQuote(k)}:${goQuote(m[k]!)}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function goStringSlice(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((x) => goQuote(str(x))).join(', ')}}`;
}

/** `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]...(nil)}`. */
export function goLabelSelector(v: unknown): string {
  const sel = obj(v);
  const exprs = Array.isArray(sel.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map((e) => {
          const r = obj(e);
          return `v1.LabelSelectorRequirement{Key:${goQuote(str(r.key))}, Operator:${goQuote(str(r.operator))}, Values:${goStringSlice(r.values)}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`. */
export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${num(v)}, StrVal:""}`;
}

// ------------------------------------------------------------------------- strict decoding

/** Fields that are int64 in Go (for `of type int64` in decode errors); the rest are int32. */
const INT64_FIELDS = new Set([
  'activeDeadlineSeconds',
  'deletionGracePeriodSeconds',
  'expirationSeconds',
  'fsGroup',
  'generation',
  'observedGeneration',
  'runAsGroup',
  'runAsUser',
  'supplementalGroups',
  'terminationGracePeriodSeconds',
  'tolerationSeconds',
]);

function goTypeOf(code: string, field: string): string {
  if (code.startsWith('[]')) return '[]' + goTypeOf(code.slice(2), field);
  if (code.startsWith('{}')) return 'map[string]' + goTypeOf(code.slice(2), field);
  switch (code) {
    case 's':
      return 'string';
    case 'i':
      return INT64_FIELDS.has(field) ? 'int64' : 'int32';
    case 'b':
      return 'bool';
    case 'ios':
      return 'intstr.IntOrString';
    case 'q':
      return 'resource.Quantity';
    case 'y':
      return 'uint8';
    case 'any':
      return 'interface {}';
  }
  return 'v1.' + bareStruct(code);
}

const bareStruct = (key: string): string => key.slice(key.lastIndexOf('.') + 1);

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return 'object';
}

interface DecodeState {
  unknown: string[];
  typeError?: string;
}

/**
 * Walk a value against its type code. `path` is the strict-error path (with `[i]` indexes),
 * `goPath` the encoding/json path (without), `struct` and `field` name the Go struct field.
 */
function decodeValue(
  v: unknown,
  code: string,
  path: string,
  goPath: string,
  struct: string,
  field: string,
  st: DecodeState,
): void {
  if (v === null || v === undefined) return; // JSON null decodes to the zero value
  const typeError = (detail?: string): void => {
    if (st.typeError !== undefined) return;
    const what = detail ?? jsonKind(v);
    st.typeError = `json: cannot unmarshal ${what} into Go struct field ${bareStruct(struct)}.${goPath} of type ${goTypeOf(code, field)}`;
  };
  if (code.startsWith('[]')) {
    if (code === '[]y') {
      if (typeof v !== 'string') typeError();
      return;
    }
    if (!Array.isArray(v)) return typeError();
    const elem = code.slice(2);
    v.forEach((x, i) => decodeValue(x, elem, `${path}[${i}]`, goPath, struct, field, st));
    return;
  }
  if (code.startsWith('{}')) {
    if (!isObj(v)) return typeError();
    const elem = code.slice(2);
    for (const k of Object.keys(v).sort(byteOrder)) {
      if (elem === 'y') {
        const s = v[k];
        if (s === null || s === undefined) continue;
        if (typeof s !== 'string') {
          if (st.typeError === undefined)
            st.typeError = `json: cannot unmarshal ${jsonKind(s)} into Go struct field ${bareStruct(struct)}.${goPath} of type []uint8`;
          continue;
        }
        const bad = base64ErrorOffset(s);
        if (bad >= 0 && st.typeError === undefined)
          st.typeError = `illegal base64 data at input byte ${bad}`;
        continue;
      }
      decodeValue(v[k], elem, `${path}[${k}]`, goPath, struct, field, st);
    }
    return;
  }
  switch (code) {
    case 'any':
      return;
    case 's':
      if (typeof v !== 'string') typeError();
      return;
    case 'b':
      if (typeof v !== 'boolean') typeError();
      return;
    case 'i': {
      if (typeof v !== 'number') return typeError();
      const wide = INT64_FIELDS.has(field);
      const [lo, hi] = wide ? [-(2 ** 63), 2 ** 63 - 1] : [-(2 ** 31), 2 ** 31 - 1];
      if (!Number.isInteger(v) || v < lo || v > hi) typeError(`number ${v}`);
      return;
    }
    case 'ios':
      if (typeof v === 'string') return;
      if (typeof v !== 'number') {
        // intstr.IntOrString.UnmarshalJSON hands non-strings to an int32 decode.
        if (st.typeError === undefined)
          st.typeError = `json: cannot unmarshal ${jsonKind(v)} into Go value of type int32`;
        return;
      }
      if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1) {
        if (st.typeError === undefined)
          st.typeError = `json: cannot unmarshal number ${v} into Go value of type int32`;
      }
      return;
    case 'q':
      if (typeof v !== 'string' && typeof v !== 'number') {
        if (st.typeError === undefined) st.typeError = quantityError(v);
        return;
      }
      try {
        parseQuantity(v);
      } catch (e) {
        if (st.typeError === undefined) st.typeError = e instanceof Error ? e.message : String(e);
      }
      return;
  }
  // A struct.
  const fields = Object.hasOwn(FIELD_TREE_STRUCTS, code) ? FIELD_TREE_STRUCTS[code] : undefined;
  if (!fields) return;
  if (!isObj(v)) return typeError();
  for (const k of Object.keys(v).sort(byteOrder)) {
    const childPath = path ? `${path}.${k}` : k;
    const fieldCode = Object.hasOwn(fields, k) ? fields[k] : undefined;
    if (fieldCode === undefined) {
      st.unknown.push(childPath);
      continue;
    }
    decodeValue(v[k], fieldCode, childPath, goPath ? `${goPath}.${k}` : k, code, k, st);
  }
}

function quantityError(v: unknown): string {
  try {
    parseQuantity(String(v));
  } catch (e) {
    if (e instanceof Error) return e.message;
  }
  return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
}

/**
 * The fast check every write takes: does the value decode cleanly? Allocation-free; only when it
 * says no does decodeValue walk again to word the error. (Compiled lazily from the field tree.)
 */
type Ty =
  | { k: 's' | 'i' | 'b' | 'ios' | 'q' | 'any' | 'y' | 'bytesMap' }
  | { k: 'list' | 'map'; elem: Ty }
  | { k: 'struct'; fields: Map<string, Ty> | undefined; code: string };

const compiled = new Map<string, Ty>();

function tyOf(code: string): Ty {
  let t = compiled.get(code);
  if (t) return t;
  if (code === '{}y') t = { k: 'bytesMap' };
  else if (code === '[]y') t = { k: 'y' };
  else if (code.startsWith('[]')) t = { k: 'list', elem: tyOf(code.slice(2)) };
  else if (code.startsWith('{}')) t = { k: 'map', elem: tyOf(code.slice(2)) };
  else if (code === 's' || code === 'i' || code === 'b' || code === 'ios' || code === 'q')
    t = { k: code };
  else if (FIELD_TREE_STRUCTS[code]) t = { k: 'struct', fields: undefined, code };
  else t = { k: 'any' };
  compiled.set(code, t);
  return t;
}

function structFields(t: { fields: Map<string, Ty> | undefined; code: string }): Map<string, Ty> {
  if (!t.fields) {
    t.fields = new Map();
    for (const [name, code] of Object.entries(FIELD_TREE_STRUCTS[t.code] ?? {}))
      t.fields.set(name, tyOf(code));
  }
  return t.fields;
}

const INT32_MAX = 2 ** 31 - 1;

function decodesCleanly(v: unknown, t: Ty): boolean {
  if (v === null || v === undefined) return true;
  switch (t.k) {
    case 'any':
      return true;
    case 's':
      return typeof v === 'string';
    case 'b':
      return typeof v === 'boolean';
    case 'i':
      // Wider int64 ranges are left to the careful walk.
      return typeof v === 'number' && Number.isInteger(v) && v >= -INT32_MAX - 1 && v <= INT32_MAX;
    case 'ios':
      return (
        typeof v === 'string' ||
        (typeof v === 'number' && Number.isInteger(v) && v >= -INT32_MAX - 1 && v <= INT32_MAX)
      );
    case 'q':
      return (typeof v === 'string' || typeof v === 'number') && tryParseQuantity(v) !== undefined;
    case 'y':
      return typeof v === 'string';
    case 'bytesMap': {
      if (!isObj(v)) return false;
      for (const k in v) {
        const s = v[k];
        if (s !== null && s !== undefined && (typeof s !== 'string' || base64ErrorOffset(s) >= 0))
          return false;
      }
      return true;
    }
    case 'list': {
      if (!Array.isArray(v)) return false;
      for (const x of v) if (!decodesCleanly(x, t.elem)) return false;
      return true;
    }
    case 'map': {
      if (!isObj(v)) return false;
      for (const k in v) if (!decodesCleanly(v[k], t.elem)) return false;
      return true;
    }
    case 'struct': {
      if (!isObj(v)) return false;
      const fields = structFields(t);
      for (const k in v) {
        const ft = fields.get(k);
        if (ft === undefined || !decodesCleanly(v[k], ft)) return false;
      }
      return true;
    }
  }
}

/**
 * The decode step of a write: undefined if the object decodes strictly into its kind's type,
 * otherwise the 400 BadRequest the API server answers. Kinds without a field tree pass.
 */
export function strictDecodeError(o: KObject): ApiError | undefined {
  const root = Object.hasOwn(FIELD_TREE_ROOTS, o.kind) ? FIELD_TREE_ROOTS[o.kind] : undefined;
  if (!root) return undefined;
  if (decodesCleanly(o, tyOf(root))) return undefined;
  const st: DecodeState = { unknown: [] };
  decodeValue(o, root, '', '', root, '', st);
  let cause: string;
  if (st.typeError !== undefined) cause = st.typeError;
  else if (st.unknown.length > 0)
    cause = `strict decoding error: ${st.unknown.map((p) => `unknown field ${goQuote(p)}`).join(', ')}`;
  else return undefined;
  const info = kindInfo(o.kind);
  const version = info?.version ?? 'v1';
  return new ApiError(
    'BadRequest',
    400,
    `${o.kind} in version ${goQuote(version)} cannot be handled as a ${o.kind}: ${cause}`,
    [],
    { kind: o.kind, name: typeof o.metadata?.name === 'string' ? o.metadata.name : '' },
  );
}

/**
 * Whether the object, leaving out its top-level field `skip`, decodes cleanly into its kind's
 * type: what `strictDecodeError` of a copy without that field would call clean, without making
 * the copy. (A pod stamped from a template, whose spec is known to decode, checks the rest.)
 */
export function decodesCleanlyWithout(o: KObject, skip: string): boolean {
  const root = Object.hasOwn(FIELD_TREE_ROOTS, o.kind) ? FIELD_TREE_ROOTS[o.kind] : undefined;
  if (!root) return true;
  const t = tyOf(root);
  if (t.k !== 'struct') return false;
  const fields = structFields(t);
  for (const k in o) {
    if (k === skip) continue;
    const ft = fields.get(k);
    if (ft === undefined || !decodesCleanly(o[k], ft)) return false;
  }
  return true;
}

/** The unknown field paths alone (`spec.replica`), for editor markers. */
export function unknownFields(o: KObject): string[] {
  const root = Object.hasOwn(FIELD_TREE_ROOTS, o.kind) ? FIELD_TREE_ROOTS[o.kind] : undefined;
  if (!root) return [];
  const st: DecodeState = { unknown: [] };
  decodeValue(o, root, '', '', root, '', st);
  return st.unknown;
}

// ------------------------------------------------------------------------- metadata

/**
 * Frozen label maps that validated without errors. Validation is a pure function of the map,
 * and a frozen one never changes: the pods a ReplicaSet stamps out share their template's.
 */
const validLabelMaps = new WeakSet<object>();

export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (isObj(labels) && validLabelMaps.has(labels)) return [];
  const errs = checkLabels(labels, path);
  if (errs.length === 0 && isObj(labels) && Object.isFrozen(labels)) validLabelMaps.add(labels);
  return errs;
}

function checkLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj(labels);
  for (const k of sortedKeys(m)) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    const v = str(m[k]);
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

const ANNOTATIONS_LIMIT = 256 * 1024;

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (annotations === undefined || annotations === null) return []; // (no keys: nothing to check)
  const errs: FieldError[] = [];
  const m = obj(annotations);
  let size = 0;
  for (const k of sortedKeys(m)) {
    // QualifiedName, except that case does not matter.
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    size += k.length + str(m[k]).length;
  }
  if (size > ANNOTATIONS_LIMIT)
    errs.push({
      type: 'TooLong',
      field: path,
      detail: `must have at most ${ANNOTATIONS_LIMIT} bytes`,
    });
  return errs;
}

/**
 * The last few name checks and their messages: a ReplicaSet creates its pods one after the other
 * with one generateName, in one namespace. (The checks are pure functions of the name.)
 */
const nameChecks: Array<{ fn: NameFn; value: string; prefix: boolean; msgs: readonly string[] }> =
  [];

function lastNameCheck(fn: NameFn, value: string, prefix: boolean): readonly string[] {
  for (const c of nameChecks)
    if (c.fn === fn && c.value === value && c.prefix === prefix) return c.msgs;
  const msgs = fn(value, prefix);
  nameChecks.unshift({ fn, value, prefix, msgs });
  if (nameChecks.length > 4) nameChecks.pop();
  return msgs;
}

export function validateObjectMeta(
  metaIn: unknown,
  requiresNamespace: boolean,
  nameFn: NameFn,
  path = 'metadata',
): FieldError[] {
  const meta = obj(metaIn);
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName);
  if (generateName)
    for (const msg of lastNameCheck(nameFn, generateName, true))
      errs.push(invalid(`${path}.generateName`, generateName, msg));
  const name = str(meta.name);
  if (!name) errs.push(required(`${path}.name`, 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalid(`${path}.name`, name, msg));
  const ns = str(meta.namespace);
  if (requiresNamespace) {
    if (!ns) errs.push(required(`${path}.namespace`));
    else
      for (const msg of lastNameCheck(nameIsDNSLabel, ns, false))
        errs.push(invalid(`${path}.namespace`, ns, msg));
  } else if (ns) {
    errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  if (num(meta.generation) < 0)
    errs.push(invalid(`${path}.generation`, meta.generation, IS_NEGATIVE_ERROR));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  return errs;
}

function nonNegative(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v < 0 ? [invalid(path, v, IS_NEGATIVE_ERROR)] : [];
}

// ------------------------------------------------------------------------- label selectors

/** metav1 validation.ValidateLabelSelector (invalid label values not allowed). */
export function validateLabelSelector(selIn: unknown, path: string): FieldError[] {
  if (!isObj(selIn)) return [];
  const errs = validateLabels(selIn.matchLabels, `${path}.matchLabels`);
  arr(selIn.matchExpressions).forEach((e, i) => {
    const r = obj(e);
    const p = `${path}.matchExpressions[${i}]`;
    const values = arr(r.values);
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          errs.push(
            required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
          );
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          errs.push(
            forbidden(
              `${p}.values`,
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        break;
      default:
        errs.push(invalid(`${p}.operator`, str(r.operator), 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(str(r.key))) errs.push(invalid(`${p}.key`, str(r.key), msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(str(v)))
        errs.push(invalid(`${p}.values[${j}]`, str(v), msg));
    });
  });
  return errs;
}

/** metav1.LabelSelectorAsSelector: 'nothing' for nil, 'error' if it would not convert. */
function selectorOf(
  sel: unknown,
):
  | { kind: 'nothing' }
  | { kind: 'error' }
  | { kind: 'ok'; empty: boolean; matches: (l: Record<string, string>) => boolean } {
  if (!isObj(sel)) return { kind: 'nothing' };
  if (validateLabelSelector(sel, 'x').length > 0) return { kind: 'error' };
  const compiled = fromLabelSelector({
    matchLabels: strMap(sel.matchLabels),
    matchExpressions: arr(sel.matchExpressions).map((e) => {
      const r = obj(e);
      return { key: str(r.key), operator: str(r.operator), values: arr(r.values).map(str) };
    }),
  });
  return { kind: 'ok', empty: compiled.empty, matches: (l) => compiled.matches(l) };
}

// ------------------------------------------------------------------------- pods

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
/** The order validateVolumeSource looks at volume types. */
const VOLUME_TYPES = [
  'hostPath',
  'emptyDir',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function validateVolumes(
  volumes: unknown,
  path: string,
): { names: Set<string>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(volumes).forEach((v, i) => {
    const vol = obj(v);
    const p = `${path}[${i}]`;
    const el: FieldError[] = [];
    let found = 0;
    for (const t of VOLUME_TYPES) {
      if (vol[t] === undefined || vol[t] === null) continue;
      if (found > 0) {
        el.push(forbidden(`${p}.${t}`, 'may not specify more than 1 volume type'));
        continue;
      }
      found++;
      const src = obj(vol[t]);
      if (t === 'configMap' && !str(src.name)) el.push(required(`${p}.configMap.name`));
      if (t === 'secret' && !str(src.secretName)) el.push(required(`${p}.secret.secretName`));
      if (t === 'hostPath' && !str(src.path)) el.push(required(`${p}.hostPath.path`));
      if (t === 'persistentVolumeClaim' && !str(src.claimName))
        el.push(required(`${p}.persistentVolumeClaim.claimName`));
    }
    if (found === 0) el.push(required(p, 'must specify a volume type'));
    const name = str(vol.name);
    if (!name) el.push(required(`${p}.name`));
    else for (const msg of isDNS1123Label(name)) el.push(invalid(`${p}.name`, name, msg));
    if (names.has(name)) el.push(duplicate(`${p}.name`, name));
    if (el.length === 0) names.add(name);
    else errs.push(...el);
  });
  return { names, errs };
}

function validatePortNumOrName(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPortName(v).map((m) => invalid(path, v, m));
  return isValidPortNum(num(v)).map((m) => invalid(path, num(v), m));
}

function validateHandler(h: Obj, path: string, required_: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const t of ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep']) {
    if (!isObj(h[t])) continue;
    if (n > 0) {
      errs.push(forbidden(`${path}.${t}`, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const a = h[t] as Obj;
    const p = `${path}.${t}`;
    if (t === 'exec' && arr(a.command).length === 0) errs.push(required(`${p}.command`));
    if (t === 'httpGet') {
      if (!str(a.path)) errs.push(required(`${p}.path`));
      errs.push(...validatePortNumOrName(a.port, `${p}.port`));
      const scheme = str(a.scheme);
      if (scheme !== 'HTTP' && scheme !== 'HTTPS')
        errs.push(notSupported(`${p}.scheme`, scheme, ['HTTP', 'HTTPS']));
    }
    if (t === 'tcpSocket') errs.push(...validatePortNumOrName(a.port, `${p}.port`));
    if (t === 'grpc')
      errs.push(...isValidPortNum(num(a.port)).map((m) => invalid(`${p}.port`, num(a.port), m)));
  }
  if (n === 0 && required_) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(
  probeIn: unknown,
  path: string,
  kind: 'liveness' | 'readiness' | 'startup',
): FieldError[] {
  if (!isObj(probeIn)) return [];
  const p = probeIn;
  const errs = validateHandler(p, path, true);
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ])
    errs.push(...nonNegative(p[f], `${path}.${f}`));
  const grace = p.terminationGracePeriodSeconds;
  if (kind === 'readiness' && grace !== undefined && grace !== null)
    errs.push(
      forbidden(`${path}.terminationGracePeriodSeconds`, 'must not be set for readinessProbes'),
    );
  else if (typeof grace === 'number' && grace <= 0)
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than 0'));
  if (kind !== 'readiness' && p.successThreshold !== undefined && num(p.successThreshold) !== 1)
    errs.push(invalid(`${path}.successThreshold`, num(p.successThreshold), 'must be 1'));
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function validateResources(resIn: unknown, path: string): FieldError[] {
  const res = obj(resIn);
  const errs: FieldError[] = [];
  const limits = obj(res.limits);
  const requests = obj(res.requests);
  const checkName = (name: string, p: string): void => {
    if (!name.includes('/')) {
      if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-'))
        errs.push(invalid(p, name, 'must be a standard resource for containers'));
    } else {
      for (const msg of isQualifiedName(name)) errs.push(invalid(p, name, msg));
    }
  };
  const checkValue = (q: unknown, p: string): void => {
    const parsed = tryParseQuantity(q);
    if (parsed && parsed.nanos < 0n)
      errs.push(invalid(p, formatQuantity(parsed), IS_NEGATIVE_ERROR));
  };
  for (const name of sortedKeys(limits)) {
    const p = `${path}.limits[${name}]`;
    checkName(name, p);
    checkValue(limits[name], p);
  }
  for (const name of sortedKeys(requests)) {
    const p = `${path}.requests[${name}]`;
    checkName(name, p);
    checkValue(requests[name], p);
    const req = tryParseQuantity(requests[name]);
    const lim = Object.hasOwn(limits, name) ? tryParseQuantity(limits[name]) : undefined;
    if (!req || !lim) continue;
    const overcommit = STANDARD_CONTAINER_RESOURCES.has(name);
    if (!overcommit && req.nanos !== lim.nanos)
      errs.push(
        invalid(
          `${path}.requests`,
          formatQuantity(req),
          `must be equal to ${name} limit of ${formatQuantity(lim)}`,
        ),
      );
    else if (req.nanos > lim.nanos)
      errs.push(
        invalid(
          `${path}.requests`,
          formatQuantity(req),
          `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`,
        ),
      );
  }
  return errs;
}

function validateEnv(envIn: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(envIn).forEach((e, i) => {
    const ev = obj(e);
    const p = `${path}[${i}]`;
    const name = str(ev.name);
    if (!name) errs.push(required(`${p}.name`));
    else for (const msg of isEnvVarName(name)) errs.push(invalid(`${p}.name`, name, msg));
    if (!isObj(ev.valueFrom)) return;
    const from = ev.valueFrom;
    const vp = `${p}.valueFrom`;
    if (str(ev.value) !== '')
      errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter(
      (k) => isObj(from[k]),
    );
    if (sources.length === 0)
      errs.push(
        invalid(
          vp,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    else if (sources.length > 1)
      errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
    for (const k of ['configMapKeyRef', 'secretKeyRef']) {
      if (!isObj(from[k])) continue;
      const ref = from[k] as Obj;
      if (!str(ref.name)) errs.push(required(`${vp}.${k}.name`));
      const key = str(ref.key);
      if (!key) errs.push(required(`${vp}.${k}.key`));
      else for (const msg of isConfigMapKey(key)) errs.push(invalid(`${vp}.${k}.key`, key, msg));
    }
    if (isObj(from.fieldRef)) {
      const fp = str(from.fieldRef.fieldPath);
      if (!fp) errs.push(required(`${vp}.fieldRef.fieldPath`));
    }
  });
  return errs;
}

function validateContainerPorts(portsIn: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(portsIn).forEach((pIn, i) => {
    const port = obj(pIn);
    const p = `${path}[${i}]`;
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalid(`${p}.name`, name, m));
      else if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
    const cp = num(port.containerPort);
    if (cp === 0) errs.push(required(`${p}.containerPort`));
    else for (const m of isValidPortNum(cp)) errs.push(invalid(`${p}.containerPort`, cp, m));
    const hp = num(port.hostPort);
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(invalid(`${p}.hostPort`, hp, m));
    const proto = str(port.protocol);
    if (!proto) errs.push(required(`${p}.protocol`));
    else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(`${p}.protocol`, proto, PROTOCOLS));
  });
  return errs;
}

/** validateContainerCommon: what init and regular containers share. */
function validateContainerCommon(c: Obj, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(required(`${path}.name`));
  else for (const msg of isDNS1123Label(name)) errs.push(invalid(`${path}.name`, name, msg));
  if (!str(c.image)) errs.push(required(`${path}.image`));
  const tmp = str(c.terminationMessagePolicy);
  if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp))
    errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  const mountPaths = new Set<string>();
  arr(c.volumeMounts).forEach((m, i) => {
    const mnt = obj(m);
    const p = `${path}.volumeMounts[${i}]`;
    const mname = str(mnt.name);
    if (!mname) errs.push(required(`${p}.name`));
    if (!volumes.has(mname)) errs.push(notFound(`${p}.name`, mname));
    const mp = str(mnt.mountPath);
    if (!mp) errs.push(required(`${p}.mountPath`));
    if (mountPaths.has(mp)) errs.push(invalid(`${p}.mountPath`, mp, 'must be unique'));
    mountPaths.add(mp);
  });
  const pull = str(c.imagePullPolicy);
  if (!pull) errs.push(required(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(pull))
    errs.push(notSupported(`${path}.imagePullPolicy`, pull, PULL_POLICIES));
  errs.push(...validateResources(c.resources, `${path}.resources`));
  return errs;
}

function validateContainers(
  containersIn: unknown,
  initNames: Set<string>,
  volumes: Set<string>,
  path: string,
): FieldError[] {
  const list = arr(containersIn);
  if (list.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const hostPorts = new Set<string>();
  list.forEach((cIn, i) => {
    const c = obj(cIn);
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, p));
    const name = str(c.name);
    if (names.has(name) || initNames.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    if (isObj(c.lifecycle)) {
      for (const k of ['postStart', 'preStop'])
        if (isObj(c.lifecycle[k]))
          errs.push(...validateHandler(c.lifecycle[k] as Obj, `${p}.lifecycle.${k}`, true));
    }
    errs.push(...validateProbe(c.livenessProbe, `${p}.livenessProbe`, 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, `${p}.readinessProbe`, 'readiness'));
    errs.push(...validateProbe(c.startupProbe, `${p}.startupProbe`, 'startup'));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null)
      errs.push(forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
  });
  // checkHostPortConflicts across all containers.
  list.forEach((cIn, i) => {
    arr(obj(cIn).ports).forEach((pIn, j) => {
      const port = obj(pIn);
      const hp = num(port.hostPort);
      if (hp === 0) return;
      const key = `${str(port.hostIP)}/${str(port.protocol)}/${hp}`;
      if (hostPorts.has(key)) errs.push(duplicate(`${path}[${i}].ports[${j}].hostPort`, key));
      else hostPorts.add(key);
    });
  });
  return errs;
}

function validateInitContainers(
  list: unknown,
  volumes: Set<string>,
  path: string,
): {
  names: Set<string>;
  errs: FieldError[];
} {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(list).forEach((cIn, i) => {
    const c = obj(cIn);
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    const restartable = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && c.restartPolicy !== null && !restartable)
      errs.push(notSupported(`${p}.restartPolicy`, str(c.restartPolicy), ['Always']));
    if (!restartable) {
      for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'])
        if (c[k] !== undefined && c[k] !== null)
          errs.push(
            forbidden(
              `${p}.${k}`,
              'may not be set for init containers without restartPolicy=Always',
            ),
          );
    }
  });
  return { names, errs };
}

function validateTolerations(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(list).forEach((tIn, i) => {
    const t = obj(tIn);
    const p = `${path}[${i}]`;
    const key = str(t.key);
    const op = str(t.operator);
    const effect = str(t.effect);
    if (key) for (const msg of isQualifiedName(key)) errs.push(invalid(`${p}.key`, key, msg));
    if (!key && op !== 'Exists')
      errs.push(
        invalid(
          `${p}.operator`,
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute')
      errs.push(
        invalid(
          `${p}.effect`,
          effect,
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(str(t.value));
      if (msgs.length > 0) errs.push(invalid(`${p}.operator`, str(t.value), msgs.join(';')));
    } else if (op === 'Exists') {
      if (str(t.value))
        errs.push(
          invalid(
            `${p}.operator`,
            t,
            "value must be empty when `operator` is 'Exists'",
            JSON.stringify(t),
          ),
        );
    } else {
      errs.push(notSupported(`${p}.operator`, op, ['Equal', 'Exists']));
    }
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect))
      errs.push(
        notSupported(`${p}.effect`, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
      );
  });
  return errs;
}

/** ValidatePodSpec (the parts the simulation has behaviour for, in upstream order). */
/**
 * Pod specs that validated without errors, with their path, as frozen copies: a Deployment's
 * template is validated when it is created, again in its ReplicaSet, and the Deployments of a
 * cluster often share one spec. A spec equal to one of these key for key (sameJson) validates
 * without errors too: validatePodSpec is a pure function of the spec and path.
 */
const cleanSpecs: Array<{ spec: unknown; path: string }> = [];
const CLEAN_SPECS = 8;

export function validatePodSpec(specIn: unknown, path: string): FieldError[] {
  for (const c of cleanSpecs) if (c.path === path && sameJson(c.spec, specIn)) return [];
  const errs = checkPodSpec(specIn, path);
  if (errs.length === 0) {
    cleanSpecs.unshift({ spec: deepFreeze(deepClone(specIn)), path });
    if (cleanSpecs.length > CLEAN_SPECS) cleanSpecs.pop();
  }
  return errs;
}

function checkPodSpec(specIn: unknown, path: string): FieldError[] {
  const spec = obj(specIn);
  const { names: volumes, errs } = validateVolumes(spec.volumes, `${path}.volumes`);
  const init = validateInitContainers(spec.initContainers, volumes, `${path}.initContainers`);
  errs.push(...init.errs);
  errs.push(...validateContainers(spec.containers, init.names, volumes, `${path}.containers`));
  const restart = str(spec.restartPolicy);
  if (!restart) errs.push(required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(restart))
    errs.push(notSupported(`${path}.restartPolicy`, restart, RESTART_POLICIES));
  const dns = str(spec.dnsPolicy);
  if (!dns) errs.push(required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dns))
    errs.push(notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  const sa = str(spec.serviceAccountName);
  if (sa)
    for (const msg of isDNS1123Subdomain(sa))
      errs.push(invalid(`${path}.serviceAccountName`, sa, msg));
  const node = str(spec.nodeName);
  if (node)
    for (const msg of isDNS1123Subdomain(node)) errs.push(invalid(`${path}.nodeName`, node, msg));
  if (typeof spec.activeDeadlineSeconds === 'number') {
    const v = spec.activeDeadlineSeconds;
    if (v < 1 || v > 2147483647)
      errs.push(invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, 2147483647)));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec[f]);
    if (v) for (const msg of isDNS1123Label(v)) errs.push(invalid(`${path}.${f}`, v, msg));
  }
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  const pc = str(spec.priorityClassName);
  if (pc)
    for (const msg of isDNS1123Subdomain(pc))
      errs.push(invalid(`${path}.priorityClassName`, pc, msg));
  const pp = spec.preemptionPolicy;
  if (pp !== undefined && pp !== null && pp !== 'Never' && pp !== 'PreemptLowerPriority')
    errs.push(notSupported(`${path}.preemptionPolicy`, str(pp), ['Never', 'PreemptLowerPriority']));
  return errs;
}

/** ValidatePodTemplateSpec: note upstream's `template.labels` path (not metadata.labels). */
function validatePodTemplateSpec(templateIn: unknown, path: string): FieldError[] {
  const template = obj(templateIn);
  const meta = obj(template.metadata);
  return [
    ...validateLabels(meta.labels, `${path}.labels`),
    ...validateAnnotations(meta.annotations, `${path}.annotations`),
    ...validatePodSpec(template.spec, `${path}.spec`),
  ];
}

export function validatePod(o: KObject): FieldError[] {
  const errs = validatePodMetadata(o);
  errs.push(...validatePodSpecOnCreate(o.spec));
  return errs;
}

/** The metadata half of validatePod. */
export function validatePodMetadata(o: KObject): FieldError[] {
  return validateObjectMeta(o.metadata, true, nameIsDNSSubdomain);
}

/**
 * The spec half of validatePod: a pure function of the spec, so pods stamped from one template
 * can share its result (api-strategies.ts).
 */
export function validatePodSpecOnCreate(spec: unknown): FieldError[] {
  const errs = validatePodSpec(spec, 'spec');
  if (arr(obj(spec).ephemeralContainers).length > 0)
    errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  return errs;
}

// ------------------------------------------------------------------------- workloads

/** ValidatePodTemplateSpecForReplicaSet (Deployments and ReplicaSets). */
function validateTemplateForReplicaSet(
  templateIn: unknown,
  selector: ReturnType<typeof selectorOf>,
  kindName: string,
): FieldError[] {
  const template = obj(templateIn);
  const labels = obj(template.metadata).labels;
  const errs: FieldError[] = [];
  // A nil selector converts to labels.Nothing(), which is not Empty() and matches nothing.
  const mismatch =
    selector.kind === 'nothing' ||
    (selector.kind === 'ok' && !selector.empty && !selector.matches(strMap(labels)));
  if (mismatch)
    errs.push(
      invalid(
        'spec.template.metadata.labels',
        labels,
        '`selector` does not match template `labels`',
        goStringMap(labels),
      ),
    );
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const restart = str(obj(template.spec).restartPolicy);
  if (restart !== 'Always')
    errs.push(notSupported('spec.template.spec.restartPolicy', restart, ['Always']));
  if (
    obj(template.spec).activeDeadlineSeconds !== undefined &&
    obj(template.spec).activeDeadlineSeconds !== null
  )
    errs.push(
      forbidden(
        'spec.template.spec.activeDeadlineSeconds',
        `activeDeadlineSeconds in ${kindName} is not Supported`,
      ),
    );
  return errs;
}

function validateSelectorField(spec: Obj, kindWord: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(spec.selector)) {
    errs.push(required('spec.selector'));
    return errs;
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const sel = spec.selector;
  if (Object.keys(obj(sel.matchLabels)).length + arr(sel.matchExpressions).length === 0)
    errs.push(
      invalid(
        'spec.selector',
        sel,
        `empty selector is invalid for ${kindWord}`,
        goLabelSelector(sel),
      ),
    );
  return errs;
}

/** ValidatePositiveIntOrPercent + getIntOrPercentValue. */
function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string')
    return isValidPercent(v).map((m) => invalid(path, v, m, goIntOrString(v)));
  if (typeof v === 'number') return nonNegative(v, path);
  return [];
}
function intOrPercentValue(v: unknown): number {
  if (typeof v === 'string') return PERCENT_RE.test(v) ? Number(v.slice(0, -1)) : 0;
  return num(v);
}
function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'string' || !PERCENT_RE.test(v) || Number(v.slice(0, -1)) <= 100) return [];
  return [invalid(path, v, 'must not be greater than 100%', goIntOrString(v))];
}

function validateDeploymentStrategy(strategyIn: unknown): FieldError[] {
  const strategy = obj(strategyIn);
  const path = 'spec.strategy';
  switch (strategy.type) {
    case 'Recreate':
      if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null)
        return [
          forbidden(
            `${path}.rollingUpdate`,
            "may not be specified when strategy `type` is 'Recreate'",
          ),
        ];
      return [];
    case 'RollingUpdate': {
      if (!isObj(strategy.rollingUpdate))
        return [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      const ru = strategy.rollingUpdate;
      const p = `${path}.rollingUpdate`;
      const errs = [
        ...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
      ];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0)
        errs.push(
          invalid(
            `${p}.maxUnavailable`,
            ru.maxUnavailable,
            'may not be 0 when `maxSurge` is 0',
            goIntOrString(ru.maxUnavailable),
          ),
        );
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      return errs;
    }
    default: {
      const ru = isObj(strategy.rollingUpdate)
        ? '(*apps.RollingUpdateDeployment)(0xc000a1b2c0)'
        : '(*apps.RollingUpdateDeployment)(nil)';
      return [
        {
          type: 'NotSupported',
          field: path,
          badValue: strategy,
          badValueText: `apps.DeploymentStrategy{Type:${goQuote(str(strategy.type))}, RollingUpdate:${ru}}`,
          supported: ['Recreate', 'RollingUpdate'],
        },
      ];
    }
  }
}

/** ValidateDeployment: metadata, then ValidateDeploymentSpec. */
export function validateDeployment(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, true, nameIsDNSSubdomain);
  const spec = obj(o.spec);
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelectorField(spec, 'deployment'));
  const sel = selectorOf(spec.selector);
  if (sel.kind === 'error')
    errs.push(
      invalid(
        'spec.selector',
        spec.selector,
        'invalid label selector',
        goLabelSelector(spec.selector),
      ),
    );
  else errs.push(...validateTemplateForReplicaSet(spec.template, sel, 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(spec.strategy));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= num(spec.minReadySeconds))
      errs.push(
        invalid(
          'spec.progressDeadlineSeconds',
          spec.progressDeadlineSeconds,
          'must be greater than minReadySeconds',
        ),
      );
  }
  return errs;
}

/** ValidateReplicaSet. Upstream reuses the Deployment's wording for the empty selector. */
export function validateReplicaSet(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, true, nameIsDNSSubdomain);
  const spec = obj(o.spec);
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateSelectorField(spec, 'deployment'));
  const sel = selectorOf(spec.selector);
  if (sel.kind === 'error')
    errs.push(
      invalid(
        'spec.selector',
        spec.selector,
        'invalid label selector',
        goLabelSelector(spec.selector),
      ),
    );
  else errs.push(...validateTemplateForReplicaSet(spec.template, sel, 'ReplicaSet'));
  return errs;
}

function validateDaemonSetUpdateStrategy(strategyIn: unknown): FieldError[] {
  const strategy = obj(strategyIn);
  const path = 'spec.updateStrategy';
  switch (strategy.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      if (!isObj(strategy.rollingUpdate)) return [required(`${path}.rollingUpdate`)];
      const ru = strategy.rollingUpdate;
      const p = `${path}.rollingUpdate`;
      const errs = [
        ...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
        ...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...notMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`),
      ];
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge)
        errs.push(
          invalid(
            `${p}.maxSurge`,
            ru.maxSurge,
            'may not be set when maxUnavailable is non-zero',
            goIntOrString(ru.maxSurge),
          ),
        );
      else if (!hasUnavailable && !hasSurge)
        errs.push(required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default: {
      const ru = isObj(strategy.rollingUpdate)
        ? '(*apps.RollingUpdateDaemonSet)(0xc000a1b2c0)'
        : '(*apps.RollingUpdateDaemonSet)(nil)';
      return [
        {
          type: 'NotSupported',
          field: path,
          badValue: strategy,
          badValueText: `apps.DaemonSetUpdateStrategy{Type:${goQuote(str(strategy.type))}, RollingUpdate:${ru}}`,
          supported: ['RollingUpdate', 'OnDelete'],
        },
      ];
    }
  }
}

/** ValidateDaemonSet (no `Required` for a nil selector upstream: only the labels mismatch). */
export function validateDaemonSet(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, true, nameIsDNSSubdomain);
  const spec = obj(o.spec);
  const template = obj(spec.template);
  const labels = obj(template.metadata).labels;
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const sel = selectorOf(spec.selector);
  if (sel.kind === 'nothing' || (sel.kind === 'ok' && !sel.matches(strMap(labels))))
    errs.push(
      invalid(
        'spec.template.metadata.labels',
        labels,
        '`selector` does not match template `labels`',
        goStringMap(labels),
      ),
    );
  if (isObj(spec.selector)) {
    const s = spec.selector;
    if (Object.keys(obj(s.matchLabels)).length + arr(s.matchExpressions).length === 0)
      errs.push(
        invalid('spec.selector', s, 'empty selector is invalid for daemonset', goLabelSelector(s)),
      );
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const restart = str(obj(template.spec).restartPolicy);
  if (restart !== 'Always')
    errs.push(notSupported('spec.template.spec.restartPolicy', restart, ['Always']));
  if (
    obj(template.spec).activeDeadlineSeconds !== undefined &&
    obj(template.spec).activeDeadlineSeconds !== null
  )
    errs.push(
      forbidden(
        'spec.template.spec.activeDeadlineSeconds',
        'activeDeadlineSeconds in DaemonSet is not Supported',
      ),
    );
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateDaemonSetUpdateStrategy(spec.updateStrategy));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

/** The registry strategies' selector immutability (apps/v1). */
function selectorImmutable(o: KObject, old: KObject): FieldError[] {
  const sel = obj(o.spec).selector;
  const oldSel = obj(old.spec).selector;
  if (JSON.stringify(normalizeSelector(sel)) === JSON.stringify(normalizeSelector(oldSel)))
    return [];
  return [
    invalid('spec.selector', sel, FIELD_IMMUTABLE, isObj(sel) ? goLabelSelector(sel) : 'null'),
  ];
}

function normalizeSelector(v: unknown): unknown {
  if (!isObj(v)) return null;
  const ml = strMap(v.matchLabels);
  return {
    matchLabels: Object.keys(ml)
      .sort(byteOrder)
      .map((k) => [k, ml[k]]),
    matchExpressions: arr(v.matchExpressions).map((e) => {
      const r = obj(e);
      return [str(r.key), str(r.operator), arr(r.values).map(str)];
    }),
  };
}

// ------------------------------------------------------------------------- services

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function isHeadlessService(spec: Obj): boolean {
  const ips = arr(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

function goServicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

/** ValidateService (minus the allocation-owned parts; see the module header). */
export function validateService(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, true, nameIsDNS1035Label);
  const spec = obj(o.spec);
  const type = str(spec.type);
  const ports = arr(spec.ports).map(obj);
  const headless = isHeadlessService(spec) || spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  switch (type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (headless)
        errs.push(
          invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`),
        );
      break;
    case 'ExternalName': {
      if (arr(spec.clusterIPs).length > 0)
        errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (arr(spec.ipFamilies).length > 0)
        errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null)
        errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = str(spec.externalName).replace(/\.$/, '');
      if (cname)
        for (const msg of isDNS1123Subdomain(cname))
          errs.push(invalid('spec.externalName', cname, msg));
      else errs.push(required('spec.externalName'));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((sp, i) => {
    const p = `spec.ports[${i}]`;
    const name = str(sp.name);
    if (ports.length > 1 && !name) errs.push(required(`${p}.name`));
    else if (name) {
      for (const msg of isDNS1123Label(name)) errs.push(invalid(`${p}.name`, name, msg));
      if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
    for (const m of isValidPortNum(num(sp.port))) errs.push(invalid(`${p}.port`, num(sp.port), m));
    const proto = str(sp.protocol);
    if (!proto) errs.push(required(`${p}.protocol`));
    else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(`${p}.protocol`, proto, PROTOCOLS));
    errs.push(...validatePortNumOrName(sp.targetPort, `${p}.targetPort`));
    if (typeof sp.appProtocol === 'string')
      for (const msg of isQualifiedName(sp.appProtocol))
        errs.push(invalid(`${p}.appProtocol`, sp.appProtocol, msg));
  });
  if (isObj(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (!affinity) errs.push(required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None')
    errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const when = 'when session affinity type is ClientIP';
    const cfg = spec.sessionAffinityConfig;
    if (!isObj(cfg)) errs.push(required('spec.sessionAffinityConfig', when));
    else if (!isObj(cfg.clientIP)) errs.push(required('spec.sessionAffinityConfig.clientIP', when));
    else if (typeof cfg.clientIP.timeoutSeconds !== 'number')
      errs.push(required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', when));
    else {
      const t = cfg.clientIP.timeoutSeconds;
      if (t <= 0 || t > 86400)
        errs.push(
          invalid(
            'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
            t,
            'must be greater than 0 and less than 86400',
          ),
        );
    }
  } else if (
    affinity === 'None' &&
    spec.sessionAffinityConfig !== undefined &&
    spec.sessionAffinityConfig !== null
  ) {
    errs.push(
      forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'),
    );
  }
  // ValidateServiceClusterIPsRelatedFields: the syntax of what the user asked for.
  if (type !== 'ExternalName') {
    const clusterIP = str(spec.clusterIP);
    const ips = arr(spec.clusterIPs).map(str);
    if (clusterIP) {
      if (ips.length === 0) errs.push(required('spec.clusterIPs'));
      else if (ips[0] !== clusterIP)
        errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
    } else if (ips.length > 0) {
      errs.push(invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
    }
    ips.forEach((ip, i) => {
      if (i === 0 && ip === 'None') {
        if (ips.length > 1)
          errs.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
        return;
      }
      if (!isValidIP(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, VALID_IP_MSG));
    });
    if (ips.length > 2) errs.push(invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  }
  arr(spec.externalIPs).forEach((ip, i) => {
    if (!isValidIP(str(ip))) errs.push(invalid(`spec.externalIPs[${i}]`, str(ip), VALID_IP_MSG));
  });
  if (!type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', type, SERVICE_TYPES));
  if (type === 'ClusterIP')
    ports.forEach((sp, i) => {
      if (num(sp.nodePort) !== 0)
        errs.push(
          forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"),
        );
    });
  const nodePorts = new Set<string>();
  ports.forEach((sp, i) => {
    const np = num(sp.nodePort);
    if (np === 0) return;
    const key = `${str(sp.protocol)}/${np}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, np));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((sp, i) => {
    const key = `${str(sp.protocol)}/${num(sp.port)}`;
    if (seen.has(key))
      errs.push(
        duplicate(`spec.ports[${i}]`, sp, goServicePortKey(str(sp.protocol), num(sp.port))),
      );
    seen.add(key);
  });
  const ranges = arr(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    // Upstream's path really is capitalised here.
    if (type !== 'LoadBalancer')
      errs.push(
        forbidden(
          'spec.LoadBalancerSourceRanges',
          "may only be used when `type` is 'LoadBalancer'",
        ),
      );
    ranges.forEach((r, i) => {
      const v = str(r).trim();
      if (!isValidCIDR(v))
        errs.push(invalid(`spec.LoadBalancerSourceRanges[${i}]`, v, VALID_CIDR_MSG));
    });
  }
  if (
    spec.allocateLoadBalancerNodePorts !== undefined &&
    spec.allocateLoadBalancerNodePorts !== null &&
    type !== 'LoadBalancer'
  )
    errs.push(
      forbidden(
        'spec.allocateLoadBalancerNodePorts',
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp)
      errs.push(
        invalid(
          'spec.externalTrafficPolicy',
          etp,
          'may only be set for externally-accessible services',
        ),
      );
  } else if (!etp) errs.push(required('spec.externalTrafficPolicy'));
  else if (etp !== 'Cluster' && etp !== 'Local')
    errs.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  const hc = num(spec.healthCheckNodePort);
  const needsHC = type === 'LoadBalancer' && etp === 'Local';
  if (!needsHC && hc !== 0)
    errs.push(
      invalid(
        'spec.healthCheckNodePort',
        hc,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  if (needsHC && hc !== 0)
    for (const m of isValidPortNum(hc)) errs.push(invalid('spec.healthCheckNodePort', hc, m));
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    if (type === 'ClusterIP' || type === 'NodePort' || type === 'LoadBalancer')
      errs.push(required('spec.internalTrafficPolicy'));
  } else if (itp !== 'Cluster' && itp !== 'Local') {
    errs.push(notSupported('spec.internalTrafficPolicy', str(itp), ['Cluster', 'Local']));
  }
  return errs;
}

// ------------------------------------------------------------------------- config and the rest

function validateDataKeys(
  data: unknown,
  path: string,
  other?: unknown,
  otherName?: string,
): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of sortedKeys(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`${path}[${k}]`, k, msg));
    if (otherName && isObj(other) && Object.hasOwn(other, k))
      errs.push(invalid(`${path}[${k}]`, k, `duplicate of key present in ${otherName}`));
  }
  return errs;
}

export function validateConfigMap(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateDataKeys(o.data, 'data'));
  errs.push(...validateDataKeys(o.binaryData, 'binaryData', o.data, 'data'));
  return errs;
}

export function validateSecret(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateDataKeys(o.data, 'data'));
  const data = obj(o.data);
  switch (o.type) {
    case 'kubernetes.io/tls':
      for (const k of ['tls.crt', 'tls.key'])
        if (!Object.hasOwn(data, k)) errs.push(required(`data[${k}]`));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!Object.hasOwn(data, '.dockerconfigjson')) errs.push(required('data[.dockerconfigjson]'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!Object.hasOwn(data, 'username') && !Object.hasOwn(data, 'password'))
        errs.push(required('data[username]'), required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!Object.hasOwn(data, 'ssh-privatekey')) errs.push(required('data[ssh-privatekey]'));
      break;
  }
  return errs;
}

/** ConfigMap and Secret `immutable: true`. */
function validateImmutableData(o: KObject, old: KObject): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  const msg = 'field is immutable when `immutable` is set';
  if (o.immutable !== true) errs.push(forbidden('immutable', msg));
  for (const f of ['data', 'binaryData']) {
    if (JSON.stringify(sortedEntries(o[f])) !== JSON.stringify(sortedEntries(old[f])))
      errs.push(forbidden(f, msg));
  }
  return errs;
}
const sortedEntries = (v: unknown): unknown[] => sortedKeys(v).map((k) => [k, obj(v)[k]]);

export function validateNamespace(o: KObject): FieldError[] {
  return validateObjectMeta(o.metadata, false, nameIsDNSLabel);
}

const INGRESS_PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateIngressBackend(bIn: unknown, path: string): FieldError[] {
  const b = obj(bIn);
  const hasResource = isObj(b.resource);
  const hasService = isObj(b.service);
  if (hasResource && hasService)
    return [invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) return [];
  if (!hasService) return [invalid(path, '', 'resource or service backend is required')];
  const svc = b.service as Obj;
  const errs: FieldError[] = [];
  const name = str(svc.name);
  if (!name) errs.push(required(`${path}.service.name`));
  else
    for (const msg of isDNS1035Label(name)) errs.push(invalid(`${path}.service.name`, name, msg));
  const port = obj(svc.port);
  const pname = str(port.name);
  const pnum = num(port.number);
  if (pname && pnum) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (pname)
    for (const m of isValidPortName(pname))
      errs.push(invalid(`${path}.service.port.name`, pname, m));
  else if (pnum)
    for (const m of isValidPortNum(pnum))
      errs.push(invalid(`${path}.service.port.number`, pnum, m));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

export function validateIngress(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, true, nameIsDNSSubdomain);
  const spec = obj(o.spec);
  const rules = arr(spec.rules);
  if (rules.length === 0 && !isObj(spec.defaultBackend))
    errs.push(
      invalid(
        'spec',
        rules,
        'either `defaultBackend` or `rules` must be specified',
        '[]networking.IngressRule(nil)',
      ),
    );
  if (isObj(spec.defaultBackend))
    errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  const cls = spec.ingressClassName;
  if (typeof cls === 'string')
    for (const msg of isDNS1123Subdomain(cls))
      errs.push(invalid('spec.ingressClassName', cls, msg));
  rules.forEach((rIn, i) => {
    const r = obj(rIn);
    const p = `spec.rules[${i}]`;
    const host = str(r.host);
    if (host) {
      if (isValidIP(host))
        errs.push(invalid(`${p}.host`, host, 'must be a DNS name, not an IP address'));
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const m of msgs) errs.push(invalid(`${p}.host`, host, m));
    }
    if (!isObj(r.http)) return;
    const paths = arr(r.http.paths);
    if (paths.length === 0) errs.push(required(`${p}.http.paths`));
    paths.forEach((hpIn, j) => {
      const hp = obj(hpIn);
      const pp = `${p}.http.paths[${j}]`;
      const pathType = hp.pathType;
      const path = str(hp.path);
      if (pathType === undefined || pathType === null) {
        errs.push(required(`${pp}.pathType`, 'pathType must be specified'));
        return;
      }
      if (pathType === 'Exact' || pathType === 'Prefix') {
        if (!path.startsWith('/'))
          errs.push(invalid(`${pp}.path`, path, 'must be an absolute path'));
        for (const seq of ['//', '/./', '/../', '%2f', '%2F'])
          if (path.includes(seq))
            errs.push(invalid(`${pp}.path`, path, `must not contain '${seq}'`));
        for (const suf of ['/..', '/.'])
          if (path.endsWith(suf))
            errs.push(invalid(`${pp}.path`, path, `cannot end with '${suf}'`));
      } else if (pathType === 'ImplementationSpecific') {
        if (path && !path.startsWith('/'))
          errs.push(invalid(`${pp}.path`, path, 'must be an absolute path'));
      } else {
        errs.push(notSupported(`${pp}.pathType`, str(pathType), INGRESS_PATH_TYPES));
      }
      errs.push(...validateIngressBackend(hp.backend, `${pp}.backend`));
    });
  });
  return errs;
}

export function validateIngressClass(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, false, nameIsDNSSubdomain);
  const controller = str(obj(o.spec).controller);
  if (!controller) errs.push(required('spec.controller'));
  return errs;
}

export function validateEndpointSlice(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, true, nameIsDNSSubdomain);
  const at = str(o.addressType);
  const types = ['FQDN', 'IPv4', 'IPv6'];
  if (!at) errs.push(required('addressType'));
  else if (!types.includes(at)) errs.push(notSupported('addressType', at, types));
  arr(o.ports).forEach((pIn, i) => {
    const p = obj(pIn);
    if (typeof p.port === 'number')
      for (const m of isValidPortNum(p.port)) errs.push(invalid(`ports[${i}].port`, p.port, m));
  });
  return errs;
}

export function validateEndpoints(o: KObject): FieldError[] {
  const errs = validateObjectMeta(o.metadata, true, nameIsDNSSubdomain);
  arr(o.subsets).forEach((ssIn, i) => {
    const ss = obj(ssIn);
    for (const key of ['addresses', 'notReadyAddresses'])
      arr(ss[key]).forEach((aIn, j) => {
        const ip = str(obj(aIn).ip);
        if (!isValidIP(ip)) errs.push(invalid(`subsets[${i}].${key}[${j}].ip`, ip, VALID_IP_MSG));
      });
    arr(ss.ports).forEach((pIn, j) => {
      const p = obj(pIn);
      for (const m of isValidPortNum(num(p.port)))
        errs.push(invalid(`subsets[${i}].ports[${j}].port`, num(p.port), m));
    });
  });
  return errs;
}

// ------------------------------------------------------------------------- dispatch

/** Strategy.Validate for any served kind (metadata only for kinds without their own rules). */
export function validateObject(o: KObject): FieldError[] {
  switch (o.kind) {
    case 'Pod':
      return validatePod(o);
    case 'Deployment':
      return validateDeployment(o);
    case 'ReplicaSet':
      return validateReplicaSet(o);
    case 'DaemonSet':
      return validateDaemonSet(o);
    case 'Service':
      return validateService(o);
    case 'ConfigMap':
      return validateConfigMap(o);
    case 'Secret':
      return validateSecret(o);
    case 'Namespace':
      return validateNamespace(o);
    case 'Node':
      return validateObjectMeta(o.metadata, false, nameIsDNSSubdomain);
    case 'Ingress':
      return validateIngress(o);
    case 'IngressClass':
      return validateIngressClass(o);
    case 'EndpointSlice':
      return validateEndpointSlice(o);
    case 'Endpoints':
      return validateEndpoints(o);
    default: {
      const info = kindInfo(o.kind);
      return validateObjectMeta(o.metadata, info?.namespaced ?? true, nameIsDNSSubdomain);
    }
  }
}

/** Strategy.ValidateUpdate: the create rules plus what may not change. */
export function validateObjectUpdate(o: KObject, old: KObject): FieldError[] {
  switch (o.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return [...validateObject(o), ...selectorImmutable(o, old)];
    case 'ConfigMap':
    case 'Secret':
      return [...validateImmutableData(o, old), ...validateObject(o)];
    default:
      return validateObject(o);
  }
}

/**
 * Only the metadata rules of a kind: what an update that leaves the body (spec, data, ...) as it
 * was stored needs, since the stored body passed validation already.
 */
export function validateMetadataOnly(o: KObject): FieldError[] {
  switch (o.kind) {
    case 'Service':
      return validateObjectMeta(o.metadata, true, nameIsDNS1035Label);
    case 'Namespace':
      return validateObjectMeta(o.metadata, false, nameIsDNSLabel);
    default: {
      const info = kindInfo(o.kind);
      return validateObjectMeta(o.metadata, info?.namespaced ?? true, nameIsDNSSubdomain);
    }
  }
}
