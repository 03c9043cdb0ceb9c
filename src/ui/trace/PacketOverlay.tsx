/**
 * The packet marker on the Cluster graph: a pill with the packet's destination that moves to
 * the element of the trace panel's selected hop, and the path it came by, drawn in the React
 * Flow viewport (flow coordinates, so it pans and zooms with the graph). Only this overlay
 * re-renders when the hop changes; the marker glides with a CSS transform transition (none
 * under prefers-reduced-motion: it jumps), so no frame re-renders the graph.
 *
 * The path is drawn for every hop since the trace began, one line per leg (the DNS lookup's in
 * purple, then the request's), and fades a few seconds after the trace finished playing. The
 * outside client (OutsideClient.tsx, always shown: it sends requests too) and the cloud load
 * balancer, which are not cards of the graph, get small boxes of their own. A Load's dots and counts are LoadDots (mounted here too).
 */
import type { CSSProperties } from 'react';
import { useMemo } from 'react';
import { ViewportPortal, useStore } from '@xyflow/react';
import type { ReactFlowState } from '@xyflow/react';
import type { Rect } from './packet-path';
import {
  LB,
  OUTSIDE,
  anchorOf,
  isOffGraph,
  legsUpTo,
  loadBalancerAnchor,
  markerLabel,
  outsideAnchor,
  packetStops,
  pathUpTo,
} from './packet-path';
import { LoadDots } from './LoadDots';
import { OutsideClient } from './OutsideClient';
import { hopMs, usePlayback } from './playback';
import { currentEntry, useTraceStore } from './trace-store';
import './packet.css';

type Point = { x: number; y: number };

/**
 * The anchors of `ids` as one string (`id x y;…`), so that the selector's value only changes
 * when one of them moves — not on every change of React Flow's store.
 */
function anchorsKey(s: ReactFlowState, ids: readonly string[]): string {
  return ids
    .map((id) => {
      const n = s.nodeLookup.get(id);
      if (!n) return `${id} - -`;
      const p = anchorOf(id, {
        x: n.internals.positionAbsolute.x,
        y: n.internals.positionAbsolute.y,
        width: n.measured.width ?? n.width ?? 0,
        height: n.measured.height ?? n.height ?? 0,
      });
      return `${id} ${Math.round(p.x)} ${Math.round(p.y)}`;
    })
    .join(';');
}

export function PacketOverlay({ bounds }: { bounds: Rect }) {
  return (
    <>
      <OutsideClient bounds={bounds} />
      <LoadDots bounds={bounds} />
      <PacketMarker bounds={bounds} />
    </>
  );
}

function PacketMarker({ bounds }: { bounds: Rect }) {
  const entry = useTraceStore(currentEntry);
  const hop = useTraceStore((s) => s.selectedHop);
  const onTrace = useTraceStore((s) => s.sideTab === 'trace');
  const playing = usePlayback((s) => s.playing);
  const speed = usePlayback((s) => s.speed);
  const stops = useMemo(() => (entry ? packetStops(entry.trace) : []), [entry]);
  const dns = useMemo(() => (entry ? entry.trace.hops.map((h) => h.phase === 'dns') : []), [entry]);
  // Every id any stop may stand at (a few dozen at most): their positions, as one string.
  const ids = useMemo(
    () => [...new Set(stops.flatMap((s) => s.targets))].filter((id) => !isOffGraph(id)),
    [stops],
  );
  const key = useStore((s) => anchorsKey(s, ids));
  const zoom = useStore((s) => s.transform[2]);

  const anchors = useMemo(() => {
    const m = new Map<string, Point>();
    for (const part of key.split(';')) {
      const [id, x, y] = part.split(' ');
      if (id && x !== '-' && x !== undefined && y !== undefined)
        m.set(id, { x: Number(x), y: Number(y) });
    }
    m.set(OUTSIDE, outsideAnchor(bounds));
    m.set(LB, loadBalancerAnchor(bounds));
    return m;
  }, [key, bounds]);

  if (!entry || hop === undefined || !onTrace) return null;
  const stop = stops[hop];
  if (!stop) return null;
  const shown = (id: string) => anchors.has(id);
  const path = pathUpTo(stops, hop, shown);
  const here = anchors.get(path[path.length - 1] ?? '');
  if (!here) return null;
  const legs = legsUpTo(stops, dns, hop, shown);
  const usesLB = stops.some((s) => s.targets[0] === LB);
  const done = !playing && hop === stops.length - 1;
  const failed = stop.error !== undefined;
  // Near the right edge the label goes to the dot's left, where there is room.
  const flip = here.x > bounds.x + bounds.width * 0.62;
  const style = {
    transform: `translate(${here.x}px, ${here.y}px)`,
    '--packet-move-ms': `${Math.round(hopMs(speed) * 0.8)}ms`,
    '--packet-scale': String(1 / Math.max(zoom, 0.3)),
  } as CSSProperties;
  const lb = anchors.get(LB)!;

  return (
    <ViewportPortal>
      {/* The path goes under a node's packet path lane (PacketLane, z 999), the marker above it. */}
      <div className={`packet-path-layer${done ? ' is-done' : ''}`}>
        <svg className="packet-path" aria-hidden="true">
          {legs.map((leg, i) => (
            <polyline
              key={i}
              className={leg.dns ? 'is-dns' : undefined}
              points={leg.ids.map((id) => `${anchors.get(id)!.x},${anchors.get(id)!.y}`).join(' ')}
            />
          ))}
        </svg>
      </div>
      <div className="packet-layer" data-trace={entry.id}>
        {usesLB ? (
          <div
            className="packet-outside packet-lb"
            style={{ transform: `translate(${lb.x}px, ${lb.y}px)` }}
          >
            <span>Load balancer</span>
          </div>
        ) : null}
        <div
          key={entry.id}
          className={`packet-marker${failed ? ' is-fail' : ''}${flip ? ' is-flipped' : ''}${entry.trace.hops[hop]?.phase === 'dns' ? ' is-dns' : ''}`}
          style={style}
          role="img"
          aria-label={`Packet at hop ${hop + 1}: ${markerLabel(stop)}${failed ? `, failed: ${stop.error}` : ''}`}
          data-hop={hop}
        >
          <span className="packet-body">
            <span className="packet-dot" />
            <span className="packet-label">
              <span className="packet-dst">{markerLabel(stop)}</span>
              {stop.src ? <span className="packet-src">from {stop.src}</span> : null}
              {failed ? <span className="packet-error">{stop.error}</span> : null}
            </span>
          </span>
        </div>
      </div>
    </ViewportPortal>
  );
}
