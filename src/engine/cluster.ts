/**
 * The engine's facade: `createCluster()` and its small public API. Tests, the CLI, the benchmarks
 * and the UI all drive the simulated cluster through this one object.
 *
 *   const cluster = createCluster({ seed: 1 });
 *   cluster.applyObjects(objects);      // create-or-update, as the API server sees an apply
 *   cluster.advance(5_000);             // virtual milliseconds; controllers run as time passes
 *   cluster.settle();                   // run until nothing is pending (bounded, never hangs)
 *   cluster.subscribe((changes) => …);  // the change feed, once per facade call
 *
 * Nothing here throws into a caller: API failures come back as values.
 */
import type { ApiStore, ChangeSet } from './api/store';
import { ApiError, isApiError } from './api/errors';
import type { KObject } from './api/types';
import { deepClone } from './api/types';
import { kindInfo } from './api/kinds';
import { parseManifests } from './api/manifest';
import type { ParsedManifests } from './api/manifest';
import { bootstrapCluster } from './bootstrap';
import type { ClusterConfig, ClusterOptions } from './cluster-config';
import { resolveConfig } from './cluster-config';
import type { ClusterContext } from './context';
import { makeContext } from './context';
import { CONTROLLER_STARTERS, STRATEGY_INSTALLERS } from './wiring';
import { createShell } from './shell/shell';
import type { Shell } from './shell/shell';
import type { Workspace } from './shell/types';
import { MemoryWorkspace } from './shell/workspace';
import { EPOCH_MS } from './sim/clock';
import type { VirtualClock } from './sim/clock';
import type { InspectionListener } from './sim/inspector';
import type { ClusterRequest } from './network/trace/api';
import { request as sendClusterRequest } from './network/trace/api';
import type { Trace } from './network/trace/trace';
import type { SettleOptions, SettleResult, StepInfo } from './sim/loop';

export type ApplyOutcome =
  | { ok: true; action: 'created' | 'configured' | 'unchanged'; object: KObject }
  | { ok: false; error: ApiError; object: KObject };

export interface ManifestApplyResult {
  parsed: ParsedManifests;
  /** One outcome per parsed document, in document order. */
  outcomes: ApplyOutcome[];
}

export interface Cluster {
  readonly config: ClusterConfig;
  /** Read access for printers, tests and the UI. Write through the methods below. */
  readonly store: ApiStore;
  readonly clock: VirtualClock;
  /** The wiring controllers use; exposed for tests and later layers (kubectl, network). */
  readonly context: ClusterContext;
  now(): number;
  step(): StepInfo | undefined;
  /**
   * Let `ms` of virtual time pass while controllers run. With `maxSteps`, stop after that many
   * units of work (the result says `step-cap` and the clock stays where the work got to): the UI
   * uses it to spread a burst over several frames. `yieldNow`, asked after every unit, stops it
   * the same way (the page passes its frame budget; see EventLoop.advance).
   */
  advance(ms: number, maxSteps?: number, yieldNow?: () => boolean): SettleResult;
  settle(opts?: SettleOptions): SettleResult;
  /** Create each object, or update it if it exists (kubectl apply's effect, without the 3-way merge). */
  applyObjects(objects: readonly KObject[], actor?: string): ApplyOutcome[];
  /**
   * Parse multi-document YAML and apply every valid document. Parse errors and API errors come
   * back per document; one bad document never stops the others.
   */
  apply(yamlText: string, actor?: string): ManifestApplyResult;
  /** Subscribe to the change feed; called after each step/advance/settle/apply that changed something. */
  subscribe(listener: (changes: ChangeSet) => void): () => void;
  /** Subscribe to the inspection stream (writes, watch deliveries, reconciles). */
  inspect(listener: InspectionListener): () => void;
  /** The files of `/root/test` on the master (the editor's tabs; the shell's working directory). */
  readonly workspace: Workspace;
  /** The root shell on the master the terminal types into: `cluster.shell.run('kubectl get pods')`. */
  readonly shell: Shell;
  /**
   * Send one request through the simulated network — `{ from, url }` or `{ from, address, port }`,
   * with `method` and `headers` — and get its Trace: every hop, then the answer or the failure.
   * The clock does not move (the hops carry their own virtual times).
   */
  request(r: ClusterRequest): Trace;
}

