/**
 * Light syntax colouring for the YAML kubectl prints (`toYaml` in the engine's printers): keys,
 * strings, numbers, booleans and nulls, punctuation. Not a YAML parser: it knows the shapes that
 * printer emits (block mappings and indentless sequences, plain/quoted scalars, literal blocks,
 * long scalars folded onto continuation lines), line by line, with a little state for multi-line
 * scalars. Anything it does not recognise stays uncoloured.
 */

export type YamlTokenKind = 'key' | 'punct' | 'str' | 'num' | 'bool' | 'null';

export interface YamlToken {
  text: string;
  kind?: YamlTokenKind;
}

export type YamlLine = YamlToken[];

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const BOOL = new Set(['true', 'false']);
const NULL = new Set(['null', '~']);
const BLOCK_HEADER = /^[|>][1-9]?[-+]?$/;

/** Where a quoted scalar starting at `start` (a quote) ends, exclusive; -1 if not on this line. */
function quoteEnd(s: string, start: number): number {
  const q = s[start];
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i];
    if (q === '"' && c === '\\') {
      i++;
      continue;
    }
    if (c === q) {
      if (q === "'" && s[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}

function scalarKind(v: string): YamlTokenKind {
  if (BOOL.has(v)) return 'bool';
  if (NULL.has(v)) return 'null';
  if (NUMBER.test(v)) return 'num';
  return 'str';
}

type State =
  | { t: 'normal' }
  /** Inside a literal block: lines indented deeper than `parent` belong to it. */
  | { t: 'block'; parent: number }
  /** Inside a quoted scalar that continues on the next line. */
  | { t: 'quoted'; quote: string };

export function highlightYaml(text: string): YamlLine[] {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const out: YamlLine[] = [];
  let state: State = { t: 'normal' };
  for (const line of lines) {
    if (state.t === 'block') {
      const indent = line.length - line.trimStart().length;
      if (line.trim() === '' || indent > state.parent) {
        out.push(line === '' ? [] : [{ text: line, kind: 'str' }]);
        continue;
      }
      state = { t: 'normal' };
    }
    if (state.t === 'quoted') {
      // Continue the scalar from the start of the line (its leading spaces included).
      const end = quoteEnd(state.quote + line, 0);
      if (end === -1) {
        out.push([{ text: line, kind: 'str' }]);
        continue;
      }
      const close = end - 1;
      const tokens: YamlLine = [{ text: line.slice(0, close), kind: 'str' }];
      if (close < line.length) tokens.push({ text: line.slice(close) });
      out.push(tokens);
      state = { t: 'normal' };
      continue;
    }
    const r = tokenizeLine(line);
    out.push(r.tokens);
    state = r.next;
  }
  return out;
}

function tokenizeLine(line: string): { tokens: YamlLine; next: State } {
  const tokens: YamlLine = [];
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  if (i > 0) tokens.push({ text: line.slice(0, i) });
  // Indentless sequence markers: `- `, `- - `.
  while (line[i] === '-' && (line[i + 1] === ' ' || i + 1 === line.length)) {
    tokens.push({ text: '-', kind: 'punct' });
    if (line[i + 1] === ' ') tokens.push({ text: ' ' });
    i += 2;
  }
  if (i >= line.length) return { tokens, next: { t: 'normal' } };
  const keyColumn = i;
  let rest = line.slice(i);
  // A key: quoted, or plain up to the first `: ` (a plain scalar cannot contain one).
  let keyEnd = -1;
  if (rest[0] === '"' || rest[0] === "'") {
    const end = quoteEnd(rest, 0);
    if (end !== -1 && rest[end] === ':' && (end + 1 === rest.length || rest[end + 1] === ' '))
      keyEnd = end;
  } else {
    const colon = rest.indexOf(': ');
    if (colon > 0) keyEnd = colon;
    else if (rest.endsWith(':')) keyEnd = rest.length - 1;
  }
  if (keyEnd !== -1) {
    tokens.push({ text: rest.slice(0, keyEnd), kind: 'key' });
    tokens.push({ text: ':', kind: 'punct' });
    rest = rest.slice(keyEnd + 1);
    if (rest === '') return { tokens, next: { t: 'normal' } };
    const spaces = rest.length - rest.trimStart().length;
    tokens.push({ text: rest.slice(0, spaces) });
    rest = rest.slice(spaces);
  }
  return valueTokens(tokens, rest, keyColumn);
}

function valueTokens(
  tokens: YamlLine,
  value: string,
  keyColumn: number,
): { tokens: YamlLine; next: State } {
  if (value === '') return { tokens, next: { t: 'normal' } };
  if (value === '{}' || value === '[]') {
    tokens.push({ text: value, kind: 'punct' });
    return { tokens, next: { t: 'normal' } };
  }
  if (BLOCK_HEADER.test(value)) {
    tokens.push({ text: value, kind: 'punct' });
    return { tokens, next: { t: 'block', parent: keyColumn } };
  }
  if (value[0] === '"' || value[0] === "'") {
    const end = quoteEnd(value, 0);
    if (end === -1) {
      tokens.push({ text: value, kind: 'str' });
      return { tokens, next: { t: 'quoted', quote: value[0] } };
    }
    tokens.push({ text: value.slice(0, end), kind: 'str' });
    if (end < value.length) tokens.push({ text: value.slice(end) });
    return { tokens, next: { t: 'normal' } };
  }
  tokens.push({ text: value, kind: scalarKind(value) });
  return { tokens, next: { t: 'normal' } };
}
