/**
 * Which iptables rule the Inspector highlights: the Trace panel's "Show rule in node1's iptables"
 * asks for a hop's rule (issue 7: "clicking a row highlights … the rule in the node's iptables
 * view"), the node's Rules tab marks that line of its `iptables-save -c -t <table>` block and
 * scrolls to it. The line is found by its text without the `[packets:bytes]` counters, which
 * move as requests pass.
 */
import { create } from 'zustand';

export interface RuleFocus {
  node: string;
  /** `nat` or `filter`. */
  table: string;
  chain: string;
  /** The rule's position in its chain, from 1. */
  index: number;
  /** The rule as `iptables-save` prints it, without counters. */
  rule: string;
  /** Bumped on every request, so that asking again scrolls again. */
  seq: number;
}

interface RuleFocusState {
  focus: RuleFocus | undefined;
  show(focus: Omit<RuleFocus, 'seq'>): void;
  clear(): void;
}

let seq = 0;

export const useRuleFocus = create<RuleFocusState>()((set) => ({
  focus: undefined,
  show: (focus) => set({ focus: { ...focus, seq: ++seq } }),
  clear: () => set({ focus: undefined }),
}));

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
