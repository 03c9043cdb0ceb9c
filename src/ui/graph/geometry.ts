/**
 * The cluster graph's fixed geometry (graph units = CSS pixels at zoom 1). Every size is known
 * here, so the selectors hand React Flow nodes with their width, height and handles already set:
 * nothing waits for the DOM to be measured, and a position is a pure function of a slot.
 *
 * The picture, top to bottom:
 *   workloads (Deployments over their ReplicaSets, DaemonSets; only with "Show ownership"),
 *   growing upwards from a fixed baseline
 *   services, one row at a fixed height
 *   nodes, left to right from y = 0 (control plane first), growing downwards with their pods
 * so a box that grows never pushes the other rows around.
 */

export const POD_W = 212;
export const POD_H = 62;
export const POD_GAP = 8;
/** A node box holds this many pods in a column, then starts another column to the right. */
export const ROWS_PER_COLUMN = 16;

export const NODE_PAD_X = 10;
export const NODE_HEADER_H = 70;
export const NODE_PAD_BOTTOM = 10;
/** The line under the pods telling how many pods are hidden by the filters. */
export const NODE_FOOTER_H = 22;
/** An empty node still shows a "No pods" line. */
export const NODE_EMPTY_H = 24;
export const NODE_GAP = 36;

export const SERVICE_W = 200;
export const SERVICE_H = 68;
export const SERVICE_GAP = 20;
/** Vertical room between the services row and the node boxes, where endpoint edges run. */
export const SERVICE_ROW_GAP = 60;
export const SERVICE_ROW_Y = -(SERVICE_H + SERVICE_ROW_GAP);

export const WORKLOAD_W = 200;
export const WORKLOAD_H = 60;
export const WORKLOAD_GAP_X = 20;
export const WORKLOAD_GAP_Y = 24;
/** The bottom edge of the workloads band (its columns grow upwards from here). */
export const WORKLOAD_BASELINE_Y = SERVICE_ROW_Y - 56;

export interface Size {
  width: number;
  height: number;
}

/** Where slot `slot` sits inside a node box (relative to the box). */
export function podSlotPosition(slot: number): { x: number; y: number } {
  const col = Math.floor(slot / ROWS_PER_COLUMN);
  const row = slot % ROWS_PER_COLUMN;
  return {
    x: NODE_PAD_X + col * (POD_W + POD_GAP),
    y: NODE_HEADER_H + row * (POD_H + POD_GAP),
  };
}

/**
 * The size of a node box whose highest occupied slot is `slotCount - 1`. Sizes depend on the
 * highest slot, not the pod count, so a hole left by a deleted pod does not move anything.
 */
export function nodeBoxSize(slotCount: number, withFooter: boolean): Size {
  const cols = Math.max(1, Math.ceil(slotCount / ROWS_PER_COLUMN));
  const rows = Math.min(slotCount, ROWS_PER_COLUMN);
  const podsH = rows === 0 ? NODE_EMPTY_H : rows * (POD_H + POD_GAP) - POD_GAP;
  return {
    width: NODE_PAD_X * 2 + cols * POD_W + (cols - 1) * POD_GAP,
    height: NODE_HEADER_H + podsH + NODE_PAD_BOTTOM + (withFooter ? NODE_FOOTER_H : 0),
  };
}

export function serviceSlotPosition(slot: number): { x: number; y: number } {
  return { x: slot * (SERVICE_W + SERVICE_GAP), y: SERVICE_ROW_Y };
}

/** x of a workload column. */
export function workloadColumnX(slot: number): number {
  return slot * (WORKLOAD_W + WORKLOAD_GAP_X);
}

/** y of the card at `level` in a workload column (level 0 sits on the baseline). */
export function workloadLevelY(level: number): number {
  return WORKLOAD_BASELINE_Y - WORKLOAD_H - level * (WORKLOAD_H + WORKLOAD_GAP_Y);
}
