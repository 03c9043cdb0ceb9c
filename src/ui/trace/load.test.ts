import { describe, expect, it } from 'vitest';
import type { Trace } from '../../engine';
import { PlaygroundHost } from '../host/playground-host';
import { LESSON_FILES } from '../host/lesson-files';
import {
  answeredBy,
  batchSizes,
  timedBatchSize,
  emptyTally,
  failedCount,
  loadBars,
  runLoad,
  tallyTraces,
} from './load';
import { loadTitle, startLoad, useLoadStore } from './load-bridge';
import { lessonCluster } from './testing';
import { SESSION_KEY } from '../host/session-log';

const ok = (pod: string | undefined): Trace => ({
  request: { from: 'node/node1', method: 'GET', url: 'http://10.96.0.9/', host: '10.96.0.9' },
  hops: [],
  outcome: { ok: true, status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: [], body: '' },
  durationMs: 1,
  server: {
    node: 'node1',
    ...(pod ? { pod } : {}),
    ip: '10.244.1.2',
    port: 80,
    peer: { ip: '10.244.1.1', port: 40000 },
  },
});
const fail = (error: 'refused' | 'timeout'): Trace => ({
  request: { from: 'node/node1', method: 'GET', url: 'http://10.96.0.9/', host: '10.96.0.9' },
  hops: [],
  outcome: { ok: false, error, message: error, connected: false },
  durationMs: 1,
});

describe('batchSizes', () => {
  it.each([
    [0, 50, []],
    [10, 50, [10]],
    [100, 50, [50, 50]],
    [110, 50, [50, 50, 10]],
    [1000, 50, Array.from({ length: 20 }, () => 50)],
    [7, 3, [3, 3, 1]],
  ])('%i requests, %i per frame', (count, per, sizes) => {
    expect(batchSizes(count, per)).toEqual(sizes);
  });
});

describe('tallying', () => {
  it('counts answers per pod and failures per kind, without touching the old tally', () => {
    const t0 = emptyTally(6);
    const t1 = tallyTraces(t0, [ok('default/a'), ok('default/b'), fail('refused')]);
    const t2 = tallyTraces(t1, [ok('default/a'), fail('timeout'), fail('refused')]);
    expect(t0).toEqual({ total: 6, sent: 0, answered: {}, failed: {} });
    expect(t1).toEqual({
      total: 6,
      sent: 3,
      answered: { 'default/a': 1, 'default/b': 1 },
      failed: { refused: 1 },
    });
    expect(t2).toEqual({
      total: 6,
      sent: 6,
      answered: { 'default/a': 2, 'default/b': 1 },
      failed: { refused: 2, timeout: 1 },
    });
    expect(failedCount(t2)).toBe(3);
  });

  it('a server without a pod is named by ip:port', () => {
    expect(answeredBy(ok(undefined))).toBe('10.244.1.2:80');
    expect(answeredBy(ok('kube-system/x'))).toBe('kube-system/x');
    expect(answeredBy(fail('refused'))).toBe(undefined);
  });

  it('bars: pods by name (default namespace left out), then the failures with their kinds', () => {
    const t = tallyTraces(emptyTally(4), [
      ok('default/b'),
      ok('web/a'),
      fail('timeout'),
      fail('refused'),
    ]);
    expect(loadBars(t)).toEqual([
      { key: 'pod:default/b', label: 'b', count: 1, share: 0.25, failed: false },
      { key: 'pod:web/a', label: 'web/a', count: 1, share: 0.25, failed: false },
      {
        key: 'failed',
        label: 'failed',
        count: 2,
        share: 0.5,
        failed: true,
        detail: 'refused 1 · timeout 1',
      },
    ]);
    expect(loadBars(emptyTally(10))).toEqual([
      { key: 'failed', label: 'failed', count: 0, share: 0, failed: true },
    ]);
  });
});

/** A scheduler driven by hand: `frame()` runs what was scheduled. */
function frames() {
  let queue: Array<() => void> = [];
  return {
    schedule(fn: () => void) {
      queue.push(fn);
      return () => {
        queue = queue.filter((f) => f !== fn);
      };
    },
    frame() {
      const q = queue;
      queue = [];
      for (const f of q) f();
    },
    get pending() {
      return queue.length;
    },
  };
}

describe('runLoad', () => {
  it('sends one batch per frame and reports the tally after each, then done', () => {
    const f = frames();
    const sent: number[] = [];
    const progress: number[] = [];
    let done: number | undefined;
    runLoad({
      count: 120,
      perBatch: 50,
      sendBatch: (n) => {
        sent.push(n);
        return Array.from({ length: n }, () => ok('default/a'));
      },
      onProgress: (t) => progress.push(t.sent),
      onDone: (t) => (done = t.sent),
      schedule: f.schedule,
    });
    expect(sent).toEqual([]);
    f.frame();
    expect(sent).toEqual([50]);
    expect(done).toBe(undefined);
    f.frame();
    f.frame();
    expect(sent).toEqual([50, 50, 20]);
    expect(progress).toEqual([50, 100, 120]);
    expect(done).toBe(120);
    expect(f.pending).toBe(0);
  });

  it('stop drops the batches not sent yet and reports what was sent', () => {
    const f = frames();
    let done: number | undefined;
    const stop = runLoad({
      count: 1000,
      sendBatch: (n) => Array.from({ length: n }, () => fail('refused')),
      onProgress: () => undefined,
      onDone: (t) => (done = t.sent),
      schedule: f.schedule,
    });
    f.frame();
    stop();
    expect(done).toBe(50);
    expect(f.pending).toBe(0);
  });
});

