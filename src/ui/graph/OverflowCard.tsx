import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import type { OverflowCardNode } from './graph-model';
import { StatusIcon } from './StatusIcon';
import { podTone } from './views';

/**
 * The last card of a box with more pods than it draws (graph-model.ts MAX_POD_CARDS): how many
 * more, and their statuses with counts, so a 1,000-replica Deployment still reads at a glance
 * ("+780 more pods · 780 Pending"). `kubectl get pods` lists them all.
 */
export const OverflowCard = memo(function OverflowCard({ data }: NodeProps<OverflowCardNode>) {
  return (
    <div className="k8s-card k8s-overflow" title="kubectl get pods lists them all">
      <div className="k8s-overflow-count">+{data.count} more pods</div>
      <div className="k8s-overflow-statuses">
        {data.statuses.slice(0, 3).map(([status, n]) => (
          <span key={status} className={`k8s-overflow-status tone-${podTone(status)}`}>
            <StatusIcon tone={podTone(status)} status={status} />
            {n} {status}
          </span>
        ))}
        {data.statuses.length > 3 && <span>…</span>}
      </div>
    </div>
  );
});
