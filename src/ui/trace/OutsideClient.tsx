/**
 * The Outside client on the graph: a laptop on the node network (and, with Cloud LB on, the
 * internet behind the load balancer). Not a Kubernetes object, so not a card of the graph: a box
 * of the overlay, at the graph's left edge, always there — where the packet marker stands for a
 * request from or to the outside. Pressing it opens Send request with the outside client as the
 * sender, as "Send request from sb" does for a pod.
 */
import { ViewportPortal } from '@xyflow/react';
import type { Rect } from './packet-path';
import { outsideAnchor } from './packet-path';
import { useTraceStore } from './trace-store';

export function OutsideClient({ bounds }: { bounds: Rect }) {
  if (bounds.width <= 0) return null;
  const at = outsideAnchor(bounds);
  return (
    <ViewportPortal>
      <div
        className="packet-outside outside-client"
        style={{ transform: `translate(${at.x}px, ${at.y}px)` }}
      >
        <button
          type="button"
          className="nodrag nopan"
          title="Send a request from outside the cluster"
          aria-label="Outside client: send request"
          onClick={() => useTraceStore.getState().setFormOpen(true, 'outside')}
        >
          Outside client
        </button>
      </div>
    </ViewportPortal>
  );
}
