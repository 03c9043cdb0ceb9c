/**
 * API errors in the API server's words. A FieldError prints like apimachinery's field.Error
 * (`spec.selector: Required value`, `metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 ...`)
 * and an ApiError carries the Status reason kubectl prints (`Error from server (NotFound): ...`).
 *
 * Store operations throw ApiError; the engine facade catches it at the boundary, so nothing ever
 * throws into the UI.
 */
import type { KindInfo } from './kinds';
import { qualifiedResource } from './kinds';

export type FieldErrorType =
  | 'Required'
  | 'Invalid'
  | 'NotSupported'
  | 'Duplicate'
  | 'Forbidden'
  | 'TooLong'
  | 'TooMany'
  | 'NotFound';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue?: unknown;
  /**
   * The bad value exactly as Go's `%#v` prints it, when formatBadValue cannot derive it from JSON
   * (typed structs such as `v1.LabelSelector{MatchLabels:...}`, nil maps `map[string]string(nil)`).
   */
  badValueText?: string;
  detail?: string;
  /** For NotSupported: the values that would have been accepted. */
  supported?: readonly string[];
}

/** Go's `%#v`-ish rendering of a bad value, as field.Error prints it. */
export function formatBadValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string'))
      return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
    return `[]interface {}{${v.map(formatBadValue).join(', ')}}`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.every(([, x]) => typeof x === 'string')) {
    const sorted = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[string]string{${sorted.map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`).join(', ')}}`;
  }
  return JSON.stringify(v);
}

export function fieldErrorString(e: FieldError): string {
  const withDetail = (s: string): string => (e.detail ? `${s}: ${e.detail}` : s);
  const bad = (): string => e.badValueText ?? formatBadValue(e.badValue);
  switch (e.type) {
    case 'Required':
      return withDetail(`${e.field}: Required value`);
    case 'Invalid':
      return withDetail(`${e.field}: Invalid value: ${bad()}`);
    case 'NotSupported': {
      let s = `${e.field}: Unsupported value: ${bad()}`;
      if (e.supported?.length)
        s += `: supported values: ${e.supported.map((x) => JSON.stringify(x)).join(', ')}`;
      return s;
    }
    case 'Duplicate':
      return `${e.field}: Duplicate value: ${bad()}`;
    case 'NotFound':
      return `${e.field}: Not found: ${bad()}`;
    case 'Forbidden':
      return withDetail(`${e.field}: Forbidden`);
    case 'TooLong':
      return withDetail(`${e.field}: Too long`);
    case 'TooMany':
      return withDetail(`${e.field}: Too many`);
  }
}

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Invalid'
  | 'Conflict'
  | 'Forbidden'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NoKindMatch'
  | 'InternalError';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly reason: StatusReason,
    readonly code: number,
    message: string,
    /** Invalid: the field errors, one per cause. */
    readonly causes: readonly FieldError[] = [],
    /** Invalid: the kind and name, for kubectl's `The Kind "name" is invalid:` header. */
    readonly details: { kind?: string; name?: string } = {},
  ) {
    super(message);
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export function notFound(info: KindInfo, name: string): ApiError {
  return new ApiError('NotFound', 404, `${qualifiedResource(info)} "${name}" not found`, [], {
    kind: info.kind,
    name,
  });
}

export function alreadyExists(info: KindInfo, name: string): ApiError {
  return new ApiError(
    'AlreadyExists',
    409,
    `${qualifiedResource(info)} "${name}" already exists`,
    [],
    {
      kind: info.kind,
      name,
    },
  );
}

export function conflict(info: KindInfo, name: string): ApiError {
  return new ApiError(
    'Conflict',
    409,
    `Operation cannot be fulfilled on ${qualifiedResource(info)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    [],
    { kind: info.kind, name },
  );
}

export function forbidden(info: KindInfo, name: string, why: string): ApiError {
  return new ApiError(
    'Forbidden',
    403,
    `${qualifiedResource(info)} "${name}" is forbidden: ${why}`,
    [],
    {
      kind: info.kind,
      name,
    },
  );
}

/**
 * 422 Invalid. The API server's message is `Deployment.apps "x" is invalid: <cause>` (several causes
 * in brackets); kubectl rewrites the header as `The Deployment "x" is invalid:` (see kubectlMessage).
 */
export function invalid(info: KindInfo, name: string, causes: readonly FieldError[]): ApiError {
  const kindGroup = info.group ? `${info.kind}.${info.group}` : info.kind;
  const list = causes.map(fieldErrorString);
  const body = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new ApiError('Invalid', 422, `${kindGroup} "${name}" is invalid: ${body}`, causes, {
    kind: info.kind,
    name,
  });
}

export function noKindMatch(kind: string, apiVersion: string): ApiError {
  return new ApiError(
    'NoKindMatch',
    404,
    `no matches for kind "${kind}" in version "${apiVersion}"`,
    [],
    { kind },
  );
}

/**
 * The text kubectl prints for an API error (pkg/cmd/util/helpers.go StandardErrorMessage):
 * `The Deployment "x" is invalid: spec.selector: Required value` for one cause, the header then
 * `* cause` lines for several, `Error from server (Reason): message` for the rest.
 */
export function kubectlMessage(e: ApiError): string {
  if (e.reason === 'Invalid' && e.details.kind) {
    const header = `The ${e.details.kind} "${e.details.name ?? ''}" is invalid: `;
    const list = e.causes.map(fieldErrorString);
    if (list.length === 1) return header + list[0];
    return header + '\n' + list.map((c) => `* ${c}`).join('\n');
  }
  if (e.reason === 'NoKindMatch') return e.message;
  return `Error from server (${e.reason}): ${e.message}`;
}
