/**
 * `kubectl get -o yaml`, byte for byte.
 *
 * kubectl marshals objects with sigs.k8s.io/yaml: JSON first, then go-yaml v2 (yaml.v2 2.4, a
 * port of libyaml's emitter). What that gives, and what this emitter reproduces:
 *  - map keys sorted at every level with yaml.v2's key order (letters before digits only after
 *    a digit, numbers inside keys compared by value: `a9` < `a10`);
 *  - 2-space indentation; a sequence under a mapping key is not indented (`- name: x` starts at
 *    the key's column); empty collections as `{}` and `[]`;
 *  - strings plain when they read back as strings; double-quoted when they would read back as
 *    something else (`""`, `"true"`, `"80"`, `"yes"`, `"2024-06-03T08:00:00Z"`: YAML 1.1
 *    booleans and timestamps count); single-quoted when plain is not allowed (leading `*`, a
 *    `: ` inside, a trailing space); literal blocks (`|`, `|-`, `|+`) for multi-line text;
 *  - long plain and quoted strings folded at the first space past column 80, continuing two
 *    spaces deeper than their key (libyaml's best_width).
 * Models yaml.v2 encode.go (stringv), resolve.go (resolve), sorter.go (keyList.Less) and
 * emitterc.go (yaml_emitter_analyze_scalar, select_scalar_style, write_*_scalar). Left out:
 * keys longer than 128 characters (libyaml's `? ` complex keys), which no Kubernetes object has.
 */

const BEST_WIDTH = 80;

// ------------------------------------------------------------------ key order (sorter.go)

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** yaml.v2 keyList.Less for two string keys. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i]!;
    const bc = br[i]!;
    if (ac === bc) {
      digits = isDigit(ac);
      continue;
    }
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ac < bc;
  }
  return ar.length < br.length;
}

/** The keys of a map in yaml.v2's order. Plain ASCII keys (nearly all) take a fast path. */
function sortedKeys(obj: Record<string, unknown>): string[] {
  const keys: string[] = [];
  let simple = true;
  for (const k in obj) {
    if (obj[k] === undefined) continue;
    keys.push(k);
    if (simple) {
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i) | 0x20; // ASCII letters, either case
        if (c < 0x61 || c > 0x7a) {
          simple = false;
          break;
        }
      }
    }
  }
  if (simple) return keys.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return keys.sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
}

// ------------------------------------------------------------------ resolve.go

const RESOLVE_MAP = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
  '',
  '~',
  'null',
  'Null',
  'NULL',
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const TIMESTAMP =
  /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?))?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Would `s`, written plain, read back as a string? (resolve("", s) == !!str, not base-60). */
function resolvesToString(s: string): boolean {
  const c = s === '' ? 'N' : s[0]!;
  const hint =
    c === '+' || c === '-' || (c >= '0' && c <= '9')
      ? 'D'
      : 'yYnNtTfFoO~'.includes(c) || s === ''
        ? 'M'
        : c === '.'
          ? '.'
          : '';
  if (hint !== '') {
    if (RESOLVE_MAP.has(s)) return false;
    if (hint === '.' && YAML_STYLE_FLOAT.test(s)) return false;
    if (hint === 'D') {
      if (TIMESTAMP.test(s)) return false;
      const plain = s.replace(/_/g, '');
      if (GO_INT.test(plain)) return false;
      if (YAML_STYLE_FLOAT.test(plain)) return false;
      if (/^-0b[01]+$/.test(plain)) return false;
    }
  }
  return !BASE60_FLOAT.test(s);
}

// ------------------------------------------------------------------ emitterc.go

const isBreakCp = (cp: number): boolean =>
  cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
const isPrintableCp = (cp: number): boolean =>
  cp === 0x0a ||
  (cp >= 0x20 && cp <= 0x7e) ||
  (cp >= 0xa0 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);

interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** yaml_emitter_analyze_scalar (block context only: kubectl's output has no flow scalars). */
function analyzeScalar(value: string): ScalarAnalysis {
  if (value.length === 0) {
    return {
      multiline: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  }
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  const n = value.length;
  for (let i = 0; i < n;) {
    const cp = value.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const ch = w === 1 ? value[i]! : value.slice(i, i + 2);
    const nextCp = i + w < n ? value.codePointAt(i + w)! : -1;
    const followedByWhitespace =
      nextCp === -1 || nextCp === 0x20 || nextCp === 0x09 || isBreakCp(nextCp);
    const last = i + w >= n;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      else if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      else if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintableCp(cp)) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreakCp(cp)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = ch === ' ' || ch === '\t' || isBreakCp(cp);
    i += w;
  }
  const r: ScalarAnalysis = {
    multiline: lineBreaks,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) r.blockPlainAllowed = false;
  if (trailingSpace) r.blockAllowed = false;
  if (breakSpace) {
    r.blockPlainAllowed = false;
    r.singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    r.blockPlainAllowed = false;
    r.singleQuotedAllowed = false;
    r.blockAllowed = false;
  }
  if (lineBreaks) r.blockPlainAllowed = false;
  if (blockIndicators) r.blockPlainAllowed = false;
  return r;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/**
 * Styles already decided, per string and context: objects repeat the same strings thousands of
 * times (`IfNotPresent`, `File`, timestamps, names), so a 10,000-pod list decides each once.
 */
const valueStyles = new Map<string, Style>();
const keyStyles = new Map<string, Style>();

function cachedStyle(s: string, simpleKey: boolean): Style {
  if (s.length > 64) return scalarStyle(s, simpleKey);
  const cache = simpleKey ? keyStyles : valueStyles;
  let style = cache.get(s);
  if (style === undefined) {
    if (cache.size > 20_000) cache.clear();
    style = scalarStyle(s, simpleKey);
    cache.set(s, style);
  }
  return style;
}

/** stringv + yaml_emitter_select_scalar_style. */
function scalarStyle(s: string, simpleKey: boolean): Style {
  let style: Style = s.includes('\n') ? 'literal' : resolvesToString(s) ? 'plain' : 'double';
  const a = analyzeScalar(s);
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if (!a.blockPlainAllowed) style = 'single';
    if (s.length === 0 && simpleKey) style = 'single';
  }
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  return style;
}

/** Writes text while tracking the column, as libyaml's emitter does. */
class Writer {
  private readonly chunks: string[] = [];
  /** Whether the current line has anything on it yet. */
  private lineStarted = false;
  /** Column in code points (the text is ASCII nearly always; recount only when it is not). */
  column = 0;

  put(s: string): void {
    if (s.length === 0) return;
    this.chunks.push(s);
    this.lineStarted = true;
    this.column += isAscii(s) ? s.length : [...s].length;
  }

  newline(): void {
    this.chunks.push('\n');
    this.lineStarted = false;
    this.column = 0;
  }

  /**
   * Start the next entry of a collection at `indent` (yaml_emitter_write_indent): a new line,
   * unless a literal block already ended with one.
   */
  next(indent: number): void {
    if (this.lineStarted) this.newline();
    if (indent > 0) this.put(spaces(indent));
  }

  /** yaml_emitter_write_indent in the middle of a scalar: a new line, then `indent` spaces. */
  indent(indent: number): void {
    this.newline();
    if (indent > 0) this.put(spaces(indent));
  }

  text(): string {
    if (this.lineStarted) this.newline();
    return this.chunks.join('');
  }
}

const SPACES: string[] = [];
function spaces(n: number): string {
  return (SPACES[n] ??= ' '.repeat(n));
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function writePlain(w: Writer, s: string, indent: number, allowBreaks: boolean): void {
  // No space can come past column 80 (or breaks are not allowed): the string goes out whole.
  if (!allowBreaks || w.column + s.length <= BEST_WIDTH || !s.includes(' ')) {
    w.put(s);
    return;
  }
  const cps = [...s];
  let spaces = false;
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    if (ch === ' ') {
      if (allowBreaks && !spaces && w.column > BEST_WIDTH && cps[i + 1] !== ' ') w.indent(indent);
      else w.put(ch);
      spaces = true;
    } else {
      w.put(ch);
      spaces = false;
    }
  }
}

function writeSingle(w: Writer, s: string, indent: number, allowBreaks: boolean): void {
  if (!allowBreaks || w.column + s.length + 1 <= BEST_WIDTH || !s.includes(' ')) {
    w.put("'" + s.replace(/'/g, "''") + "'");
    return;
  }
  const cps = [...s];
  w.put("'");
  let spaces = false;
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    if (ch === ' ') {
      if (
        allowBreaks &&
        !spaces &&
        w.column > BEST_WIDTH &&
        i > 0 &&
        i < cps.length - 1 &&
        cps[i + 1] !== ' '
      )
        w.indent(indent);
      else w.put(ch);
      spaces = true;
    } else {
      w.put(ch === "'" ? "''" : ch);
      spaces = false;
    }
  }
  w.put("'");
}

const ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

function writeDouble(w: Writer, s: string, indent: number, allowBreaks: boolean): void {
  const cps = [...s];
  w.put('"');
  let spaces = false;
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    const cp = ch.codePointAt(0)!;
    if (!isPrintableCp(cp) || cp === 0xfeff || isBreakCp(cp) || ch === '"' || ch === '\\') {
      const e = ESCAPES[cp];
      if (e !== undefined) w.put('\\' + e);
      else {
        const [tag, digits] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
        w.put(
          '\\' +
            tag +
            cp
              .toString(16)
              .toUpperCase()
              .padStart(digits as number, '0'),
        );
      }
      spaces = false;
    } else if (ch === ' ') {
      if (allowBreaks && !spaces && w.column > BEST_WIDTH && i > 0 && i < cps.length - 1) {
        w.indent(indent);
        if (cps[i + 1] === ' ') w.put('\\');
      } else w.put(ch);
      spaces = true;
    } else {
      w.put(ch);
      spaces = false;
    }
  }
  w.put('"');
}

/** yaml_emitter_write_literal_scalar with its block scalar hints. */
function writeLiteral(w: Writer, s: string, indent: number): void {
  let hints = '|';
  if (s[0] === ' ' || isBreakCp(s.codePointAt(0)!)) hints += '2';
  const last = s[s.length - 1];
  if (last === undefined || !isBreakCp(last.codePointAt(0)!)) hints += '-';
  else if (s.length === 1 || isBreakCp(s.codePointAt(s.length - 2)!)) hints += '+';
  w.put(hints);
  w.newline();
  // Each line indented; empty lines stay empty; a final break ends the block.
  const lines = s.split(/[\n\r\u0085\u2028\u2029]/);
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) w.newline();
    if (lines[i] !== '') {
      w.put(spaces(indent));
      w.put(lines[i]!);
    }
  }
}

