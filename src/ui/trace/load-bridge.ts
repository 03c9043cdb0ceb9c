/**
 * The Trace panel's Load, wired to the host: `startLoad(host, request, count)` sends the batches
 * (sized to a frame's budget) one per animation frame through `host.requestMany` (each batch one session-log entry, so a
 * reload sends them again at the same virtual instants), keeps the tally in a small store the
 * chart reads, and shows the last request's trace in the panel when it is done (and its dots on
 * the graph have landed).
 */
import { create } from 'zustand';
import type { ClusterRequest, Trace } from '../../engine';
import type { PlaygroundHost } from '../host/playground-host';
import type { LoadTally } from './load';
import { emptyTally, runLoad } from './load';
import { usePlayback } from './playback';
import { showTrace } from './trace-bridge';
import { useTraceStore } from './trace-store';

export interface LoadState {
  /** The running or last load; undefined before the first. */
  tally: LoadTally | undefined;
  /** `GET http://10.96.0.10/ from node1`. */
  title: string;
  running: boolean;
  stop: ((silent?: boolean) => void) | undefined;
  clear(): void;
}

export const useLoadStore = create<LoadState>()((set) => ({
  tally: undefined,
  title: '',
  running: false,
  stop: undefined,
  clear: () => set({ tally: undefined, title: '', running: false, stop: undefined }),
}));

const senderName = (r: ClusterRequest): string =>
  r.from.kind === 'outside'
    ? 'the laptop'
    : r.from.kind === 'node'
      ? r.from.name
      : `${r.from.namespace}/${r.from.name}`;

export function loadTitle(r: ClusterRequest): string {
  const target = r.url ?? `${r.address ?? ''}:${r.port ?? ''}`;
  return `${r.method ?? 'GET'} ${target} from ${senderName(r)}`;
}

type Scheduler = (fn: () => void) => () => void;

const animationFrame: Scheduler = (fn) => {
  const id = requestAnimationFrame(() => fn());
  return () => cancelAnimationFrame(id);
};

/**
 * What the graph's Load dots (LoadDots.tsx) hear: a Load starting (its request count), then its
 * traces batch by batch. A plain listener set, not store state: the traces are not rendered by
 * React, and 1,000 of them are not kept anywhere else.
 */
export type LoadEvent =
  | { type: 'start'; run: number; count: number }
  | { type: 'traces'; run: number; first: number; traces: readonly Trace[] };

const loadListeners = new Set<(e: LoadEvent) => void>();
let runs = 0;

/**
 * Set by the graph's Load dots: `hook(run, fn)` calls `fn` once the run's last dot has landed
 * and returns true, or returns false when it is not animating that run (then `fn` runs now).
 */
let landingHook: ((run: number, fn: () => void) => boolean) | undefined;
export function setLandingHook(hook: ((run: number, fn: () => void) => boolean) | undefined): void {
  landingHook = hook;
}

export function onLoadEvent(fn: (e: LoadEvent) => void): () => void {
  loadListeners.add(fn);
  return () => loadListeners.delete(fn);
}

const emit = (e: LoadEvent) => {
  for (const l of loadListeners) l(e);
};

/** Forget the load when the cluster is reset. Returns the unbind function. */
export function bindLoad(host: PlaygroundHost): () => void {
  return host.subscribe((changes) => {
    if (changes !== undefined) return;
    useLoadStore.getState().stop?.(true);
    useLoadStore.getState().clear();
  });
}

/** Send `count` requests, a batch per frame; stops the load that was running, if any. */
export function startLoad(
  host: PlaygroundHost,
  request: ClusterRequest,
  count: number,
  schedule: Scheduler = animationFrame,
): void {
  useLoadStore.getState().stop?.();
  const run = ++runs;
  const finish = (tally: LoadTally, last: Trace | undefined) => {
    useLoadStore.setState({ tally, running: false, stop: undefined });
    if (!last) return;
    // The last request's trace plays in the panel once the Load's dots have landed: the two
    // animations do not compete for the same frames.
    const show = () => void showTrace(host.cluster, last, 'form');
    if (!landingHook?.(run, show)) show();
  };
  useLoadStore.setState({ tally: emptyTally(count), title: loadTitle(request), running: true });
  // The dots tell this story: the single request's marker and its node's lane step aside.
  usePlayback.getState().setPlaying(false);
  useTraceStore.getState().selectHop(undefined);
  let sent = 0;
  emit({ type: 'start', run, count });
  const stop = runLoad({
    count,
    sendBatch: (n) => {
      const traces = host.requestMany(request, n);
      emit({ type: 'traces', run, first: sent, traces });
      sent += traces.length;
      return traces;
    },
    onProgress: (tally) => useLoadStore.setState({ tally }),
    onDone: finish,
    schedule,
    // In the page, batches fit a frame's budget; tests drive frames by hand with fixed batches.
    ...(schedule === animationFrame ? { now: () => performance.now() } : {}),
  });
  if (useLoadStore.getState().running) useLoadStore.setState({ stop });
}
