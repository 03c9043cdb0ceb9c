/**
 * kubectl's JSONPath templates (`-o jsonpath=...`, `--sort-by`, custom columns).
 *
 * Models k8s.io/client-go/util/jsonpath (parser.go, jsonpath.go) for the subset people use:
 *   {.metadata.name}            fields (`\.` escapes a dot in a key, `['a.b/c']` quotes one)
 *   {.items[0]} {.items[-1]}    indexes, slices `[1:3]`, `[*]`, unions `[0,2]`
 *   {.metadata.labels.*}        every value of a map
 *   {..name}                    recursive descent
 *   {.status.conditions[?(@.type=="Ready")].status}   filters: == != < > <= >=, or existence
 *   {range .items[*]}...{end}   loops, nestable
 *   {"\n"} {'\t'}               literal text (Go-quoted)
 *   {$} {.}                     the whole object
 * Output as the JSONPath printer writes it: the results of one action separated by spaces,
 * strings raw, numbers and booleans as Go prints them, maps and lists as compact JSON. Missing
 * keys print nothing (kubectl's --allow-missing-template-keys defaults to true); an index out of
 * range is an error, as upstream. Recursive descent visits map keys in sorted order, where Go's
 * map iteration is random.
 */
import { toCompactJson } from './printers/json';

export class JsonPathError extends Error {}

type Segment =
  | { t: 'field'; names: string[] }
  | { t: 'wildcard' }
  | { t: 'array'; params: SliceParams[] }
  | { t: 'filter'; left: Segment[]; op: string; right: Operand }
  | { t: 'recursive' };

interface SliceParams {
  start: number | undefined;
  end: number | undefined;
  step: number | undefined;
  /** `[n]` (one index) rather than a slice. */
  single: boolean;
}

type Operand =
  | { t: 'path'; segs: Segment[] }
  | { t: 'string'; value: string }
  | { t: 'number'; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'none' };

type Node =
  | { t: 'text'; text: string }
  | { t: 'path'; segs: Segment[] }
  | { t: 'range'; segs: Segment[]; body: Node[] };

export interface JsonPath {
  readonly source: string;
  readonly nodes: readonly Node[];
}

// ------------------------------------------------------------------ parsing

/** Go strconv.Unquote for the literals templates use. */
function unquote(text: string, quote: string): string {
  if (quote === "'") {
    if (text.length === 1) return text;
    // A single-quoted literal holds one character in Go; client-go accepts any text in ''.
  }
  return text.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'u':
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return e;
    }
  });
}

class Parser {
  private pos = 0;
  constructor(private readonly input: string) {}

  parse(): Node[] {
    const top: Node[] = [];
    // The stack of open ranges: each collects its body until {end}.
    const stack: Array<{ node: Extract<Node, { t: 'range' }>; outer: Node[] }> = [];
    let cur = top;
    while (this.pos < this.input.length) {
      const open = this.input.indexOf('{', this.pos);
      if (open < 0) {
        cur.push({ t: 'text', text: this.input.slice(this.pos) });
        break;
      }
      if (open > this.pos) cur.push({ t: 'text', text: this.input.slice(this.pos, open) });
      this.pos = open + 1;
      const action = this.parseAction();
      if (action === 'end') {
        const frame = stack.pop();
        if (!frame) throw new JsonPathError('not in range, nothing to end');
        cur = frame.outer;
        continue;
      }
      if (action.t === 'range') {
        cur.push(action);
        stack.push({ node: action, outer: cur });
        cur = action.body;
        continue;
      }
      cur.push(action);
    }
    return top;
  }

  private peek(s: string): boolean {
    return this.input.startsWith(s, this.pos);
  }

  /** One `{...}` action (the `{` consumed). */
  private parseAction(): Node | 'end' {
    this.skipSpaces();
    if (this.peek('"') || this.peek("'")) {
      const q = this.input[this.pos]!;
      const text = this.readQuoted(q);
      this.skipSpaces();
      this.expectClose();
      return { t: 'text', text };
    }
    const word = /^[A-Za-z][A-Za-z0-9_]*/.exec(this.input.slice(this.pos))?.[0];
    if (word === 'end') {
      this.pos += 3;
      this.skipSpaces();
      this.expectClose();
      return 'end';
    }
    if (word === 'range') {
      this.pos += 5;
      const segs = this.parsePath();
      this.expectClose();
      return { t: 'range', segs, body: [] };
    }
    if (word !== undefined) throw new JsonPathError(`unrecognized identifier ${word}`);
    const segs = this.parsePath();
    this.expectClose();
    return { t: 'path', segs };
  }

  private skipSpaces(): void {
    while (this.input[this.pos] === ' ') this.pos++;
  }

  private expectClose(): void {
    if (this.input[this.pos] !== '}') {
      if (this.pos >= this.input.length) throw new JsonPathError('unclosed action');
      const c = this.input[this.pos]!;
      throw new JsonPathError(`unrecognized character in action: ${goRuneQuote(c)}`);
    }
    this.pos++;
  }