/** A string scalar at the writer's position; `indent` is where continuation lines start. */
function writeString(w: Writer, s: string, indent: number, simpleKey: boolean): void {
  switch (cachedStyle(s, simpleKey)) {
    case 'plain':
      return writePlain(w, s, indent, !simpleKey);
    case 'single':
      return writeSingle(w, s, indent, !simpleKey);
    case 'double':
      return writeDouble(w, s, indent, !simpleKey);
    case 'literal':
      return writeLiteral(w, s, indent);
  }
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), as yaml.v2 writes floats. */
function goFloat(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = n.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${m}e${sign}${digits}`;
  }
  return String(n);
}

function isCollection(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null;
}

function isEmptyCollection(v: Record<string, unknown> | unknown[]): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) if (v[k] !== undefined) return false;
  return true;
}

/** A non-collection value inline at the writer's position. */
function writeScalar(w: Writer, v: unknown, indent: number): void {
  if (v === null || v === undefined) w.put('null');
  else if (typeof v === 'boolean') w.put(v ? 'true' : 'false');
  else if (typeof v === 'number') w.put(goFloat(v));
  else writeString(w, String(v), indent, false);
}

/** A block mapping whose first key goes at the writer's position and the others at `indent`. */
/** A key that is plain whatever the context: letters and digits, not a YAML 1.1 word. */
function isPlainKey(key: string): boolean {
  const n = key.length;
  if (n === 0 || (n <= 5 && RESOLVE_MAP.has(key))) return false;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
    if (!letter && (i === 0 || c < 0x30 || c > 0x39)) return false;
  }
  return true;
}

function writeMapping(w: Writer, obj: Record<string, unknown>, indent: number): void {
  let first = true;
  for (const key of sortedKeys(obj)) {
    if (!first) w.next(indent);
    first = false;
    const v = obj[key];
    // The common case in one write: `key: value` with a plain key and a short plain value.
    if (
      typeof v === 'string' &&
      isPlainKey(key) &&
      w.column + key.length + 2 + v.length <= BEST_WIDTH &&
      v.length <= 64 &&
      cachedStyle(v, false) === 'plain'
    ) {
      w.put(key + ': ' + v);
      continue;
    }
    if (isPlainKey(key)) w.put(key + ':');
    else {
      writeString(w, key, indent, true);
      w.put(':');
    }
    writeValue(w, v, indent);
  }
}

/** A block sequence whose first `-` goes at the writer's position and the others at `indent`. */
function writeSequence(w: Writer, list: readonly unknown[], indent: number): void {
  let first = true;
  for (const item of list) {
    if (!first) w.next(indent);
    first = false;
    w.put('-');
    if (isCollection(item) && !isEmptyCollection(item)) {
      w.put(' ');
      if (Array.isArray(item)) writeSequence(w, item, indent + 2);
      else writeMapping(w, item, indent + 2);
    } else {
      w.put(' ');
      if (isCollection(item)) w.put(Array.isArray(item) ? '[]' : '{}');
      else writeScalar(w, item, indent + 2);
    }
  }
}

/** The value after `key:` in a mapping at `indent`. */
function writeValue(w: Writer, v: unknown, indent: number): void {
  if (isCollection(v)) {
    if (isEmptyCollection(v)) {
      w.put(Array.isArray(v) ? ' []' : ' {}');
      return;
    }
    if (Array.isArray(v)) {
      // An indentless sequence: `- ` at the key's own column.
      w.next(indent);
      writeSequence(w, v, indent);
    } else {
      w.next(indent + 2);
      writeMapping(w, v, indent + 2);
    }
    return;
  }
  w.put(' ');
  writeScalar(w, v, indent + 2);
}

/** A JSON-like value as kubectl's `-o yaml` prints it (ends with a newline). */
export function toYaml(value: unknown): string {
  const w = new Writer();
  if (isCollection(value)) {
    if (isEmptyCollection(value)) return Array.isArray(value) ? '[]\n' : '{}\n';
    if (Array.isArray(value)) writeSequence(w, value, 0);
    else writeMapping(w, value, 0);
  } else writeScalar(w, value, 2);
  return w.text();
}
