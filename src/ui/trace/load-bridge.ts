/**
 * The Trace panel's Load, wired to the host: `startLoad(host, request, count)` sends the batches
 * one per animation frame through `host.requestMany` (each batch one session-log entry, so a
 * reload sends them again at the same virtual instants), keeps the tally in a small store the
 * chart reads, and shows the last request's trace in the panel when it is done.
 */
import { create } from 'zustand';
import type { ClusterRequest, Trace } from '../../engine';
import type { PlaygroundHost } from '../host/playground-host';
import type { LoadTally } from './load';
import { emptyTally, runLoad } from './load';
import { showTrace } from './trace-bridge';

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

/** Send `count` requests, a batch per frame; stops the load that was running, if any. */
/** Forget the load when the cluster is reset. Returns the unbind function. */
export function bindLoad(host: PlaygroundHost): () => void {
  return host.subscribe((changes) => {
    if (changes !== undefined) return;
    useLoadStore.getState().stop?.(true);
    useLoadStore.getState().clear();
  });
}

export function startLoad(
  host: PlaygroundHost,
  request: ClusterRequest,
  count: number,
  schedule: Scheduler = animationFrame,
): void {
  useLoadStore.getState().stop?.();
  const finish = (tally: LoadTally, last: Trace | undefined) => {
    useLoadStore.setState({ tally, running: false, stop: undefined });
    if (last) showTrace(host.cluster, last, 'form');
  };
  useLoadStore.setState({ tally: emptyTally(count), title: loadTitle(request), running: true });
  const stop = runLoad({
    count,
    sendBatch: (n) => host.requestMany(request, n),
    onProgress: (tally) => useLoadStore.setState({ tally }),
    onDone: finish,
    schedule,
  });
  if (useLoadStore.getState().running) useLoadStore.setState({ stop });
}
