/**
 * A Load on the graph: each request's way (sender → its node → the Service card → the pod that
 * answered) travelled by a small dot, at most DOT_TIMING.cap at once, and a count badge at
 * every destination that grows as requests land (drawn or not), red where requests failed.
 *
 * One SVG and one badge layer in the viewport portal (flow coordinates: they pan and zoom with
 * the graph), driven by one requestAnimationFrame loop that sets attributes — React renders this
 * component once; no frame re-renders anything. The loop runs only while a Load plays. Under
 * prefers-reduced-motion no dot moves: the badges count alone.
 */
import { useEffect, useRef, useState } from 'react';
import { ViewportPortal, useStoreApi } from '@xyflow/react';
import type { Trace } from '../../engine';
import type { Rect } from './packet-path';
import {
  LB,
  OUTSIDE,
  anchorOf,
  loadBalancerAnchor,
  outsideAnchor,
  packetStops,
  requestPath,
} from './packet-path';
import type { DotSlot } from './load-dots';
import { DOT_TIMING, badgeKey, planDots, pointAlong } from './load-dots';
import type { LoadEvent } from './load-bridge';
import { onLoadEvent, setLandingHook, useLoadStore } from './load-bridge';

const SVG = 'http://www.w3.org/2000/svg';

type Point = { x: number; y: number };
interface Req {
  points: Point[];
  id: string;
  failed: boolean;
}
interface Dot {
  el: SVGCircleElement;
  req: Req;
  slot: DotSlot;
  red: boolean;
}

/** Looks graph elements up (React Flow's store, read when needed, never subscribed to). */
interface Places {
  shown(id: string): boolean;
  /** Where a dot stands at `id`. */
  anchor(id: string): Point | undefined;
  /** Where the badge of `id` goes: its card's top-right corner. */
  corner(id: string): Point | undefined;
  zoom(): number;
}

class DotAnimator {
  private run = 0;
  private slots: DotSlot[] = [];
  private reqs: Array<Req | undefined> = [];
  private t0 = 0;
  private launched = 0;
  private landed = 0;
  private active: Dot[] = [];
  private pool: SVGCircleElement[] = [];
  private counts = new Map<string, number>();
  private badges = new Map<string, HTMLElement>();
  private frame = 0;
  private afterLanding: Array<() => void> = [];

  constructor(
    private readonly layer: HTMLElement,
    private readonly svg: SVGSVGElement,
    private readonly badgeLayer: HTMLElement,
    private readonly places: Places,
  ) {}

  /** Runs `fn` when run `run`'s last dot has landed; false if that run is not playing here. */
  whenLanded(run: number, fn: () => void): boolean {
    if (run !== this.run || this.layer.dataset.state !== 'running') return false;
    this.afterLanding.push(fn);
    return true;
  }

  handle(e: LoadEvent): void {
    if (e.type === 'start') return this.start(e.run, e.count);
    if (e.run !== this.run) return;
    // The ways repeat (a few per Load): resolve each distinct one once.
    const byWay = new Map<string, Req | undefined>();
    e.traces.forEach((t, k) => {
      const sig = signature(t);
      if (!byWay.has(sig)) byWay.set(sig, this.resolve(t));
      this.reqs[e.first + k] = byWay.get(sig);
    });
    this.tick();
  }

  private resolve(t: Trace): Req | undefined {
    const { ids, failed } = requestPath(t, (id) => this.places.shown(id), packetStops(t));
    const points = ids.map((id) => this.places.anchor(id)).filter((p): p is Point => !!p);
    const id = ids[ids.length - 1];
    if (id === undefined || points.length === 0) return undefined;
    return { points, id, failed };
  }

  private start(run: number, count: number): void {
    this.clear();
    this.run = run;
    const reduce =
      typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.slots = planDots(count, DOT_TIMING, reduce);
    this.reqs = new Array<Req | undefined>(count);
    this.t0 = performance.now();
    const r = String(7 / Math.max(this.places.zoom(), 0.3));
    for (let i = 0; i < DOT_TIMING.cap; i++) {
      const c = document.createElementNS(SVG, 'circle');
      c.setAttribute('class', 'load-dot');
      c.setAttribute('r', r);
      c.style.display = 'none';
      this.svg.appendChild(c);
      this.pool.push(c);
    }
    this.layer.dataset.state = 'running';
  }

  clear(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.run = 0;
    this.slots = [];
    this.reqs = [];
    this.active = [];
    this.pool = [];
    this.launched = 0;
    this.landed = 0;
    this.counts.clear();
    this.badges.clear();
    this.afterLanding = [];
    this.svg.replaceChildren();
    this.badgeLayer.replaceChildren();
    delete this.layer.dataset.state;
  }

