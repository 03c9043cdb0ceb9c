/**
 * From the engine to the Control plane panel. While "Animate applies" is on, a command that is
 * about to run (terminal or the editor's Apply) attaches a listener to the inspection stream; the
 * command's first kubectl write starts a story, which collects until the cluster settles (or for
 * at most MAX_STORY_MS of virtual time) and then lets go of the stream. A command that writes
 * nothing lets go at once. So with the switch off, or between stories, no listener is attached
 * and the engine emits nothing.
 */
import type { InspectionRecord } from '../../engine';
import type { PlaygroundHost } from '../host/playground-host';
import { useTraceStore } from '../trace/trace-store';
import { useControlPlaneStore } from './control-plane-store';
import { clusterStoryEnv, StoryBuilder } from './story';

type Host = Pick<
  PlaygroundHost,
  'cluster' | 'onBeforeCommand' | 'onCommand' | 'onTime' | 'subscribe'
>;

let nextId = 1;

/**
 * Commands whose story is recorded without bringing the Control plane tab up: the Inspector's
 * fault buttons run `kubectl annotate …` while the learner looks at the pod in the Inspector.
 */
const ANNOTATION_COMMAND = /^\s*kubectl\s+(?:annotate|label)\b/;

export function bindControlPlane(host: Host): () => void {
  const store = useControlPlaneStore;
  let detachStream: (() => void) | undefined;
  let builder: StoryBuilder | undefined;
  let storyId = 0;
  let command = '';
  /** The running command has not written yet: its first kubectl write starts a story. */
  let pending = false;
  let dirty = false;

  const detach = (): void => {
    detachStream?.();
    detachStream = undefined;
  };

  const publish = (collecting: boolean): void => {
    const b = builder;
    if (!b) return;
    dirty = false;
    store.getState().setStory({
      id: storyId,
      command,
      startedAt: b.startedAt,
      steps: b.steps.map((s) => ({ ...s })),
      collecting,
      ...(b.skipped !== undefined ? { skipped: b.skipped } : {}),
      records: b.records,
      objects: b.objects,
      nodes: clusterStoryEnv(host.cluster).nodes(),
    });
  };

  const finish = (): void => {
    publish(false);
    builder = undefined;
    if (!pending) detach();
  };

  const onRecord = (rec: InspectionRecord): void => {
    if (pending && rec.type === 'write' && rec.actor === 'kubectl') {
      if (builder) finish();
      pending = false;
      builder = new StoryBuilder(clusterStoryEnv(host.cluster), rec.at);
      storyId = nextId++;
      builder.add(rec);
      publish(true);
      if (!ANNOTATION_COMMAND.test(command)) useTraceStore.getState().setSideTab('control-plane');
      return;
    }
    const b = builder;
    if (!b) return;
    b.add(rec);
    dirty = true;
    if (b.done(rec.at)) finish();
  };

  const check = (now: number): void => {
    if (builder?.done(now)) finish();
    else if (dirty) publish(true);
  };

  const offBefore = host.onBeforeCommand((input) => {
    if (!store.getState().enabled) return;
    pending = true;
    command = input;
    detachStream ??= host.cluster.inspect(onRecord);
  });
  const offCommand = host.onCommand(() => {
    pending = false;
    if (!builder) detach();
    else check(host.cluster.now());
  });
  const offTime = host.onTime(check);
  const offChanges = host.subscribe((changes) => {
    if (changes === undefined) {
      // The cluster was replaced: its stream is gone with it.
      detachStream = undefined;
      builder = undefined;
      pending = false;
      store.getState().clear();
      return;
    }
    if (builder) check(host.cluster.now());
  });
  const offEnabled = store.subscribe((s, prev) => {
    if (s.enabled || !prev.enabled) return;
    if (builder) finish();
    pending = false;
    detach();
  });
  return () => {
    offBefore();
    offCommand();
    offTime();
    offChanges();
    offEnabled();
    detach();
  };
}

/** True while the bridge listens to the engine (for tests: nothing listens when idle). */
export function listening(host: Pick<PlaygroundHost, 'cluster'>): boolean {
  return host.cluster.context.store.inspector.active;
}
