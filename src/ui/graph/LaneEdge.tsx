import { memo } from 'react';
import { BaseEdge, Position } from '@xyflow/react';
import type { EdgeProps } from '@xyflow/react';
import { laneRoute, roundedPath } from './edge-path';
import type { GraphEdge } from './graph-model';

/** A wire routed through corridors and lanes (edge-path.ts). */
export const LaneEdge = memo(function LaneEdge({
  sourceX,
  sourceY,
  targetX,
  targetY,
  targetPosition,
  data,
  style,
}: EdgeProps<GraphEdge>) {
  const target =
    targetPosition === Position.Left ? 'left' : targetPosition === Position.Right ? 'right' : 'top';
  const path = roundedPath(laneRoute(sourceX, sourceY, targetX, targetY, target, data?.lane ?? 0));
  return <BaseEdge path={path} {...(style ? { style } : {})} interactionWidth={0} />;
});
