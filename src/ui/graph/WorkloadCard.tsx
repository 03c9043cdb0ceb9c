import { memo } from 'react';
import { Handle, Position } from '@xyflow/react';
import type { NodeProps } from '@xyflow/react';
import type { WorkloadCardNode } from './graph-model';

/** A Deployment, ReplicaSet or DaemonSet (shown with "Show ownership"): ready count and image. */
export const WorkloadCard = memo(function WorkloadCard({
  data,
  selected,
}: NodeProps<WorkloadCardNode>) {
  const v = data.view;
  const cls = [
    'k8s-card',
    'k8s-workload',
    `kind-${v.kind.toLowerCase()}`,
    selected ? 'is-selected' : '',
    data.focused ? 'is-focused' : '',
  ].join(' ');
  const [ready, desired] = v.ready.split('/');
  return (
    <div className={cls} title={`${v.namespace}/${v.name}`}>
      {v.kind === 'ReplicaSet' && (
        <Handle
          type="target"
          position={Position.Top}
          isConnectable={false}
          className="k8s-handle"
        />
      )}
      <Handle
        type="source"
        position={Position.Bottom}
        isConnectable={false}
        className="k8s-handle"
      />
      <div className="k8s-card-kind">
        <span>{v.kind}</span>
        <span className={ready === desired ? 'k8s-workload-ready' : 'k8s-workload-ready partial'}>
          {v.ready} ready
        </span>
      </div>
      <div className="k8s-card-name">{v.name}</div>
      <div className="k8s-workload-image k8s-mono">{v.image}</div>
    </div>
  );
});
