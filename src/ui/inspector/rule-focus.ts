/**
 * Which iptables rule the Inspector highlights (issue 7: "clicking a row highlights … the rule in
 * the node's iptables view"): selecting a hop in the Trace panel marks its rule (`mark`), so the
 * node's Rules tab shows that line marked whenever the Inspector shows the node; "Show rule in
 * node1's iptables" also goes there (`show`: the Inspector switches to the Rules tab) and scrolls
 * to it. The line is found by its text without the `[packets:bytes]` counters, which move as
 * requests pass.
 */
import { create } from 'zustand';
import type { Hop } from '../../engine';

export interface RuleFocus {
  node: string;
  /** `nat` or `filter`. */
  table: string;
  chain: string;
  /** The rule's position in its chain, from 1. */
  index: number;
  /** The rule as `iptables-save` prints it, without counters. */
  rule: string;
  /** Bumped on every `show`, so that asking again scrolls again (0: only marked). */
  seq: number;
  /** Asked by `show`: the Inspector goes to the node's Rules tab. */
  navigate: boolean;
}

export type RuleRef = Omit<RuleFocus, 'seq' | 'navigate'>;

interface RuleFocusState {
  focus: RuleFocus | undefined;
  /** Mark the rule (the selected hop's), without going there. */
  mark(rule: RuleRef): void;
  /** Mark the rule, bring its node's Rules tab up and scroll to it. */
  show(rule: RuleRef): void;
  clear(): void;
}

let seq = 0;

const same = (a: RuleFocus | undefined, b: RuleRef): boolean =>
  a !== undefined &&
  a.node === b.node &&
  a.table === b.table &&
  a.chain === b.chain &&
  a.index === b.index &&
  a.rule === b.rule;

export const useRuleFocus = create<RuleFocusState>()((set, get) => ({
  focus: undefined,
  // Playback selects hop after hop: marking the rule already marked changes nothing.
  mark: (rule) => {
    if (!same(get().focus, rule)) set({ focus: { ...rule, seq: 0, navigate: false } });
  },
  show: (rule) => set({ focus: { ...rule, seq: ++seq, navigate: true } }),
  clear: () => {
    if (get().focus !== undefined) set({ focus: undefined });
  },
}));

/** The rule a trace hop matched on a node, or undefined (a hop that is not a rule on a node). */
export function ruleOfHop(hop: Hop | undefined): RuleRef | undefined {
  if (!hop?.chain || !hop.node) return undefined;
  const { table, chain, index, rule } = hop.chain;
  return { node: hop.node, table, chain, index, rule };
}

/** The label of a node's `iptables-save -c -t <table>` block (network-sections.ts). */
export function rulesBlockLabel(table: string): string {
  return `iptables-save -c -t ${table}`;
}

/** A line of `iptables-save -c` without its counters: `[12:720] -A …` → `-A …`. */
export function withoutCounters(line: string): string {
  return line.replace(/^\[\d+:\d+\]\s+/, '');
}

/**
 * The index of the line of an `iptables-save -c` text that is this rule: the line equal to the
 * rule once its counters are dropped; when the text has it more than once, the one at the rule's
 * position in its chain. -1 when the table no longer has it (kube-proxy rewrote the rules).
 */
export function ruleLineIndex(
  text: string,
  focus: Pick<RuleFocus, 'chain' | 'index' | 'rule'>,
): number {
  const lines = text.split('\n');
  const same: number[] = [];
  let position = 0;
  let atPosition = -1;
  lines.forEach((line, i) => {
    const rule = withoutCounters(line);
    if (rule.startsWith(`-A ${focus.chain} `)) {
      position++;
      if (position === focus.index && rule === focus.rule) atPosition = i;
    }
    if (rule === focus.rule) same.push(i);
  });
  if (atPosition >= 0) return atPosition;
  return same[0] ?? -1;
}
