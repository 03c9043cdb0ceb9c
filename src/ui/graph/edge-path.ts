/**
 * Edge routing for the cluster graph, like wires on a circuit board: from a card's bottom the
 * edge drops into the corridor under its row, runs along it to a lane in the gap beside the
 * target's node box, goes down the lane and turns into the pod's side (or drops straight onto
 * a box's top). Services come in from the left, owners from the right. Lanes and corridors are offset per source, so the wires of two services
 * stay apart, and no edge cuts across the pods of another node.
 */

export const LANES = 4;
const CORRIDOR_START = 14;
const CORRIDOR_STEP = 9;
const LANE_START = 12;
const LANE_STEP = 6;
const RADIUS = 6;

export interface Point {
  x: number;
  y: number;
}

/** The corner points of the route from (sx, sy) to (tx, ty). */
export function laneRoute(
  sx: number,
  sy: number,
  tx: number,
  ty: number,
  target: 'left' | 'right' | 'top',
  lane: number,
): Point[] {
  const k = ((lane % LANES) + LANES) % LANES;
  const corridor = Math.min(sy + CORRIDOR_START + k * CORRIDOR_STEP, ty);
  if (target === 'top') {
    return [
      { x: sx, y: sy },
      { x: sx, y: corridor },
      { x: tx, y: corridor },
      { x: tx, y: ty },
    ];
  }
  const offset = LANE_START + k * LANE_STEP;
  const laneX = target === 'left' ? tx - offset : tx + offset;
  return [
    { x: sx, y: sy },
    { x: sx, y: corridor },
    { x: laneX, y: corridor },
    { x: laneX, y: ty },
    { x: tx, y: ty },
  ];
}

/** An SVG path through `points` with rounded corners (straight points are dropped). */
export function roundedPath(points: readonly Point[], radius = RADIUS): string {
  const pts = points.filter(
    (p, i) => i === 0 || p.x !== points[i - 1]!.x || p.y !== points[i - 1]!.y,
  );
  if (pts.length === 0) return '';
  const first = pts[0]!;
  let d = `M${first.x},${first.y}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const prev = pts[i - 1]!;
    const cur = pts[i]!;
    const next = pts[i + 1]!;
    const r = Math.min(
      radius,
      Math.hypot(cur.x - prev.x, cur.y - prev.y) / 2,
      Math.hypot(next.x - cur.x, next.y - cur.y) / 2,
    );
    const inX = cur.x - Math.sign(cur.x - prev.x) * r;
    const inY = cur.y - Math.sign(cur.y - prev.y) * r;
    const outX = cur.x + Math.sign(next.x - cur.x) * r;
    const outY = cur.y + Math.sign(next.y - cur.y) * r;
    d += ` L${inX},${inY} Q${cur.x},${cur.y} ${outX},${outY}`;
  }
  const last = pts[pts.length - 1]!;
  if (pts.length > 1) d += ` L${last.x},${last.y}`;
  return d;
}
