import { describe, expect, it } from 'vitest';
import { TRACE_HOP_CLASS, withTraceHighlight } from './graph-highlight';

describe('withTraceHighlight', () => {
  const nodes = [
    { id: 'Node/node1' },
    { id: 'Pod/default/sb', className: 'x' },
    { id: 'Pod/default/other' },
  ];
  it('marks the nodes named, keeps the others as they are', () => {
    const out = withTraceHighlight(nodes, 'Node/node1\nPod/default/sb');
    expect(out.map((n) => n.className)).toEqual([
      TRACE_HOP_CLASS,
      `x ${TRACE_HOP_CLASS}`,
      undefined,
    ]);
    expect(out[2]).toBe(nodes[2]);
  });
  it('nothing to highlight: the same array', () => {
    expect(withTraceHighlight(nodes, '')).toBe(nodes);
  });
});
