/**
 * Command-line flags the way kubectl parses them (spf13/pflag under cobra):
 *
 *  - long flags `--name=value` or `--name value`; bool flags `--force`, `--force=false`;
 *  - shorthands `-o yaml`, `-oyaml`, `-o=yaml`, and bool shorthands combined: `-it`;
 *  - flags and positional arguments interleave (`kubectl get -n x pods` = `kubectl get pods -n x`);
 *  - `--` ends flag parsing: what follows is kept apart (cobra's ArgsLenAtDash);
 *  - a lone `-` is a positional argument (stdin for `-f -`).
 *
 * Errors carry pflag's own words (`unknown flag: --foo`, `flag needs an argument: --image`,
 * `invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": invalid syntax`);
 * kubectl.ts adds `error: ` and `See 'kubectl get --help' for usage.`.
 */
import { parseGoDuration } from './go-duration';
import type { FlagSpec, FlagValue, ParsedFlags } from './types';

export class FlagError extends Error {}

export interface ParsedLine {
  flags: ParsedFlags;
  args: string[];
  dashArgs: string[];
}

/** pflag's name for a flag in messages: `-r, --replicas` when it has a shorthand. */
function flagLabel(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function defaultOf(spec: FlagSpec): FlagValue {
  if (spec.default !== undefined) return spec.default;
  switch (spec.type) {
    case 'bool':
      return false;
    case 'int':
      return 0;
    case 'stringArray':
      return [];
    case 'stringToString':
      return {};
    default:
      return '';
  }
}

/** Go's strconv.ParseBool. */
function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

function setValue(
  spec: FlagSpec,
  raw: string,
  values: Map<string, FlagValue>,
  changed: Set<string>,
): void {
  const bad = (why: string): FlagError =>
    new FlagError(`invalid argument "${raw}" for "${flagLabel(spec)}" flag: ${why}`);
  switch (spec.type) {
    case 'bool': {
      const b = parseBool(raw);
      if (b === undefined) throw bad(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
      values.set(spec.name, b);
      break;
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(raw)) throw bad(`strconv.ParseInt: parsing "${raw}": invalid syntax`);
      const n = Number(raw);
      if (!Number.isSafeInteger(n))
        throw bad(`strconv.ParseInt: parsing "${raw}": value out of range`);
      values.set(spec.name, n);
      break;
    }
    case 'duration': {
      try {
        parseGoDuration(raw);
      } catch (e) {
        throw bad((e as Error).message);
      }
      values.set(spec.name, raw);
      break;
    }
    case 'stringArray': {
      // pflag's stringArray appends one value per occurrence (no comma splitting).
      const prev = changed.has(spec.name) ? (values.get(spec.name) as string[]) : [];
      values.set(spec.name, [...prev, raw]);
      break;
    }
    case 'stringToString': {
      const prev = changed.has(spec.name) ? (values.get(spec.name) as Record<string, string>) : {};
      const next = { ...prev };
      for (const pair of raw.split(',')) {
        const i = pair.indexOf('=');
        if (i < 0) throw bad(`${pair} must be formatted as key=value`);
        next[pair.slice(0, i)] = pair.slice(i + 1);
      }
      values.set(spec.name, next);
      break;
    }
    default:
      values.set(spec.name, raw);
  }
  changed.add(spec.name);
}

/** Parse `argv` (the words after the command name) against `specs`. Throws FlagError. */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedLine {
  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    if (s.short) byShort.set(s.short, s);
  }
  const values = new Map<string, FlagValue>();
  const changed = new Set<string>();
  const args: string[] = [];
  let dashArgs: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      dashArgs = argv.slice(i + 1);
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = eq >= 0 ? word.slice(2, eq) : word.slice(2);
      const spec = byName.get(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) setValue(spec, word.slice(eq + 1), values, changed);
      else if (spec.type === 'bool') setValue(spec, 'true', values, changed);
      else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        setValue(spec, argv[++i] as string, values, changed);
      }
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      // A run of shorthands: bools take no value; the first non-bool takes the rest of the word
      // (`-oyaml`, `-o=yaml`) or the next word.
      for (let j = 1; j < word.length; j++) {
        const c = word[j] as string;
        const spec = byShort.get(c);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in ${word}`);
        const rest = word.slice(j + 1);
        if (spec.type === 'bool') {
          if (rest.startsWith('=')) {
            setValue(spec, rest.slice(1), values, changed);
            break;
          }
          setValue(spec, 'true', values, changed);
          continue;
        }
        if (rest.length > 0)
          setValue(spec, rest.startsWith('=') ? rest.slice(1) : rest, values, changed);
        else {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          setValue(spec, argv[++i] as string, values, changed);
        }
        break;
      }
      continue;
    }
    args.push(word);
  }

  const value = (name: string): FlagValue => {
    const spec = byName.get(name);
    if (!spec) throw new Error(`kubectl: flag --${name} is not defined for this command`);
    return values.has(name) ? (values.get(name) as FlagValue) : defaultOf(spec);
  };
  const flags: ParsedFlags = {
    has: (name) => changed.has(name),
    string: (name) => String(value(name)),
    bool: (name) => value(name) === true,
    int: (name) => Number(value(name)),
    duration: (name) => parseGoDuration(String(value(name))),
    strings: (name) => {
      const v = value(name);
      return Array.isArray(v) ? v : typeof v === 'string' && v !== '' ? [v] : [];
    },
    map: (name) => {
      const v = value(name);
      return typeof v === 'object' && !Array.isArray(v) ? v : {};
    },
  };
  return { flags, args, dashArgs };
}
