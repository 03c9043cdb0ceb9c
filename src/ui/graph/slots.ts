/**
 * Stable slots: the reason the graph does not reshuffle. Each group (the pods of one node, the
 * services row, the workload columns, ...) gives every member a slot number; a member keeps its
 * slot while it lives, members that left free theirs, and newcomers take the lowest free slots
 * in the order they are listed. Positions are then a pure function of slot numbers.
 */

export type SlotMap = ReadonlyMap<string, number>;

/**
 * The slots of `members` given the previous assignment. Returns `prev` itself when nothing
 * changed, so callers can compare by identity.
 */
export function assignSlots(prev: SlotMap | undefined, members: readonly string[]): SlotMap {
  const next = new Map<string, number>();
  const taken = new Set<number>();
  const newcomers: string[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m)) continue;
    seen.add(m);
    const slot = prev?.get(m);
    if (slot === undefined) newcomers.push(m);
    else {
      next.set(m, slot);
      taken.add(slot);
    }
  }
  let free = 0;
  for (const m of newcomers) {
    while (taken.has(free)) free++;
    next.set(m, free);
    taken.add(free);
  }
  if (prev && prev.size === next.size && newcomers.length === 0) return prev;
  return next;
}

/** One more than the highest slot in use (0 for an empty group). */
export function slotExtent(slots: SlotMap): number {
  let max = -1;
  for (const s of slots.values()) if (s > max) max = s;
  return max + 1;
}

/** Slot tables by group; `assignGroups` keeps the tables of groups that did not change. */
export type SlotTables = ReadonlyMap<string, SlotMap>;

export function assignGroups(
  prev: SlotTables | undefined,
  groups: ReadonlyMap<string, readonly string[]>,
): SlotTables {
  const next = new Map<string, SlotMap>();
  for (const [group, members] of groups) next.set(group, assignSlots(prev?.get(group), members));
  return next;
}