describe('timed batches', () => {
  it.each([
    [undefined, 100, 5],
    [1, 100, 8],
    [0.1, 100, 50],
    [0, 100, 50],
    [0.5, 3, 3],
    [20, 100, 1],
  ])('%s ms a request, %i left: %i', (ms, left, n) => {
    expect(timedBatchSize(ms, left)).toBe(n);
  });

  it('sizes each batch from what the last one cost, until all are sent', () => {
    const f = frames();
    let clock = 0;
    const sent: number[] = [];
    let done: number | undefined;
    runLoad({
      count: 30,
      now: () => clock,
      sendBatch: (n) => {
        sent.push(n);
        clock += n * 2; // 2 ms a request
        return Array.from({ length: n }, () => ok('default/a'));
      },
      onProgress: () => undefined,
      onDone: (t) => (done = t.sent),
      schedule: f.schedule,
    });
    for (let i = 0; i < 10; i++) f.frame();
    expect(sent).toEqual([5, 4, 4, 4, 4, 4, 4, 1]);
    expect(done).toBe(30);
    expect(f.pending).toBe(0);
  });
});

describe('a load on the lesson cluster', () => {
  const fromNode1 = (ip: string) => ({
    from: { kind: 'node' as const, name: 'node1' },
    url: `http://${ip}/`,
  });

  it('100 requests to httpd2 spread over its three pods; with one refusing, some fail', () => {
    const l = lessonCluster();
    const send = () => Array.from({ length: 100 }, () => l.request(fromNode1(l.clusterIP)));
    const before = tallyTraces(emptyTally(100), send());
    const bars = loadBars(before);
    expect(bars.map((b) => b.label).slice(0, 3)).toEqual(
      l.endpoints.map((e) => l.podOf(e).slice('default/'.length)).sort(),
    );
    expect(bars.filter((b) => !b.failed).reduce((a, b) => a + b.count, 0)).toBe(100);
    expect(failedCount(before)).toBe(0);

    const victim = l.podOf(l.endpoints[0]!).slice('default/'.length);
    l.cluster.shell.runOnMaster(
      `kubectl annotate pod ${victim} playground/fault=refuse --overwrite`,
    );
    const after = tallyTraces(emptyTally(100), send());
    expect(after.answered[`default/${victim}`]).toBe(undefined);
    expect(after.failed.refused).toBeGreaterThan(0);
    expect(failedCount(after)).toBe(after.failed.refused);

    l.cluster.shell.runOnMaster('playground proxy-mode userspace');
    l.cluster.advance(5_000);
    const userspace = tallyTraces(emptyTally(100), send());
    expect(failedCount(userspace)).toBe(0);
  });

  it('startLoad logs one entry per batch, and a reload replays them to the same cluster', () => {
    const storage = new Map<string, string>();
    const mem = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    };
    const a = new PlaygroundHost({ files: LESSON_FILES, storage: mem });
    a.run('kubectl apply -f deployment.yml -f service.yml');
    a.cluster.advance(120_000);
    const ip = (a.cluster.store.get('Service', 'default', 'httpd2')?.spec as { clusterIP: string })
      .clusterIP;
    const f = frames();
    const request = fromNode1(ip);
    startLoad(a, request, 120, f.schedule);
    expect(useLoadStore.getState().running).toBe(true);
    expect(useLoadStore.getState().title).toBe(`GET http://${ip}/ from node1`);
    f.frame();
    f.frame();
    f.frame();
    const s = useLoadStore.getState();
    expect(s.running).toBe(false);
    expect(s.tally?.sent).toBe(120);
    expect(failedCount(s.tally!)).toBe(0);
    const log = (JSON.parse(storage.get(SESSION_KEY)!) as { log: Array<{ op: string }> }).log;
    expect(log.filter((e) => e.op === 'load')).toEqual([
      { at: a.cluster.now(), op: 'load', request, count: 50 },
      { at: a.cluster.now(), op: 'load', request, count: 50 },
      { at: a.cluster.now(), op: 'load', request, count: 20 },
    ]);
    a.save();
    const b = new PlaygroundHost({ files: LESSON_FILES, storage: mem });
    const next = (h: PlaygroundHost) =>
      Array.from({ length: 12 }, () => h.request(request).server?.pod);
    expect(next(b)).toEqual(next(a));
  });

  it('loadTitle names the sender', () => {
    expect(loadTitle({ from: { kind: 'outside' }, url: 'http://x/' })).toBe(
      'GET http://x/ from the laptop',
    );
    expect(
      loadTitle({
        from: { kind: 'pod', namespace: 'default', name: 'sb' },
        address: '10.0.0.1',
        port: 80,
        method: 'POST',
      }),
    ).toBe('POST 10.0.0.1:80 from default/sb');
  });
});
