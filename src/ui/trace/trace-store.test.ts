import { beforeEach, describe, expect, it } from 'vitest';
import type { Service } from 'kubernetes-types/core/v1';
import type { KObject, Trace } from '../../engine';
import { PlaygroundHost } from '../host/playground-host';
import { LESSON_FILES } from '../host/lesson-files';
import { bindTraces, sendFromForm } from './trace-bridge';
import {
  MAX_ENTRIES,
  listKeyDelta,
  currentEntry,
  highlightKey,
  newTraces,
  stepHop,
  useTraceStore,
} from './trace-store';

const fake = (n: number): Trace => ({
  request: { from: 'node/node1', method: 'GET', url: `http://10.96.0.${n}/`, host: '' },
  hops: [
    { kind: 'send', node: 'node1', what: 'send', atMs: 0.1 },
    { kind: 'deliver', node: 'node2', pod: 'default/web', what: 'deliver', atMs: 0.2 },
    {
      kind: 'wire',
      node: 'node1',
      what: 'VXLAN: node1 1.1.1.1 → node2 2.2.2.2 (UDP 8472)',
      atMs: 0.3,
    },
  ],
  outcome: { ok: false, error: 'refused', message: 'Connection refused', connected: false },
  durationMs: 0.3,
});

beforeEach(() => {
  useTraceStore.setState({ sideTab: 'inspector', showAll: false, formOpen: false });
  useTraceStore.getState().clear();
});

describe('the trace store', () => {
  it('add shows the new trace, brings up the Trace tab and clears the hop selection', () => {
    const s = useTraceStore.getState();
    const first = s.add(fake(1), 'terminal', ['a', 'b', 'c'], 'curl 10.96.0.1');
    s.selectHop(2);
    const second = useTraceStore.getState().add(fake(2), 'form', []);
    const now = useTraceStore.getState();
    expect(second).toBe(first + 1);
    expect(now.currentId).toBe(second);
    expect(now.selectedHop).toBe(undefined);
    expect(now.sideTab).toBe('trace');
    expect(now.entries.map((e) => [e.source, e.command])).toEqual([
      ['terminal', 'curl 10.96.0.1'],
      ['form', undefined],
    ]);
    now.selectTrace(first);
    expect(currentEntry(useTraceStore.getState())?.trace.request.url).toBe('http://10.96.0.1/');
  });

  it(`keeps the last ${MAX_ENTRIES} traces`, () => {
    for (let i = 0; i < MAX_ENTRIES + 5; i++) useTraceStore.getState().add(fake(i), 'form', []);
    const { entries } = useTraceStore.getState();
    expect(entries).toHaveLength(MAX_ENTRIES);
    expect(entries[0]!.trace.request.url).toBe('http://10.96.0.5/');
  });

  it('highlights the selected hop’s pod or nodes, only while the Trace tab shows', () => {
    const s = useTraceStore.getState();
    s.add(fake(1), 'form', []);
    expect(highlightKey(useTraceStore.getState())).toBe('');
    s.selectHop(1);
    expect(highlightKey(useTraceStore.getState())).toBe('Pod/default/web');
    s.selectHop(2);
    expect(highlightKey(useTraceStore.getState())).toBe('Node/node1\nNode/node2');
    s.setSideTab('inspector');
    expect(highlightKey(useTraceStore.getState())).toBe('');
  });

  it('opening the form brings up the Trace tab', () => {
    useTraceStore.getState().setFormOpen(true);
    expect(useTraceStore.getState().sideTab).toBe('trace');
    useTraceStore.getState().setFormOpen(false);
    expect(useTraceStore.getState().formOpen).toBe(false);
  });
});

describe('stepHop (↑/↓, Home/End over the visible hops)', () => {
  const visible = [0, 1, 4, 7];
  it.each<[number | undefined, number, number | undefined]>([
    [undefined, 1, 0],
    [undefined, -1, 7],
    [1, 1, 4],
    [4, -1, 1],
    [7, 1, 7],
    [0, -1, 0],
    [2, 1, 4], // hidden: the next visible
    [2, -1, 1], // hidden: the previous visible
    [9, -1, 7],
    [4, -Infinity, 0],
    [1, Infinity, 7],
  ])('from %s by %s → %s', (from, delta, want) => {
    expect(stepHop(from, delta, visible)).toBe(want);
  });
  it('nothing visible: nothing selected', () => {
    expect(stepHop(3, 1, [])).toBe(undefined);
  });
});

describe('newTraces', () => {
  const [a, b, c] = [fake(1), fake(2), fake(3)];
  it.each<[string, Trace[], Trace | undefined, Trace[]]>([
    ['after the last seen', [a, b, c], a, [b, c]],
    ['none new', [a, b], b, []],
    ['nothing seen yet', [a, b], undefined, [a, b]],
    ['the seen one fell off the cap', [b, c], fake(0), [b, c]],
  ])('%s', (_label, list, seen, want) => {
    expect(newTraces(list, seen)).toEqual(want);
  });
});

describe('bindTraces: the terminal’s requests reach the panel', () => {
  it('after a command, its traces are added (newest shown); a reset empties the panel', () => {
    const host = new PlaygroundHost({ files: LESSON_FILES });
    host.run('kubectl apply -f deployment.yml -f service.yml');
    host.cluster.advance(120_000);
    const unbind = bindTraces(host);
    const ip = (host.cluster.store.get('Service', 'default', 'httpd2') as Service & KObject).spec!
      .clusterIP!;
    host.run(`curl -s ${ip}`);
    host.run('kubectl get pods');
    host.run(`curl -s ${ip}; curl -s ${ip}/nope`);
    const s = useTraceStore.getState();
    expect(
      s.entries.map((e) => [e.command, e.trace.request.url, e.trace.hops.length === e.why.length]),
    ).toEqual([
      [`curl -s ${ip}`, `http://${ip}/`, true],
      [`curl -s ${ip}; curl -s ${ip}/nope`, `http://${ip}/`, true],
      [`curl -s ${ip}; curl -s ${ip}/nope`, `http://${ip}/nope`, true],
    ]);
    expect(currentEntry(s)?.trace.request.url).toBe(`http://${ip}/nope`);
    const why = currentEntry(s)!.why;
    expect(why.some((w) => w.startsWith('dst is the ClusterIP'))).toBe(true);

    // The form's request goes the same way.
    sendFromForm(host, { from: { kind: 'outside' }, url: `http://${ip}/` });
    expect(currentEntry(useTraceStore.getState())?.source).toBe('form');

    host.reset();
    expect(useTraceStore.getState().entries).toEqual([]);
    unbind();
  });
});

describe('listKeyDelta', () => {
  it.each([
    ['ArrowDown', 1],
    ['ArrowUp', -1],
    ['Home', -Infinity],
    ['End', Infinity],
    ['Enter', 0],
  ])('%s → %d', (key, delta) => expect(listKeyDelta(key)).toBe(delta));
});
