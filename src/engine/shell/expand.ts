/**
 * Word expansion, in bash's order: tilde, parameters (`$HOME`, `$?`), command substitution
 * (`$(kubectl get pods -o name)`), then field splitting of unquoted expansion results, then
 * pathname expansion (globs) of unquoted `*`, `?` and `[…]`. Quote removal is implicit: the
 * lexer kept quoted text apart.
 *
 * Left out: `IFS` other than blanks, globbing characters that come from a variable's value,
 * `${VAR:-default}`-style operators.
 */
import type { Word } from './lexer';

export interface ExpandEnv {
  /** A variable's value (`?`, `$`, `0` … included), undefined when unset. */
  lookup(name: string): string | undefined;
  home: string;
  /** Run `$(…)` and return its stdout. */
  substitute(script: string): string;
  /** The names matching a glob (a RegExp over whole paths, and the pattern as typed); [] if none. */
  glob?(pattern: RegExp, typed: string): string[];
}

const escapeRegex = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** The regex for an unquoted glob fragment. */
function globFragment(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = s.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let set = s.slice(i + 1, end);
        if (set.startsWith('!')) set = '^' + set.slice(1);
        out += `[${set.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += escapeRegex(c);
  }
  return out;
}

function partValue(
  p: Exclude<Word[number], { k: 'lit' } | { k: 'tilde' }>,
  env: ExpandEnv,
): string {
  if (p.k === 'var') return env.lookup(p.name) ?? '';
  if (p.k === 'arith') return String(arithmetic(p.expr, env));
  return env.substitute(p.script).replace(/\n+$/, '');
}

/**
 * `$((…))`: integers with + - * / % ** ( ), comparisons, `!`, `&&`, `||`, and variables (a
 * name is its value, 0 when unset or not a number). Anything it cannot read counts as 0.
 */
export function arithmetic(expr: string, env: ExpandEnv): number {
  const toks =
    expr.match(/\d+|[A-Za-z_$][A-Za-z0-9_]*|\*\*|<=|>=|==|!=|&&|\|\||[-+*/%()<>!]/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const value = (name: string): number => {
    const v = Number(env.lookup(name.replace(/^\$/, '')) ?? '0');
    return Number.isFinite(v) ? Math.trunc(v) : 0;
  };
  const primary = (): number => {
    const t = toks[i++];
    if (t === undefined) return 0;
    if (t === '(') {
      const v = or();
      if (peek() === ')') i++;
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '!') return primary() === 0 ? 1 : 0;
    if (/^\d/.test(t)) return Number(t);
    return value(t);
  };
  const power = (): number => {
    const b = primary();
    if (peek() === '**') {
      i++;
      return Math.trunc(b ** power());
    }
    return b;
  };
  const product = (): number => {
    let v = power();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const op = toks[i++];
      const r = power();
      v = op === '*' ? v * r : r === 0 ? 0 : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = toks[i++] === '+' ? v + product() : v - product();
    return v;
  };
  const COMPARE: Record<string, (a: number, b: number) => boolean> = {
    '<': (a, b) => a < b,
    '>': (a, b) => a > b,
    '<=': (a, b) => a <= b,
    '>=': (a, b) => a >= b,
    '==': (a, b) => a === b,
    '!=': (a, b) => a !== b,
  };
  const compare = (): number => {
    let v = sum();
    for (let op = peek(); op !== undefined && COMPARE[op]; op = peek()) {
      i++;
      v = (COMPARE[op] as (a: number, b: number) => boolean)(v, sum()) ? 1 : 0;
    }
    return v;
  };
  const and = (): number => {
    let v = compare();
    while (peek() === '&&') {
      i++;
      const r = compare();
      v = v !== 0 && r !== 0 ? 1 : 0;
    }
    return v;
  };
  function or(): number {
    let v = and();
    while (peek() === '||') {
      i++;
      const r = and();
      v = v !== 0 || r !== 0 ? 1 : 0;
    }
    return v;
  }
  return or();
}

/** Expand words into fields (arguments), with field splitting and globbing. */
export function expandWords(words: readonly Word[], env: ExpandEnv): string[] {
  const out: string[] = [];
  for (const w of words) out.push(...expandFields(w, env));
  return out;
}

function expandFields(word: Word, env: ExpandEnv): string[] {
  const fields: string[] = [];
  let cur = '';
  let pattern = '';
  let has = false;
  let globby = false;
  const end = (): void => {
    if (has) {
      if (globby && env.glob) {
        const matches = env.glob(new RegExp(`^${pattern}$`), cur);
        if (matches.length > 0) fields.push(...matches);
        else fields.push(cur);
      } else fields.push(cur);
    }
    cur = '';
    pattern = '';
    has = false;
    globby = false;
  };
  for (const p of word) {
    if (p.k === 'tilde') {
      cur += env.home;
      pattern += escapeRegex(env.home);
      has = true;
    } else if (p.k === 'lit') {
      cur += p.text;
      if (p.q) pattern += escapeRegex(p.text);
      else {
        pattern += globFragment(p.text);
        if (/[*?[]/.test(p.text)) globby = true;
      }
      if (p.text !== '' || p.q) has = true;
    } else {
      const value = partValue(p, env);
      if (p.q) {
        cur += value;
        pattern += escapeRegex(value);
        has = true;
        continue;
      }
      const pieces = value.split(/[ \t\n]+/);
      pieces.forEach((piece, k) => {
        if (k > 0) end();
        cur += piece;
        pattern += escapeRegex(piece);
        if (piece !== '') has = true;
      });
    }
  }
  end();
  return fields;
}

/** Expand one word to one string: no splitting, no globbing (assignments, redirect targets). */
export function expandWord(word: Word, env: ExpandEnv): string {
  let s = '';
  for (const p of word) {
    if (p.k === 'tilde') s += env.home;
    else if (p.k === 'lit') s += p.text;
    else s += partValue(p, env);
  }
  return s;
}