  private readQuoted(q: string): string {
    let i = this.pos + 1;
    let raw = '';
    while (i < this.input.length && this.input[i] !== q) {
      if (this.input[i] === '\\' && i + 1 < this.input.length) {
        raw += this.input[i]! + this.input[i + 1]!;
        i += 2;
      } else raw += this.input[i++];
    }
    if (i >= this.input.length) throw new JsonPathError('unterminated quoted string');
    this.pos = i + 1;
    return unquote(raw, q);
  }

  /** Segments up to the closing `}` (not consumed). */
  private parsePath(): Segment[] {
    const segs: Segment[] = [];
    for (;;) {
      if (this.pos >= this.input.length) throw new JsonPathError('unclosed action');
      const c = this.input[this.pos]!;
      if (c === '}') return segs;
      if (c === ' ' || c === '$' || c === '@') {
        this.pos++;
        continue;
      }
      if (c === '\n' || c === '\r') throw new JsonPathError('unclosed action');
      if (this.peek('[?(')) {
        segs.push(this.parseFilter());
        continue;
      }
      if (this.peek('..')) {
        this.pos++;
        segs.push({ t: 'recursive' });
        continue;
      }
      if (c === '.') {
        this.pos++;
        if (this.input[this.pos] === '*') {
          this.pos++;
          segs.push({ t: 'wildcard' });
          continue;
        }
        const name = this.readFieldName();
        if (name !== '') segs.push({ t: 'field', names: [name] });
        continue;
      }
      if (c === '[') {
        segs.push(this.parseArray());
        continue;
      }
      throw new JsonPathError(`unrecognized character in action: ${goRuneQuote(c)}`);
    }
  }

  private readFieldName(): string {
    let name = '';
    while (this.pos < this.input.length) {
      const c = this.input[this.pos]!;
      if (c === '\\' && this.input[this.pos + 1] === '.') {
        name += '.';
        this.pos += 2;
        continue;
      }
      if (' \t\r\n.,[]$@{}()'.includes(c)) break;
      name += c;
      this.pos++;
    }
    return name;
  }

  private parseArray(): Segment {
    const close = this.input.indexOf(']', this.pos);
    if (close < 0) throw new JsonPathError('unclosed array expect ]');
    const text = this.input.slice(this.pos + 1, close).trim();
    this.pos = close + 1;
    if (text === '*') return { t: 'wildcard' };
    if (/^['"]/.test(text)) {
      const names = text.split(',').map((part) => {
        const p = part.trim();
        const q = p[0];
        if (!q || (q !== "'" && q !== '"') || p[p.length - 1] !== q || p.length < 2)
          throw new JsonPathError(`invalid array index ${text}`);
        return unquote(p.slice(1, -1), q);
      });
      return { t: 'field', names };
    }
    const params: SliceParams[] = [];
    for (const part of text.split(',')) {
      const m = /^\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?)?$/.exec(part);
      if (!m || part.trim() === '') throw new JsonPathError(`invalid array index ${part}`);
      const num = (s: string | undefined): number | undefined =>
        s === undefined ? undefined : Number(s);
      params.push({
        start: num(m[1]),
        end: num(m[2]),
        step: num(m[3]),
        single: !part.includes(':'),
      });
    }
    return { t: 'array', params };
  }

