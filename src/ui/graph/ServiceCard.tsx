import { memo } from 'react';
import { Handle, Position } from '@xyflow/react';
import type { NodeProps } from '@xyflow/react';
import type { ServiceCardNode } from './graph-model';

/** A Service above the nodes: type, name, ClusterIP, ports (NodePort after the colon). */
export const ServiceCard = memo(function ServiceCard({
  data,
  selected,
}: NodeProps<ServiceCardNode>) {
  const v = data.view;
  const cls = [
    'k8s-card',
    'k8s-service',
    selected ? 'is-selected' : '',
    data.focused ? 'is-focused' : '',
  ].join(' ');
  return (
    <div className={cls} title={`${v.namespace}/${v.name}`}>
      <Handle
        type="source"
        position={Position.Bottom}
        isConnectable={false}
        className="k8s-handle"
      />
      <div className="k8s-card-kind">
        <span>Service</span>
        <span className={`k8s-badge svc-${v.type.toLowerCase()}`}>{v.type}</span>
        <span className="k8s-service-endpoints" title="Ready endpoints / endpoints">
          {data.endpoints} ready
        </span>
      </div>
      <div className="k8s-card-name">{v.name}</div>
      <div className="k8s-service-addr k8s-mono">
        <span>{v.clusterIP}</span>
        <span className="k8s-service-ports">{v.ports.join(', ')}</span>
      </div>
    </div>
  );
});
