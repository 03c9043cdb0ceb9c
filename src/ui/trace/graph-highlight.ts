/**
 * The graph's side of the trace panel: the cards of the selected hop's pod or node get a class
 * (styled in trace.css), added to the nodes the graph model built — the model and its caches stay
 * untouched, and only the one or two highlighted nodes are new objects.
 */

export const TRACE_HOP_CLASS = 'trace-hop-target';

/** The nodes, those whose id is in `key` (ids joined by newlines, see highlightKey) marked. */
export function withTraceHighlight<N extends { id: string; className?: string }>(
  nodes: N[],
  key: string,
): N[] {
  if (key === '') return nodes;
  const ids = new Set(key.split('\n'));
  return nodes.map((n) =>
    ids.has(n.id)
      ? { ...n, className: n.className ? `${n.className} ${TRACE_HOP_CLASS}` : TRACE_HOP_CLASS }
      : n,
  );
}
