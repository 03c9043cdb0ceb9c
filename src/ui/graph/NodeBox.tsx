import { memo } from 'react';
import { Handle, Position } from '@xyflow/react';
import type { NodeProps } from '@xyflow/react';
import type { NodeBoxNode } from './graph-model';
import './fault-badge.css';

/**
 * A node as a large box: name, readiness, role, kube-proxy mode, InternalIP and pod CIDR in the
 * header; its pods are React Flow children laid over the body. Also the "Unscheduled" box.
 */
export const NodeBox = memo(function NodeBox({ data, selected }: NodeProps<NodeBoxNode>) {
  const v = data.view;
  const cls = [
    'k8s-node-box',
    v ? `node-${v.ready.toLowerCase()}` : 'unscheduled',
    selected ? 'is-selected' : '',
    data.focused ? 'is-focused' : '',
  ].join(' ');
  const hidden: string[] = [];
  if (data.collapsedSystemPods > 0)
    hidden.push(
      `${data.collapsedSystemPods} kube-system pod${plural(data.collapsedSystemPods)} collapsed`,
    );
  if (data.otherNamespacePods > 0)
    hidden.push(
      `${data.otherNamespacePods} pod${plural(data.otherNamespacePods)} in other namespaces`,
    );
  return (
    <div className={cls}>
      <Handle type="target" position={Position.Top} isConnectable={false} className="k8s-handle" />
      {v ? (
        <header className="k8s-node-header">
          <div className="k8s-node-title">
            <ServerIcon />
            <span className="k8s-node-name">{v.name}</span>
            {/* kubectl prints a cordoned node as Ready,SchedulingDisabled. */}
            <span
              className={`k8s-badge node-ready-${v.ready.toLowerCase()}${v.unschedulable ? ' cordoned' : ''}`}
              title={v.unschedulable ? `${v.ready},SchedulingDisabled (cordoned)` : undefined}
            >
              {v.ready === 'Ready' ? '✓' : '✕'} {v.ready}
              {v.unschedulable && ' · cordoned'}
            </span>
            {v.fault && (
              <span className="k8s-fault-badge" title={`playground/fault=${v.fault}`}>
                {v.fault}
              </span>
            )}
          </div>
          <div className="k8s-node-badges">
            <span className={`k8s-badge role-${v.role}`}>{v.role}</span>
            <span className="k8s-badge proxy" title={`kube-proxy mode: ${data.proxyMode}`}>
              proxy <strong>{data.proxyMode}</strong>
            </span>
          </div>
          <div className="k8s-node-addresses k8s-mono">
            <span title="InternalIP">{v.ip}</span>
            <span title="Pod CIDR">{v.podCIDR}</span>
          </div>
        </header>
      ) : (
        <header className="k8s-node-header">
          <div className="k8s-node-title">
            <span className="k8s-node-name">Unscheduled</span>
          </div>
          <div className="k8s-node-note">Pods waiting for a node</div>
        </header>
      )}
      {data.podCount === 0 && <p className="k8s-node-empty">No pods</p>}
      {hidden.length > 0 && <p className="k8s-node-hidden">{hidden.join(' · ')}</p>}
    </div>
  );
});

const plural = (n: number): string => (n === 1 ? '' : 's');

function ServerIcon() {
  return (
    <svg className="k8s-node-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <rect
        x="2"
        y="2.5"
        width="12"
        height="4.5"
        rx="1"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
      />
      <rect
        x="2"
        y="9"
        width="12"
        height="4.5"
        rx="1"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
      />
      <circle cx="4.6" cy="4.75" r="0.9" fill="currentColor" />
      <circle cx="4.6" cy="11.25" r="0.9" fill="currentColor" />
    </svg>
  );
}
