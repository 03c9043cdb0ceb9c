/**
 * Label selectors: the LabelSelector object of specs (matchLabels + matchExpressions) and the
 * string form kubectl's `-l` accepts (equality- and set-based: `app=web,tier!=db,env in (a,b),
 * !canary, release`). Both compile to one matcher. Models apimachinery pkg/labels/selector.go.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1';

export type Labels = Readonly<Record<string, string>> | undefined;

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals';

export interface Requirement {
  key: string;
  op: Operator;
  values: readonly string[];
}

export interface Selector {
  readonly requirements: readonly Requirement[];
  /** True when the selector matches everything (no requirements). */
  readonly empty: boolean;
  matches(labels: Labels): boolean;
  toString(): string;
}

function matchRequirement(r: Requirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key] : undefined;
  switch (r.op) {
    case 'Equals':
    case 'In':
      return has && r.values.includes(v as string);
    case 'NotEquals':
    case 'NotIn':
      return !has || !r.values.includes(v as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

function requirementString(r: Requirement): string {
  switch (r.op) {
    case 'Equals':
      return `${r.key}=${r.values[0] ?? ''}`;
    case 'NotEquals':
      return `${r.key}!=${r.values[0] ?? ''}`;
    case 'In':
      return `${r.key} in (${[...r.values].sort().join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${[...r.values].sort().join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

export function makeSelector(requirements: readonly Requirement[]): Selector {
  // apimachinery sorts requirements by key for a canonical string.
  const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // The last frozen label map matched, and the answer: a ReplicaSet's pods share their
  // template's (frozen) labels, and its controller matches every one of them on every sync.
  let lastLabels: Labels = undefined;
  let lastMatch = false;
  return {
    requirements: sorted,
    empty: sorted.length === 0,
    // A plain loop: `every` with a closure allocated one per call, and this runs for every pod
    // a controller looks at.
    matches: (labels) => {
      if (labels !== undefined && labels === lastLabels) return lastMatch;
      let match = true;
      for (let i = 0; i < sorted.length && match; i++) match = matchRequirement(sorted[i]!, labels);
      if (labels !== undefined && Object.isFrozen(labels)) {
        lastLabels = labels;
        lastMatch = match;
      }
      return match;
    },
    toString: () => sorted.map(requirementString).join(','),
  };
}

export const EVERYTHING: Selector = makeSelector([]);

/** A selector that matches nothing (a nil LabelSelector on a Service-less lookup, for instance). */
export const NOTHING: Selector = {
  requirements: [],
  empty: false,
  matches: () => false,
  toString: () => '<none>',
};

/** Compile a spec's LabelSelector. `undefined` selects nothing, `{}` selects everything (as metav1). */
export function fromLabelSelector(sel: LabelSelector | undefined | null): Selector {
  if (!sel) return NOTHING;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {}))
    reqs.push({ key, op: 'In', values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator as Operator;
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  const s = makeSelector(reqs);
  // matchLabels print as `key=value`, as kubectl's wide SELECTOR column shows them.
  return {
    ...s,
    toString: () =>
      s.requirements
        .map((r) =>
          r.op === 'In' && r.values.length === 1 && sel.matchLabels?.[r.key] === r.values[0]
            ? `${r.key}=${r.values[0]}`
            : requirementString(r),
        )
        .join(','),
  };
}

/** Compile a Service's plain map selector (`spec.selector`). Empty or absent selects nothing. */
export function fromMap(map: Record<string, string> | undefined): Selector {
  if (!map || Object.keys(map).length === 0) return NOTHING;
  return makeSelector(
    Object.entries(map).map(([key, v]) => ({ key, op: 'Equals' as const, values: [v] })),
  );
}

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

const KEY_RE =
  /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Parse kubectl's `-l` string. Throws SelectorParseError with apimachinery's wording
 * (`unable to parse requirement: ...`) on bad input.
 */
export function parseSelector(input: string): Selector {
  const text = input.trim();
  if (text === '') return EVERYTHING;
  const parts: string[] = [];
  // Split on commas that are not inside parentheses.
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const reqs: Requirement[] = [];
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
      const values = (m[3] ?? '').split(',').map((v) => v.trim());
      reqs.push(checked({ key: m[1]!, op: m[2] === 'in' ? 'In' : 'NotIn', values }));
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(p))) {
      reqs.push(
        checked({ key: m[1]!, op: m[2] === '!=' ? 'NotEquals' : 'Equals', values: [m[3] ?? ''] }),
      );
    } else if ((m = /^!\s*([^=!\s]+)$/.exec(p))) {
      reqs.push(checked({ key: m[1]!, op: 'DoesNotExist', values: [] }));
    } else if (/^[^=!\s()]+$/.test(p)) {
      reqs.push(checked({ key: p, op: 'Exists', values: [] }));
    } else {
      throw new SelectorParseError(
        `unable to parse requirement: found '${p}', expected: identifier`,
      );
    }
  }
  return makeSelector(reqs);
}

function checked(r: Requirement): Requirement {
  if (!KEY_RE.test(r.key) || r.key.length > 316) {
    throw new SelectorParseError(
      `unable to parse requirement: <nil>: Invalid value: "${r.key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  }
  for (const v of r.values) {
    if (!VALUE_RE.test(v) || v.length > 63) {
      throw new SelectorParseError(
        `unable to parse requirement: values[0][${r.key}]: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      );
    }
  }
  return r;
}

/** `app=httpd2,tier=web` for a labels map (kubectl --show-labels uses this order: sorted keys). */
export function labelsToString(labels: Labels): string {
  if (!labels) return '<none>';
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels[k]}`).join(',');
}
