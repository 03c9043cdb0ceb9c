/**
 * `kubectl get -o json`: Go's json.MarshalIndent(obj, "", "    ") of an unstructured object,
 * plus a newline. Map keys sorted (Go sorts map keys), 4-space indentation, empty `{}` and `[]`
 * kept compact, and Go's string escaping: `<`, `>` and `&` become `\u003c`, `\u003e`, `\u0026`
 * (encoding/json's HTML-safe default), U+2028/U+2029 are escaped, control characters use
 * `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`.
 */

const HEX = '0123456789abcdef';

/** encoding/json encodeState.string. */
/** Whether encoding/json escapes anything in `s` (control characters, quotes, HTML-unsafe). */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) return true;
    if (c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

export function goJsonString(s: string): string {
  if (!needsEscape(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      esc =
        c === 0x0a
          ? '\\n'
          : c === 0x0d
            ? '\\r'
            : c === 0x09
              ? '\\t'
              : c === 0x08
                ? '\\b'
                : c === 0x0c
                  ? '\\f'
                  : '\\u00' + HEX[c >> 4]! + HEX[c & 0xf]!;
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c) esc = '\\u003c';
    else if (c === 0x3e) esc = '\\u003e';
    else if (c === 0x26) esc = '\\u0026';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function goNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  return String(n);
}

/** Go string order of map keys (byte-wise for UTF-8; code-unit order is the same for BMP). */
function sortedKeys(obj: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const k in obj) if (obj[k] !== undefined) keys.push(k);
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A copy with every object's keys in Go's (sorted) order; undefined fields dropped. */
function sortedCopy(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = sortedCopy(v[i]);
    return out;
  }
  const obj = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys(obj)) out[k] = sortedCopy(obj[k]);
  return out;
}

const GO_ONLY_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * json.MarshalIndent(v, "", "    ") + "\n", as kubectl's JSON printer writes. JSON.stringify
 * does the layout and most escaping the way Go does (it is much faster than building the text
 * here); Go's extra HTML-safe escapes are applied after, which is safe because those characters
 * only ever occur inside strings.
 */
export function toJson(v: unknown): string {
  const text = JSON.stringify(sortedCopy(v), null, 4) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => GO_ONLY_ESCAPES[c]!) + '\n';
}

/** json.Marshal(v): compact, keys sorted (what jsonpath prints for maps and lists). */
export function toCompactJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(toCompactJson).join(',') + ']';
  const obj = v as Record<string, unknown>;
  return (
    '{' +
    sortedKeys(obj)
      .map((k) => goJsonString(k) + ':' + toCompactJson(obj[k]))
      .join(',') +
    '}'
  );
}
