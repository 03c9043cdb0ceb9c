/**
 * The Load's dots on the graph (issue 7: "many requests in flight stay smooth: cap the markers
 * drawn and aggregate the rest"). Pure planning, no DOM: when each request of a Load leaves (a
 * fixed stagger, so that the whole Load plays in a few seconds whatever its size), whether it
 * gets a dot of its own (at most `cap` dots travel at once) or is only counted, and the counts
 * per destination that the badges show as requests land.
 *
 * Every request, drawn or not, "lands" `travelMs` after it leaves: the badges at the pods grow
 * at the pace the dots arrive, and their counts end at the Load's tally.
 */

export interface DotTiming {
  /** Dots travelling at once, at most. */
  cap: number;
  /** A dot's trip, sender to destination (real ms). */
  travelMs: number;
  /** The stagger between two requests leaving, at most (small Loads). */
  maxSpacingMs: number;
  /** The time over which a large Load's requests leave (the stagger shrinks to fit). */
  windowMs: number;
}

export const DOT_TIMING: DotTiming = {
  cap: 24,
  travelMs: 800,
  maxSpacingMs: 60,
  windowMs: 2000,
};

/** The stagger between two of `count` requests. */
export function dotSpacing(count: number, t: DotTiming = DOT_TIMING): number {
  if (count <= 0) return 0;
  return Math.min(t.maxSpacingMs, t.windowMs / count);
}

export interface DotSlot {
  /** When the request leaves, ms after the Load started. */
  startMs: number;
  /** When it lands (start + travel). */
  landMs: number;
  /** Whether it gets a dot (else it is only counted where it lands). */
  drawn: boolean;
}

/**
 * The slots of a Load of `count` requests: request i leaves at i × spacing; it is drawn when
 * fewer than `cap` drawn dots are still travelling then (greedy, in order). With `reduceMotion`
 * none is drawn (counts only).
 */
export function planDots(
  count: number,
  t: DotTiming = DOT_TIMING,
  reduceMotion = false,
): DotSlot[] {
  const spacing = dotSpacing(count, t);
  const slots: DotSlot[] = [];
  // The landing times of drawn dots, in order (they leave in order and travel alike).
  const lands: number[] = [];
  let landed = 0;
  for (let i = 0; i < count; i++) {
    const startMs = i * spacing;
    while (landed < lands.length && lands[landed]! <= startMs) landed++;
    const drawn = !reduceMotion && lands.length - landed < t.cap;
    const landMs = startMs + t.travelMs;
    if (drawn) lands.push(landMs);
    slots.push({ startMs, landMs, drawn });
  }
  return slots;
}

/** Drawn dots travelling at `ms` (start ≤ ms < land). */
export function inFlightAt(slots: readonly DotSlot[], ms: number): number {
  let n = 0;
  for (const s of slots) if (s.drawn && s.startMs <= ms && ms < s.landMs) n++;
  return n;
}

/** A badge's key: where requests landed, and whether they failed there. */
export const badgeKey = (id: string, failed: boolean): string => `${failed ? 'fail' : 'ok'} ${id}`;

/**
 * The counts per badge at `ms`: requests landed by then, by destination (the last id of their
 * path) and outcome. `landings[i]` is request i's destination and whether it failed; requests
 * without a known destination are not counted.
 */
export function countsAt(
  slots: readonly DotSlot[],
  landings: ReadonlyArray<{ id: string; failed: boolean } | undefined>,
  ms: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  slots.forEach((s, i) => {
    const l = landings[i];
    if (!l || s.landMs > ms) return;
    const k = badgeKey(l.id, l.failed);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  });
  return counts;
}

/** Where along a polyline a dot is at `f` (0–1 of its length). */
export function pointAlong(
  points: ReadonlyArray<{ x: number; y: number }>,
  f: number,
): { x: number; y: number } {
  const first = points[0];
  if (!first) return { x: 0, y: 0 };
  if (points.length === 1 || f <= 0) return first;
  let total = 0;
  for (let i = 1; i < points.length; i++) total += dist(points[i - 1]!, points[i]!);
  let left = Math.min(1, f) * total;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const d = dist(a, b);
    if (left <= d && d > 0) {
      const k = left / d;
      return { x: a.x + (b.x - a.x) * k, y: a.y + (b.y - a.y) * k };
    }
    left -= d;
  }
  return points[points.length - 1]!;
}

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.hypot(b.x - a.x, b.y - a.y);
