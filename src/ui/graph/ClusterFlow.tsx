/**
 * The Cluster graph: React Flow over the pure graph model (graph-model.ts). This component only
 * wires the stores in and the user's gestures out: selection (click, Enter) goes to the cluster
 * store, drags to the graph store, which remembers them.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useState } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  getViewportForBounds,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import type { EdgeTypes, NodeChange, NodeTypes, ReactFlowState } from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import '@xyflow/react/dist/style.css';
import { usePlayground } from '../host/context';
import { useClusterStore } from '../state/cluster-store';
import { usePlaygroundSettings } from '../state/playground-settings';
import type { ObjectsByKind } from '../state/cluster-store';
import { useEditorFocus } from '../state/editor-focus';
import { withTraceHighlight } from '../trace/graph-highlight';
import { PacketLane } from '../trace/PacketLane';
import { PacketOverlay } from '../trace/PacketOverlay';
import { takePick } from '../trace/target-pick';
import { highlightKey, useTraceStore } from '../trace/trace-store';
import { createGraphBuilder, graphId, refOfGraphId, stalePodPositions } from './graph-model';
import type { GraphNode } from './graph-model';
import { useGraphStore } from './graph-store';
import { GraphToolbar } from './GraphToolbar';
import { LaneEdge } from './LaneEdge';
import { NodeBox } from './NodeBox';
import { OverflowCard } from './OverflowCard';
import { CompactZoomClass, PodCard } from './PodCard';
import { ServiceCard } from './ServiceCard';
import { WorkloadCard } from './WorkloadCard';
import './graph.css';

// Defined once, outside any component: React Flow re-mounts every node when this object changes.
const nodeTypes: NodeTypes = {
  k8sNode: NodeBox,
  pod: PodCard,
  overflow: OverflowCard,
  service: ServiceCard,
  workload: WorkloadCard,
};

const edgeTypes: EdgeTypes = { lane: LaneEdge };

/**
 * New pod cards mounted per build, and the wait before the next build while more wait: a
 * 1,000-replica apply brings a hundred cards at once, and mounting them in one go (React Flow
 * wrappers, layout, resize observers) made a frame of 60–90 ms.
 */
const MAX_NEW_CARDS = 24;
const NEXT_CARDS_MS = 40;

// Room on the left for the zoom buttons, which sit over the canvas.
const FIT_PADDING = { top: '14px', right: '14px', bottom: '14px', left: '52px' } as const;
const MIN_ZOOM = 0.05;
const paneWidthOf = (s: ReactFlowState): number => s.width;
const paneHeightOf = (s: ReactFlowState): number => s.height;

const ARIA_LABELS = {
  'node.a11yDescription.default':
    'Press Enter or Space to select this object and show it in the inspector; Escape clears the selection.',
  'node.a11yDescription.keyboardDisabled':
    'Press Enter or Space to select this object and show it in the inspector; Escape clears the selection.',
};

function minimapClass(node: GraphNode): string {
  if (node.type === 'pod') return `minimap-pod tone-${node.data.view.tone}`;
  return `minimap-${node.type}`;
}

/**
 * The cluster's objects, at most every `2 ms × pods` (capped at 0.2 s): while a large cluster
 * churns, the engine changes some pods on every frame, and re-rendering hundreds of cards 60
 * times a second would take the frames the engine and the terminal need. A small cluster
 * updates within a frame or two. (A longer cap made each update bigger: at 0.5 s, the first
 * update after a 1,000-replica apply took a 55–60 ms frame.)
 */
