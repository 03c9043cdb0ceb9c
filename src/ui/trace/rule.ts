/**
 * Reading one rule as `iptables-save` prints it (`-A KUBE-SVC-… -m comment --comment "…" -m
 * statistic --mode random --probability 0.5 -j KUBE-SEP-…`) into its options, so that the trace
 * panel can say in words why it matched. Only what the explanations need: the options, their
 * negation (`!`), the chain and the target with its own options.
 */

export interface RuleOption {
  /** `-d`, `--dport`, `--comment`, … as written. */
  name: string;
  /** The option's value (empty for flags such as `--rcheck`). */
  value: string;
  /** Preceded by `!`. */
  not: boolean;
}

export interface ParsedRule {
  chain: string;
  /** The match options, in order (`-m module` itself is not kept). */
  options: RuleOption[];
  /** `-j TARGET`, or undefined for a rule without one (counting only). */
  target?: string;
  /** The target's own options: `--to-destination`, `--set-xmark`, `--reject-with`. */
  targetOptions: RuleOption[];
}

/** Options that take no value. */
const FLAGS = new Set([
  '--rcheck',
  '--set',
  '--reap',
  '--rsource',
  '--random-fully',
  '--random',
  '--physdev-is-in',
  '--physdev-is-out',
  '--physdev-is-bridged',
  '--update',
  '--remove',
]);

/** Splits on spaces, keeping "double-quoted strings" (with \" inside) as one word. */
export function ruleWords(rule: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < rule.length) {
    while (rule[i] === ' ') i++;
    if (i >= rule.length) break;
    if (rule[i] === '"') {
      let word = '';
      i++;
      while (i < rule.length && rule[i] !== '"') {
        if (rule[i] === '\\' && i + 1 < rule.length) i++;
        word += rule[i];
        i++;
      }
      i++;
      out.push(word);
    } else {
      let j = i;
      while (j < rule.length && rule[j] !== ' ') j++;
      out.push(rule.slice(i, j));
      i = j;
    }
  }
  return out;
}

export function parseRule(rule: string): ParsedRule {
  const words = ruleWords(rule);
  const parsed: ParsedRule = { chain: '', options: [], targetOptions: [] };
  let not = false;
  let afterTarget = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '!') {
      not = true;
      continue;
    }
    if (w === '-A') {
      parsed.chain = words[++i] ?? '';
    } else if (w === '-j' || w === '-g') {
      parsed.target = words[++i] ?? '';
      afterTarget = true;
    } else if (w === '-m') {
      i++; // the module's name: its options follow
    } else if (w.startsWith('-')) {
      // A value follows unless the option is a flag or the next word is another option.
      const next = words[i + 1];
      const value =
        !FLAGS.has(w) && next !== undefined && next !== '!' && !next.startsWith('-') ? next : '';
      if (value !== '') i++;
      (afterTarget ? parsed.targetOptions : parsed.options).push({ name: w, value, not });
    }
    not = false;
  }
  return parsed;
}

/** The first option with this name (any of the names given: `-d` and `--destination`). */
export function optionOf(rule: ParsedRule, ...names: string[]): RuleOption | undefined {
  return rule.options.find((o) => names.includes(o.name));
}

export function targetOptionOf(rule: ParsedRule, name: string): string | undefined {
  return rule.targetOptions.find((o) => o.name === name)?.value;
}

/** `10.96.0.1/32` → `10.96.0.1`; other prefixes stay. */
export const hostOf = (cidr: string): string => cidr.replace(/\/32$/, '');