  private readonly tick = (): void => {
    this.frame = 0;
    if (this.run === 0) return;
    const ms = performance.now() - this.t0;
    // Launch the dots whose time has come (the requests not drawn wait for their landing).
    while (this.launched < this.slots.length) {
      const slot = this.slots[this.launched]!;
      const req = this.reqs[this.launched];
      if (slot.startMs > ms || (req === undefined && !(this.launched in this.reqs))) break;
      this.launched++;
      if (!slot.drawn || !req) continue;
      const el = this.pool.pop();
      if (!el) continue;
      el.style.display = '';
      this.active.push({ el, req, slot, red: false });
    }
    // Move the travelling dots; those that arrived go back to the pool.
    this.active = this.active.filter((d) => {
      const f = (ms - d.slot.startMs) / (d.slot.landMs - d.slot.startMs);
      if (f >= 1) {
        d.el.style.display = 'none';
        d.el.setAttribute('class', 'load-dot');
        this.pool.push(d.el);
        return false;
      }
      const p = pointAlong(d.req.points, f);
      d.el.setAttribute('cx', p.x.toFixed(1));
      d.el.setAttribute('cy', p.y.toFixed(1));
      // A failing request turns red as it reaches where it failed.
      if (d.req.failed && !d.red && f > 0.8) {
        d.red = true;
        d.el.setAttribute('class', 'load-dot is-fail');
      }
      return true;
    });
    // Count the landings.
    const dirty = new Set<string>();
    while (this.landed < this.launched && this.slots[this.landed]!.landMs <= ms) {
      const req = this.reqs[this.landed++];
      if (!req) continue;
      const k = badgeKey(req.id, req.failed);
      this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
      dirty.add(k);
    }
    for (const k of dirty) this.badge(k);
    const running = useLoadStore.getState().running;
    const received = this.reqs.length - countHoles(this.reqs);
    if (this.landed >= this.slots.length || (!running && this.landed >= received)) {
      this.layer.dataset.state = 'done';
      const after = this.afterLanding;
      this.afterLanding = [];
      // The next frame: the frame the last dot lands in stays light.
      if (after.length > 0) requestAnimationFrame(() => after.forEach((fn) => fn()));
      return;
    }
    this.frame = requestAnimationFrame(this.tick);
  };

  private badge(k: string): void {
    const n = this.counts.get(k) ?? 0;
    let el = this.badges.get(k);
    if (!el) {
      const failed = k.startsWith('fail ');
      const id = k.slice(k.indexOf(' ') + 1);
      const at = this.places.corner(id);
      if (!at) return;
      el = document.createElement('div');
      el.className = `load-badge${failed ? ' is-fail' : ''}`;
      el.setAttribute('role', 'img');
      el.dataset.target = id;
      el.dataset.outcome = failed ? 'failed' : 'answered';
      // Failures sit below the answers at the same card.
      el.style.transform = `translate(${at.x}px, ${at.y + (failed ? 26 : 0)}px)`;
      this.badgeLayer.appendChild(el);
      this.badges.set(k, el);
    }
    el.dataset.count = String(n);
    el.textContent = `${n}`;
    const name = el.dataset.target!.replace(/^(Pod|Node|Service)\/(default\/)?/, '');
    el.setAttribute(
      'aria-label',
      `${n} ${n === 1 ? 'request' : 'requests'} ${el.dataset.outcome === 'failed' ? 'failed at' : 'reached'} ${name}`,
    );
  }
}

/** Requests not received yet (holes in the sparse array). */
function countHoles(a: ReadonlyArray<unknown>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!(i in a)) n++;
  return n;
}

/** What decides a request's way: the places its hops stand at, and whether it failed. */
function signature(t: Trace): string {
  let s = t.outcome.ok ? 'ok' : 'fail';
  for (const h of t.hops) s += `|${h.kind} ${h.node ?? ''} ${h.pod ?? ''} ${h.chain?.chain ?? ''}`;
  return s;
}

export function LoadDots({ bounds }: { bounds: Rect }) {
  const rf = useStoreApi();
  // The portal's target appears after the first render: the layer is known once it is mounted.
  const [layer, setLayer] = useState<HTMLDivElement | null>(null);
  const boundsRef = useRef(bounds);
  useEffect(() => {
    boundsRef.current = bounds;
  }, [bounds]);

  useEffect(() => {
    const svg = layer?.querySelector('svg');
    const badges = layer?.querySelector<HTMLElement>('.load-badges');
    if (!layer || !svg || !badges) return;
    const rect = (id: string): Rect | undefined => {
      const n = rf.getState().nodeLookup.get(id);
      if (!n) return undefined;
      return {
        x: n.internals.positionAbsolute.x,
        y: n.internals.positionAbsolute.y,
        width: n.measured.width ?? n.width ?? 0,
        height: n.measured.height ?? n.height ?? 0,
      };
    };
    const offGraph = (id: string): Point | undefined =>
      id === OUTSIDE
        ? outsideAnchor(boundsRef.current)
        : id === LB
          ? loadBalancerAnchor(boundsRef.current)
          : undefined;
    const places: Places = {
      shown: (id) => rf.getState().nodeLookup.has(id),
      anchor: (id) => {
        const r = rect(id);
        return r ? anchorOf(id, r) : offGraph(id);
      },
      corner: (id) => {
        const r = rect(id);
        if (r) return { x: r.x + r.width - 6, y: r.y - 10 };
        const p = offGraph(id);
        return p ? { x: p.x + 30, y: p.y - 26 } : undefined;
      },
      zoom: () => rf.getState().transform[2],
    };
    const animator = new DotAnimator(layer, svg, badges, places);
    const off = onLoadEvent((e) => animator.handle(e));
    setLandingHook((run, fn) => animator.whenLanded(run, fn));
    // The load forgotten (a reset): its dots and badges go too.
    const unsub = useLoadStore.subscribe((s, prev) => {
      if (!s.tally && prev.tally) animator.clear();
    });
    return () => {
      off();
      setLandingHook(undefined);
      unsub();
      animator.clear();
    };
  }, [rf, layer]);

  return (
    <ViewportPortal>
      <div className="load-dots" ref={setLayer}>
        <svg className="load-dots-svg" aria-hidden="true" />
        <div className="load-badges" />
      </div>
    </ViewportPortal>
  );
}