function useThrottledObjects(): ObjectsByKind {
  const [objects, setObjects] = useState(() => useClusterStore.getState().objects);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const flush = () => {
      timer = undefined;
      last = performance.now();
      setObjects(useClusterStore.getState().objects);
    };
    // Catch up with anything that changed before this effect ran.
    flush();
    const unsubscribe = useClusterStore.subscribe((s, prev) => {
      if (s.objects === prev.objects || timer !== undefined) return;
      const interval = Math.min(200, 2 * (s.objects.get('Pod')?.size ?? 0));
      const wait = last + interval - performance.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);
  return objects;
}

function Flow() {
  const objects = useThrottledObjects();
  const selected = useClusterStore((s) => s.selected);
  const focused = useEditorFocus((s) => s.focused);
  const { positions, namespace, showOwnership, collapseSystem } = useGraphStore(
    useShallow((s) => ({
      positions: s.positions,
      namespace: s.namespace,
      showOwnership: s.showOwnership,
      collapseSystem: s.collapseSystem,
    })),
  );
  const { proxyMode } = usePlaygroundSettings(usePlayground());
  const [build] = useState(createGraphBuilder);
  // Bumped to build again while new pod cards wait their turn (MAX_NEW_CARDS per build).
  const [round, setRound] = useState(0);
  const graph = useMemo(
    () =>
      build({
        objects,
        options: { namespace, showOwnership, collapseSystem },
        selected,
        focused,
        positions,
        proxyMode,
        maxNewPodCards: MAX_NEW_CARDS,
      }),
    // `round` is not read by the build: it asks for another one with the same inputs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [
      build,
      objects,
      namespace,
      showOwnership,
      collapseSystem,
      selected,
      focused,
      positions,
      proxyMode,
      round,
    ],
  );
  // The trace panel's selected hop: its pod or node cards get a highlight class.
  const traced = useTraceStore(highlightKey);
  const nodes = useMemo(() => withTraceHighlight(graph.nodes, traced), [graph.nodes, traced]);
  useEffect(() => {
    if (graph.deferred === 0) return;
    const timer = setTimeout(() => setRound((r) => r + 1), NEXT_CARDS_MS);
    return () => clearTimeout(timer);
  }, [graph]);

  // Dragged positions of pods that are gone are forgotten (names come back with new pods).
  useEffect(() => {
    const { positions: current, forgetPositions } = useGraphStore.getState();
    const stale = stalePodPositions(current, objects);
    if (stale.length > 0) forgetPositions(stale);
  }, [objects]);

  // Fit the picture to the pane — on first show, when it changes shape (a box grows, a service
  // appears) and when the pane is resized — unless the user has zoomed or panned since the last
  // fit: then the view is theirs until "Fit view". Computed and applied before the browser
  // paints (React Flow's own fitView waits a frame), so a burst of new pods is drawn once, at
  // the zoom it will be seen at.
  const { setViewport } = useReactFlow();
  const paneWidth = useStore(paneWidthOf);
  const paneHeight = useStore(paneHeightOf);
  // The minimap shows while the user looks at a part of the picture (after zooming or panning);
  // while everything fits, it would only cover a corner of it.
  const [autoFit, setAutoFit] = useState(true);
  // While the user drags a box the view holds still; it refits once the box is dropped.
  const [dragging, setDragging] = useState(false);
  const onNodeDragStart = useCallback(() => setDragging(true), []);
  const onNodeDragStop = useCallback(() => setDragging(false), []);
  const { x: bx, y: by, width: bw, height: bh } = graph.bounds;
  const fit = useCallback(
    (duration: number) => {
      if (paneWidth === 0 || paneHeight === 0 || bw === 0) return;
      const viewport = getViewportForBounds(
        { x: bx, y: by, width: bw, height: bh },
        paneWidth,
        paneHeight,
        MIN_ZOOM,
        1,
        FIT_PADDING,
      );
      void setViewport(viewport, duration ? { duration } : undefined);
    },
    [setViewport, paneWidth, paneHeight, bx, by, bw, bh],
  );
  // No animation here: a zoom animation repaints every card on every frame.
  useLayoutEffect(() => {
    if (autoFit && !dragging) fit(0);
  }, [autoFit, dragging, fit]);
  const onFitView = useCallback(() => {
    setAutoFit(true);
    fit(300);
  }, [fit]);
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event) setAutoFit(false);
  }, []);

  const onNodesChange = useCallback((changes: NodeChange<GraphNode>[]) => {
    const { setPosition } = useGraphStore.getState();
    const { select, selected: current } = useClusterStore.getState();
    let chosen: string | undefined;
    let cleared = false;
    for (const c of changes) {
      if (c.type === 'position' && c.position) setPosition(c.id, c.position);
      else if (c.type === 'select') {
        if (c.selected) chosen = c.id;
        else if (current && c.id === graphId(current)) cleared = true;
      }
    }
    if (chosen !== undefined) {
      const ref = refOfGraphId(chosen);
      // The Send request form's "Pick on graph" takes the click as its target instead.
      if (ref && !takePick(ref)) select(ref);
    } else if (cleared) select(undefined);
  }, []);

  return (
    <div className="k8s-graph">
      <GraphToolbar namespaces={graph.namespaces} onFitView={onFitView} />
      <div className="k8s-flow">
        <ReactFlow<GraphNode>
          nodes={nodes}
          edges={graph.edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onMoveStart={onMoveStart}
          onNodeDragStart={onNodeDragStart}
          onNodeDragStop={onNodeDragStop}
          nodesConnectable={false}
          edgesFocusable={false}
          edgesReconnectable={false}
          deleteKeyCode={null}
          selectionKeyCode={null}
          multiSelectionKeyCode={null}
          selectNodesOnDrag={false}
          minZoom={MIN_ZOOM}
          maxZoom={2}
          ariaLabelConfig={ARIA_LABELS}
        >
          <CompactZoomClass />
          <Background variant={BackgroundVariant.Dots} gap={24} size={1.2} />
          <PacketOverlay bounds={graph.bounds} />
          <PacketLane bounds={graph.bounds} />
          {!autoFit && (
            <MiniMap<GraphNode>
              pannable
              zoomable
              ariaLabel="Minimap of the cluster graph"
              nodeClassName={minimapClass}
              nodeBorderRadius={4}
              style={{ width: 150, height: 96 }}
            />
          )}
          <Controls showInteractive={false} showFitView={false} aria-label="Zoom" />
        </ReactFlow>
      </div>
    </div>
  );
}

/** The graph with its own React Flow provider (the toolbar's Fit view needs the instance). */
export default function ClusterFlow() {
  return (
    <ReactFlowProvider>
      <Flow />
    </ReactFlowProvider>
  );
}
