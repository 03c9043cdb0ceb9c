/**
 * A node's packet path lane on the Cluster graph (issue 7): while the Trace panel's selected hop
 * is inside a node (a netfilter rule, a routing decision, kube-proxy), the stages of that visit —
 * PREROUTING/OUTPUT → KUBE-SERVICES → KUBE-SVC-… → KUBE-SEP-… (DNAT) → … → routing — hang under
 * the node's header, the current one highlighted and its rule (iptables-save form) below. The
 * stages come from the trace's own hops (packet-lane.ts); this component only places them.
 *
 * Drawn in the React Flow viewport under the packet marker (which stands on the header, or on the
 * Service card while the Service's rules match), at a constant size on screen like the marker.
 */
import type { CSSProperties } from 'react';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ViewportPortal, useStore } from '@xyflow/react';
import type { ReactFlowState } from '@xyflow/react';
import { NODE_HEADER_H } from '../graph/geometry';
import type { Rect } from './packet-path';
import { nodeVisits, stageAt, visitAt } from './packet-lane';
import { currentEntry, useTraceStore } from './trace-store';
import './packet-lane.css';

/** The lane's width on screen (CSS px); its height follows its content. */
const LANE_W = 330;

/** The node box's rectangle as `x y width height` (a stable string for the selector). */
function boxKey(s: ReactFlowState, id: string | undefined): string {
  const n = id ? s.nodeLookup.get(id) : undefined;
  if (!n) return '';
  const p = n.internals.positionAbsolute;
  const w = n.measured.width ?? n.width ?? 0;
  const h = n.measured.height ?? n.height ?? 0;
  return `${Math.round(p.x)} ${Math.round(p.y)} ${Math.round(w)} ${Math.round(h)}`;
}

/** The part of the graph on screen, in flow coordinates: `x y width height zoom`. */
function viewKey(s: ReactFlowState): string {
  const [tx, ty, zoom] = s.transform;
  return [-tx / zoom, -ty / zoom, s.width / zoom, s.height / zoom]
    .map((v) => Math.round(v))
    .concat(Math.round(zoom * 1000) / 1000)
    .join(' ');
}

export function PacketLane({ bounds }: { bounds: Rect }) {
  const entry = useTraceStore(currentEntry);
  const hop = useTraceStore((s) => s.selectedHop);
  const onTrace = useTraceStore((s) => s.sideTab === 'trace');
  const visits = useMemo(() => (entry ? nodeVisits(entry.trace) : []), [entry]);
  const visit = hop !== undefined && onTrace ? visitAt(visits, hop) : undefined;
  const box = useStore((s) => boxKey(s, visit ? `Node/${visit.node}` : undefined));
  // Only while the lane shows does panning or zooming re-render it.
  const view = useStore((s) => (visit ? viewKey(s) : ''));
  const ref = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(0);
  // The lane's height (its content: the stages, the rule), to keep it on screen.
  useLayoutEffect(() => {
    const h = ref.current?.offsetHeight ?? 0;
    if (h !== height) setHeight(h);
  }, [hop, visit, height]);

  if (!entry || hop === undefined || !visit || !box || !view) return null;
  const [x, y, width] = box.split(' ').map(Number) as [number, number, number, number];
  const [vx, vy, vw, vh, zoom] = view.split(' ').map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const current = stageAt(visit, hop);
  const h = entry.trace.hops[hop]!;
  // Constant size on screen (down to 30 % zoom), like the marker.
  const scale = 1 / Math.max(zoom, 0.3);
  const laneW = LANE_W * scale;
  const laneH = height * scale;
  const margin = 8 * scale;
  // Centred under the node's header, kept inside the graph's picture and the part on screen.
  const minX = Math.max(bounds.x, vx + margin);
  const maxX = Math.min(bounds.x + bounds.width, vx + vw - margin) - laneW;
  const left = Math.max(minX, Math.min(x + width / 2 - laneW / 2, maxX));
  // Under the header; pushed up (over the node's pods, never above the screen) if it would
  // leave the bottom of the graph pane.
  const under = y + NODE_HEADER_H - 6;
  const top = Math.max(vy + margin, Math.min(under, vy + vh - margin - laneH));
  const style = {
    transform: `translate(${left}px, ${top}px) scale(${scale})`,
    width: `${LANE_W}px`,
    '--lane-arrow-x': `${Math.round((x + width / 2 - left) / scale)}px`,
  } as CSSProperties;

  return (
    <ViewportPortal>
      <div
        ref={ref}
        className={`packet-lane${top < under - 1 ? ' is-raised' : ''}`}
        style={style}
        role="group"
        aria-label={`Packet path on ${visit.node}`}
      >
        <div className="packet-lane-head">
          <span className="packet-lane-title">Packet path</span>
          <span className="packet-lane-node">{visit.node}</span>
          <span className="packet-lane-step">
            stage {current + 1} of {visit.stages.length}
          </span>
        </div>
        <ol className="packet-lane-stages">
          {visit.stages.map((s, i) => (
            <li
              key={s.hops[0]}
              className={`packet-lane-stage${i === current ? ' is-current' : ''}${i < current ? ' is-past' : ''}`}
              aria-current={i === current ? 'step' : undefined}
              title={s.detail ? `${s.name}: ${s.detail}` : s.name}
            >
              <span className="packet-lane-name">{s.name}</span>
              {s.detail ? <span className="packet-lane-detail">{s.detail}</span> : null}
            </li>
          ))}
        </ol>
        <div className="packet-lane-rule">
          {h.chain ? (
            <>
              <span className="packet-lane-table">{h.chain.table}</span>
              <code>{h.chain.rule}</code>
            </>
          ) : (
            <span className="packet-lane-what">{h.what}</span>
          )}
        </div>
      </div>
    </ViewportPortal>
  );
}