  private parseFilter(): Segment {
    const close = this.input.indexOf(')]', this.pos);
    if (close < 0) throw new JsonPathError('unclosed array expect ]');
    const body = this.input.slice(this.pos + 3, close);
    this.pos = close + 2;
    const m = /^(.*?)\s*(==|!=|>=|<=|>|<)\s*(.*)$/.exec(body);
    const leftText = m ? m[1]! : body;
    const left = new Parser(leftText.trim() + '}').parsePath();
    if (!m) return { t: 'filter', left, op: 'exists', right: { t: 'none' } };
    const rightText = m[3]!.trim();
    let right: Operand;
    if (/^['"]/.test(rightText))
      right = { t: 'string', value: unquote(rightText.slice(1, -1), '"') };
    else if (rightText === 'true' || rightText === 'false')
      right = { t: 'bool', value: rightText === 'true' };
    else if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(rightText))
      right = { t: 'number', value: Number(rightText) };
    else right = { t: 'path', segs: new Parser(rightText + '}').parsePath() };
    return { t: 'filter', left, op: m[2]!, right };
  }
}

/** Go's %#U of a character: `U+0023 '#'`. */
function goRuneQuote(c: string): string {
  const cp = c.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

/** Parse a template. Throws JsonPathError with client-go's messages. */
export function parseJsonPath(template: string): JsonPath {
  return { source: template, nodes: new Parser(template).parse() };
}

/**
 * RelaxedJSONPathExpression (kubectl get/sort.go): `.metadata.name`, `metadata.name`,
 * `{metadata.name}` and `{.metadata.name}` all mean `{.metadata.name}`.
 */
export function relaxedJsonPath(expr: string): string {
  if (expr === '') return expr;
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expr);
  if (!m) {
    throw new JsonPathError(
      "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
    );
  }
  return `{.${m[1] ?? m[2]}}`;
}

// ------------------------------------------------------------------ evaluation

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function evalSegment(input: unknown[], seg: Segment): unknown[] {
  const out: unknown[] = [];
  switch (seg.t) {
    case 'field':
      for (const v of input) {
        if (!isMap(v)) continue;
        for (const name of seg.names) if (name in v && v[name] !== undefined) out.push(v[name]);
      }
      return out;
    case 'wildcard':
      for (const v of input) {
        if (Array.isArray(v)) out.push(...v);
        else if (isMap(v)) for (const k of Object.keys(v).sort()) out.push(v[k]);
      }
      return out;
    case 'array':
      for (const v of input) {
        if (!Array.isArray(v)) continue;
        for (const p of seg.params) out.push(...evalSlice(v, p));
      }
      return out;
    case 'filter':
      for (const v of input) {
        if (!Array.isArray(v))
          throw new JsonPathError(`${goValue(v)} is not array or slice and cannot be filtered`);
        for (const item of v) if (filterPasses(item, seg)) out.push(item);
      }
      return out;
    case 'recursive':
      for (const v of input) collectRecursive(v, out);
      return out;
  }
}

function evalSlice(list: readonly unknown[], p: SliceParams): unknown[] {
  const len = list.length;
  let start = p.start ?? 0;
  if (start < 0) start += len;
  let end: number;
  if (p.single) end = start + 1;
  else {
    end = p.end ?? len;
    if (end < 0) end += len;
  }
  if (end === start) return [];
  if (start >= len || start < 0)
    throw new JsonPathError(`array index out of bounds: index ${start}, length ${len}`);
  if (end > len || end < 0)
    throw new JsonPathError(`array index out of bounds: index ${end - 1}, length ${len}`);
  if (start > end)
    throw new JsonPathError(`starting index ${start} is greater than ending index ${end}`);
  const step = p.step ?? 1;
  if (step <= 0) return [];
  const out: unknown[] = [];
  for (let i = start; i < end; i += step) out.push(list[i]);
  return out;
}

/** evalRecursive: every map or list at or below `v` (itself first), depth-first. */
function collectRecursive(v: unknown, out: unknown[]): void {
  if (Array.isArray(v)) {
    if (v.length === 0) return;
    out.push(v);
    for (const x of v) collectRecursive(x, out);
  } else if (isMap(v)) {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return;
    out.push(v);
    for (const k of keys) collectRecursive(v[k], out);
  }
}

function evalPath(data: unknown, segs: readonly Segment[]): unknown[] {
  let cur: unknown[] = [data];
  for (const s of segs) cur = evalSegment(cur, s);
  return cur;
}

function operandValues(item: unknown, o: Operand): unknown[] {
  switch (o.t) {
    case 'path':
      return evalPath(item, o.segs);
    case 'string':
    case 'number':
    case 'bool':
      return [o.value];
    case 'none':
      return [];
  }
}

function filterPasses(item: unknown, f: Extract<Segment, { t: 'filter' }>): boolean {
  const lefts = evalPath(item, f.left);
  if (f.op === 'exists') return lefts.length > 0;
  if (lefts.length === 0) return false;
  if (lefts.length > 1) throw new JsonPathError('can only compare one element at a time');
  const rights = operandValues(item, f.right);
  if (rights.length === 0) return false;
  if (rights.length > 1) throw new JsonPathError('can only compare one element at a time');
  const l = lefts[0];
  const r = rights[0];
  const comparable =
    (typeof l === 'number' && typeof r === 'number') ||
    (typeof l === 'string' && typeof r === 'string') ||
    (typeof l === 'boolean' && typeof r === 'boolean');
  if (!comparable) {
    if (f.op === '==' || f.op === '!=') {
      if (l === null || r === null) return f.op === '==' ? l === r : l !== r;
    }
    throw new JsonPathError('incompatible types for comparison');
  }
  const a = l as number | string | boolean;
  const b = r as number | string | boolean;
  switch (f.op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
  return false;
}

/** Go's fmt.Print of a JSON scalar. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return toCompactJson(v);
}

/** PrintResults: one action's values, space-separated. */
function printResults(values: readonly unknown[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    s += typeof v === 'object' && v !== null ? toCompactJson(v) : goValue(v);
    if (i !== values.length - 1) s += ' ';
  }
  return s;
}

function execNodes(nodes: readonly Node[], data: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.text;
    else if (n.t === 'path') out += printResults(evalPath(data, n.segs));
    else for (const item of evalPath(data, n.segs)) out += execNodes(n.body, item);
  }
  return out;
}

/** Run a template against an object. Throws JsonPathError (index out of range, bad filter). */
export function executeJsonPath(path: JsonPath, data: unknown): string {
  return execNodes(path.nodes, data);
}

/** The values of a template's first path action (what --sort-by and custom columns read). */
export function findValues(path: JsonPath, data: unknown): unknown[] {
  const out: unknown[] = [];
  for (const n of path.nodes) if (n.t === 'path') out.push(...evalPath(data, n.segs));
  return out;
}