export function createCluster(opts: ClusterOptions = {}): Cluster {
  const config = resolveConfig(opts);
  const context = makeContext(config);
  const { store, clock, loop } = context;
  const inspector = store.inspector;

  for (const install of STRATEGY_INSTALLERS) install(context);
  for (const start of CONTROLLER_STARTERS) start(context);

  const listeners = new Set<(c: ChangeSet) => void>();
  const flush = (): void => {
    if (!store.hasChanges()) return;
    const changes = store.takeChanges();
    for (const l of listeners) l(changes);
  };

  bootstrapCluster(context);
  loop.settle({ maxVirtualMs: 5 * 60_000 });
  const bootstrapMs = opts.bootstrapMs ?? 10 * 60_000;
  // The cluster was created at the epoch; hand it over exactly bootstrapMs later.
  const handOver = clock.now() < EPOCH_MS + bootstrapMs ? EPOCH_MS + bootstrapMs - clock.now() : 0;
  if (handOver > 0) loop.advance(handOver);
  store.takeChanges(); // the first subscriber starts from the bootstrapped state

  const workspace = new MemoryWorkspace(opts.files ?? {});
  let shell: Shell | undefined;
  const cluster: Cluster = {
    config,
    workspace,
    get shell(): Shell {
      // Made on first use: the shell needs the finished facade.
      return (shell ??= createShell(cluster, workspace));
    },
    store,
    clock,
    context,
    now: () => clock.now(),
    step: () => {
      const r = loop.step();
      flush();
      return r;
    },
    advance: (ms, maxSteps, yieldNow) => {
      const r = loop.advance(ms, maxSteps, yieldNow);
      flush();
      return r;
    },
    settle: (o) => {
      const r = loop.settle(o);
      flush();
      return r;
    },
    applyObjects: (objects, actor = 'kubectl') => {
      const out = objects.map((o) => applyOne(store, o, actor));
      flush();
      return out;
    },
    apply: (text, actor = 'kubectl') => {
      const parsed = parseManifests(text);
      const outcomes = parsed.documents.map((d) => applyOne(store, d.object, actor));
      flush();
      return { parsed, outcomes };
    },
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    inspect: (l) => inspector.subscribe(l),
    request: (r) => sendClusterRequest(context, r),
  };
  return cluster;
}

/** Fields the server owns or allocates, kept when the user's object leaves them out. */
function preserveServerFields(next: KObject, cur: KObject): void {
  if (next.kind === 'Service') {
    const spec = (next.spec ?? {}) as Record<string, unknown>;
    const curSpec = (cur.spec ?? {}) as Record<string, unknown>;
    for (const f of [
      'clusterIP',
      'clusterIPs',
      'ipFamilies',
      'ipFamilyPolicy',
      'healthCheckNodePort',
    ]) {
      if (spec[f] === undefined && curSpec[f] !== undefined) spec[f] = curSpec[f];
    }
    const ports = (spec.ports ?? []) as Array<Record<string, unknown>>;
    const curPorts = (curSpec.ports ?? []) as Array<Record<string, unknown>>;
    for (const p of ports) {
      if (p.nodePort !== undefined) continue;
      const same = curPorts.find(
        (c) => c.port === p.port && (c.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
      );
      if (same?.nodePort !== undefined) p.nodePort = same.nodePort;
    }
    next.spec = spec;
  }
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The last-applied annotation's value: the object as the user wrote it, compact JSON. */
function lastAppliedOf(input: KObject): string {
  const copy = deepClone(input);
  copy.metadata = { ...copy.metadata };
  if (copy.metadata.annotations) {
    const a = { ...copy.metadata.annotations };
    delete a[LAST_APPLIED];
    copy.metadata.annotations = a;
    if (Object.keys(a).length === 0) delete copy.metadata.annotations;
  }
  delete copy.status;
  return JSON.stringify(copy) + '\n';
}

/**
 * Merge a map (labels or annotations) the way a client-side apply does: keys the user applied last
 * time and has now removed go away; keys others added (controllers, kubectl annotate) stay.
 */
function mergeMap(
  cur: Record<string, string> | undefined,
  prevApplied: Record<string, string> | undefined,
  next: Record<string, string> | undefined,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(cur ?? {}))
    if (!(prevApplied && k in prevApplied)) out[k] = v;
  Object.assign(out, next ?? {});
  return Object.keys(out).length > 0 ? out : undefined;
}

function applyOne(store: ApiStore, input: KObject, actor: string): ApplyOutcome {
  try {
    const info = kindInfo(input.kind);
    const ns = info?.namespaced ? input.metadata?.namespace || 'default' : undefined;
    const cur = info ? store.get(input.kind, ns, input.metadata?.name ?? '') : undefined;
    const applied = lastAppliedOf(input);
    if (!cur) {
      const obj = deepClone(input);
      obj.metadata = {
        ...obj.metadata,
        annotations: { ...obj.metadata?.annotations, [LAST_APPLIED]: applied },
      };
      // A fresh copy nobody else holds: handed over rather than copied once more.
      return { ok: true, action: 'created', object: store.create(obj, { actor, transfer: true }) };
    }
    let prev: KObject | undefined;
    try {
      const raw = cur.metadata.annotations?.[LAST_APPLIED];
      prev = raw ? (JSON.parse(raw) as KObject) : undefined;
    } catch {
      prev = undefined;
    }
    const next = deepClone(input);
    const labels = mergeMap(cur.metadata.labels, prev?.metadata?.labels, next.metadata?.labels);
    const annotations = mergeMap(
      cur.metadata.annotations,
      prev?.metadata?.annotations,
      next.metadata?.annotations,
    );
    next.metadata = { ...cur.metadata, ...next.metadata };
    delete next.metadata.resourceVersion;
    if (labels) next.metadata.labels = labels;
    else delete next.metadata.labels;
    next.metadata.annotations = { ...annotations, [LAST_APPLIED]: applied };
    preserveServerFields(next, cur);
    const stored = store.update(next, { actor });
    return { ok: true, action: stored === cur ? 'unchanged' : 'configured', object: stored };
  } catch (e) {
    if (isApiError(e)) return { ok: false, error: e, object: input };
    return {
      ok: false,
      error: new ApiError(
        'InternalError',
        500,
        `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`,
      ),
      object: input,
    };
  }
}
