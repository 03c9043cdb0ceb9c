import { memo, useEffect } from 'react';
import { Handle, Position, useStore } from '@xyflow/react';
import type { NodeProps, ReactFlowState } from '@xyflow/react';
import { OWNER_HANDLE } from './graph-model';
import type { PodCardNode } from './graph-model';
import { StatusIcon } from './StatusIcon';
import { splitName } from './views';
import './fault-badge.css';

/**
 * Below this zoom a card's text would be a few pixels tall: pods turn into tiles showing their
 * status by colour and icon only (their accessible names stay whole). Drawing hundreds of
 * unreadable text lines is most of what a large cluster costs to render. The switch is a class
 * on the graph (CompactZoomClass), not a prop: crossing the threshold while a burst of pods
 * makes the boxes grow restyles the cards instead of re-rendering every one of them.
 */
export const COMPACT_ZOOM = 0.4;
const isCompact = (s: ReactFlowState): boolean => s.transform[2] < COMPACT_ZOOM;

/** Puts `k8s-compact` on the graph's root element while the zoom is below COMPACT_ZOOM. */
export function CompactZoomClass() {
  const compact = useStore(isCompact);
  const root = useStore((s) => s.domNode);
  useEffect(() => {
    root?.classList.toggle('k8s-compact', compact);
  }, [root, compact]);
  return null;
}

/** A pod inside its node box: name, kubectl STATUS (colour + icon + text), READY, IP, containers. */
export const PodCard = memo(function PodCard({ data, selected }: NodeProps<PodCardNode>) {
  const v = data.view;
  const cls = [
    'k8s-card',
    'k8s-pod',
    `tone-${v.tone}`,
    selected ? 'is-selected' : '',
    data.focused ? 'is-focused' : '',
  ].join(' ');
  return (
    <div className={cls} title={`${v.namespace}/${v.name}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} className="k8s-handle" />
      <Handle
        type="target"
        id={OWNER_HANDLE}
        position={Position.Right}
        isConnectable={false}
        className="k8s-handle"
      />
      <span className="k8s-pod-tile">
        <StatusIcon tone={v.tone} status={v.status} />
      </span>
      <NameLine name={v.name} />
      <div className="k8s-pod-status">
        <StatusIcon tone={v.tone} status={v.status} />
        <span className="k8s-pod-status-text">{v.status}</span>
        {v.restarts > 0 && <span className="k8s-pod-restarts">↻{v.restarts}</span>}
        {v.fault && (
          <span className="k8s-fault-badge" title={`playground/fault=${v.fault}`}>
            {v.fault}
          </span>
        )}
        <span className={v.allReady ? 'k8s-pod-ready' : 'k8s-pod-ready not-ready'}>{v.ready}</span>
      </div>
      <div className="k8s-pod-meta">
        <span className="k8s-mono">{v.ip || 'no IP yet'}</span>
        <span className="k8s-pod-containers">{v.containers}</span>
      </div>
    </div>
  );
});

/** The name with a middle ellipsis when it does not fit (see splitName). */
function NameLine({ name }: { name: string }) {
  const [head, tail] = splitName(name);
  return (
    <div className="k8s-pod-name">
      <span className="k8s-name-head">{head}</span>
      {tail && <span className="k8s-name-tail">{tail}</span>}
    </div>
  );
}
