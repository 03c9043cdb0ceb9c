/**
 * The kubelet: one per Node, running the pods bound to it.
 *
 * Models pkg/kubelet/kubelet.go (SyncPod, SyncTerminatingPod), kuberuntime/kuberuntime_manager.go
 * (computePodActions, doBackOff, SyncPod), kuberuntime_container.go (startContainer, killContainer),
 * images/image_manager.go (EnsureImageExists), status/status_manager.go (one status write per
 * visible change, the final delete with grace 0), prober/ and pleg/ (a runtime change is seen one
 * relist later). Each kubelet is a controller named `kubelet/<node>` whose work-queue keys are
 * `namespace/name` of its pods; one informer for all kubelets routes pod events by spec.nodeName,
 * as each real kubelet's field-selector watch does.
 *
 * A pod's life here, with the kubectl STATUS a learner sees:
 *  - bind: the sandbox is created at once (pod IP from the node's podCIDR, host-local style;
 *    hostNetwork pods take the node IP) and the first status says Pending / ContainerCreating;
 *  - images: `Pulling` → (serialised per node) → `Pulled`; or `already present on machine`;
 *  - `Created`, `Started`; one relist later the status says Running (Ready without a readiness
 *    probe);
 *  - a bad image: ErrImagePull, 10 s later ImagePullBackOff, retried after 10 s, 20 s, … 300 s;
 *  - an exit: Completed/Error; the first restart is immediate, then CrashLoopBackOff waits 10 s,
 *    20 s, 40 s … 300 s between restarts (restartPolicy Always, or OnFailure after a failure);
 *    Never/OnFailure pods end Succeeded or Failed;
 *  - deletion: `Killing` `Stopping container x`; each container stops when its process honours
 *    SIGTERM (or at the end of the grace period, exit 137); then the pod is deleted with grace 0.
 *
 * Foreground and background timers: everything a pod does while converging (pulls, starts, a
 * probe whose result is about to change, an exit within a minute, termination) is a foreground
 * timer, so `settle()` waits for it. Steady states (CrashLoopBackOff and ImagePullBackOff waits
 * after the first round, a failing readiness probe's periodic ticks, a process that exits much
 * later) use background timers, so `settle()` returns while the pod keeps living as time passes.
 *
 * Faults (controllers/faults.ts, the `playground/fault` annotation; an annotation change enqueues
 * the pod through the pod watch):
 *  - pod `crash`: the running container exits with code 1 (Error, one relist later) and every
 *    instance started while the fault is set exits 1 s after it starts, so the restart back-off
 *    makes it CrashLoopBackOff; removing the fault cancels an exit that has not happened yet;
 *  - pod `unready`, `refuse`, `freeze`, `hang`: probes.ts runProbe answers accordingly (the
 *    kubelet probes over the pod network); a failing liveness probe restarts as usual;
 *  - node `down`: the kubelet is gone with its machine. Every sync returns at once (no status,
 *    no events, no probes); when the node comes back, every pod is synced again and probe ticks
 *    missed while down are skipped, not replayed. Simplified: the containers are treated as
 *    still running when it comes back (a real reboot would restart them).
 *
 * Simplified: containers start independently (the real kubelet starts them in order inside one
 * blocking sync); no init containers, volumes, resource accounting, eviction or node status.
 */
import type { Container, Node, Pod } from 'kubernetes-types/core/v1';
import type { ApiStore } from '../../api/store';
import type { KObject } from '../../api/types';
import { deepEqual, nsKey, splitNsName } from '../../api/types';
import { systemImages } from '../../bootstrap';
import type { ClusterContext } from '../../context';
import type { PodFault } from '../faults';
import { nodeIsDown, podFaultOf } from '../faults';
import { parseTimestamp } from '../../sim/clock';
import type { Rng } from '../../sim/rng';
import { imageID, resolveProcess } from '../../workloads/catalog';
import {
  defaultPullPolicyOf,
  invalidImageNameMessage,
  parseImageRef,
} from '../../workloads/image-ref';
import type { EventRecorder, EventType } from '../events';
import type { Controller } from '../runner';
import { Backoff, formatGoDuration } from './backoff';
import { NodeImages } from './image-puller';
import { HostLocalIpam } from './ipam';
import { generatePodStatus } from './pod-status';
import type { ProbeWorker } from './probes';
import {
  newWorker,
  probeSpec,
  probeTypeName,
  recordOutcome,
  runProbe,
  tickAtOrAfter,
} from './probes';
import type { Attempt, ContainerRuntime, PodRuntime, PodTimer } from './runtime';
import { exitAtOf, exitCodeOf, PLEG_RELIST_MS } from './runtime';

type StoredPod = Pod & KObject;

/** Transitions due within this horizon keep `settle()` waiting; later ones are background. */
export const FOREGROUND_HORIZON_MS = 60_000;
/** The pod worker re-syncs this long after a failed sync (kubelet.go backOffPeriod). */
export const POD_WORKER_BACKOFF_MS = 10_000;
const DEFAULT_GRACE_SECONDS = 30;
const ATTEMPTS_KEPT = 3;
/** A container started while the pod has the `crash` fault exits this long after it starts. */
export const CRASH_FAULT_EXIT_AFTER_MS = 1000;
const PROBE_KINDS = ['startup', 'readiness', 'liveness'] as const;

/** The Pod index on spec.nodeName (shared with whoever else needs it: same name, same values). */
export function ensurePodNodeIndex(store: ApiStore): void {
  try {
    store.byIndex('Pod', 'nodeName', '');
  } catch {
    // The store calls this twice per pod write and only reads the result: one array per node
    // name (and one empty array) serve every call instead of a fresh array each time.
    const byNode = new Map<string, string[]>();
    const none: string[] = [];
    store.addIndex('Pod', 'nodeName', (o) => {
      const n = (o as StoredPod).spec?.nodeName;
      if (!n) return none;
      let values = byNode.get(n);
      if (!values) byNode.set(n, (values = [n]));
      return values;
    });
  }
}

/**
 * Start a kubelet for every Node, now and as Nodes come and go. Registered in wiring.ts.
 */
export function startKubelets(ctx: ClusterContext): void {
  ensurePodNodeIndex(ctx.store);
  const kubelets = new Map<string, Kubelet>();
  const start = (name: string): void => {
    if (kubelets.has(name)) return;
    const k = new Kubelet(ctx, name);
    kubelets.set(name, k);
    ctx.runtimes.set(name, k);
  };
  ctx.store.watch('Node', 'kubelet', (ev) => {
    const name = ev.object.metadata.name ?? '';
    if (ev.type === 'ADDED') start(name);
    else if (ev.type === 'MODIFIED') kubelets.get(name)?.setNodeDown(nodeIsDown(ev.object));
    else if (ev.type === 'DELETED') {
      kubelets.get(name)?.stop();
      kubelets.delete(name);
      ctx.runtimes.delete(name);
    }
  });
  // One informer for all kubelets: route each pod event to the kubelet of its node.
  ctx.store.watch('Pod', 'kubelet', (ev) => {
    const pod = ev.object as StoredPod;
    const node = pod.spec?.nodeName;
    if (!node) return;
    const k = kubelets.get(node);
    if (!k) return;
    if (k.writingUid !== undefined && k.writingUid === pod.metadata.uid) return; // our own write
    k.controller.enqueue(nsKey(pod.metadata.namespace ?? '', pod.metadata.name ?? ''));
  });
  for (const n of ctx.store.list('Node')) start(n.metadata.name ?? '');
}

/** The earliest foreground and background wake-up a sync asks for. */
class Wakeups {
  fg = Infinity;
  bg = Infinity;
  constructor(private readonly now: number) {}
  want(t: number, foreground: boolean): void {
    if (!(t > this.now) || t === Infinity) return;
    if (foreground) {
      if (t < this.fg) this.fg = t;
    } else if (t < this.bg) this.bg = t;
  }
}

const FOREGROUND = { background: false };
const BACKGROUND = { background: true };

export class Kubelet {
  readonly name: string;
  readonly controller: Controller;
  /** The uid of the pod whose status this kubelet is writing: its own watch event is ignored. */
  writingUid: string | undefined;
  private readonly pods = new Map<string, PodRuntime>();
  private readonly images: NodeImages;
  private readonly rng: Rng;
  private readonly recorder: EventRecorder;
  private ipam: HostLocalIpam | undefined;
  private hostIP = '';
  /** The Node object refreshNode last read. */
  private refreshedFor: (Node & KObject) | undefined;
  /** The node is annotated `playground/fault=down`: this kubelet does nothing. */
  private nodeDown: boolean;

  constructor(
    private readonly ctx: ClusterContext,
    readonly node: string,
  ) {
    this.name = `kubelet/${node}`;
    this.rng = ctx.rng(this.name);
    this.images = new NodeImages(ctx.rng(`${this.name}/images`));
    this.recorder = ctx.events.newRecorder({ component: 'kubelet', host: node });
    this.controller = ctx.newController(this.name);
    this.controller.onReconcile((key) => this.syncPod(key));
    this.nodeDown = nodeIsDown(this.nodeObject());
    this.refreshNode();
    // kubeadm pre-pulls the control-plane images; every node has pause and kube-proxy.
    const sys = systemImages(ctx.config.kubernetesVersion);
    const wanted = ['registry.k8s.io/pause:3.9', sys['kube-proxy'] ?? ''];
    if (this.isControlPlane()) wanted.push(...Object.values(sys));
    this.images.preload(
      wanted.map((w) => parseImageRef(w)).flatMap((r) => (r.ok ? [r.ref.normalized] : [])),
    );
    for (const p of ctx.store.byIndex<StoredPod>('Pod', 'nodeName', node))
      this.controller.enqueue(nsKey(p.metadata.namespace ?? '', p.metadata.name ?? ''));
  }

  /** The runtime state of one of this node's pods (read by kubectl logs and exec). */
  podRuntime(namespace: string, name: string): PodRuntime | undefined {
    return this.pods.get(nsKey(namespace, name));
  }

  /**
   * The node went down or came back (`playground/fault=down` set or removed). Back up: every pod
   * is synced again, including those deleted (or evicted) meanwhile, and probe ticks that fell
   * due while the kubelet was off are skipped rather than replayed.
   */
  setNodeDown(down: boolean): void {
    if (down === this.nodeDown) return;
    this.nodeDown = down;
    const now = this.ctx.clock.now();
    if (!down) {
      for (const rt of this.pods.values()) {
        for (const c of rt.containers) {
          const a = c.attempts[c.attempts.length - 1];
          if (!a) continue;
          for (const w of a.probes) if (w.nextAt < now) w.nextAt = tickAtOrAfter(w, now);
        }
      }
    }
    for (const key of this.pods.keys()) this.controller.enqueue(key);
    for (const p of this.ctx.store.byIndex<StoredPod>('Pod', 'nodeName', this.node))
      this.controller.enqueue(nsKey(p.metadata.namespace ?? '', p.metadata.name ?? ''));
  }

  stop(): void {
    this.controller.stop();
    this.ctx.loop.unregister(this.controller);
    for (const rt of this.pods.values()) this.cancelTimers(rt);
    this.pods.clear();
  }

  private nodeObject(): (Node & KObject) | undefined {
    return this.ctx.store.get<Node & KObject>('Node', undefined, this.node);
  }

  private isControlPlane(): boolean {
    const labels = this.nodeObject()?.metadata.labels ?? {};
    return 'node-role.kubernetes.io/control-plane' in labels;
  }

  private refreshNode(): void {
    const node = this.nodeObject();
    // The result depends on the (frozen) Node object and the fixed config alone: skip a repeat.
    if (node && node === this.refreshedFor) return;
    this.refreshedFor = node;
    const ip =
      node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ??
      this.ctx.config.nodes.find((n) => n.name === this.node)?.ip ??
      '';
    if (ip) this.hostIP = ip;
    const cidr =
      node?.spec?.podCIDR ?? this.ctx.config.nodes.find((n) => n.name === this.node)?.podCIDR;
    if (!this.ipam && cidr) this.ipam = new HostLocalIpam(cidr);
  }

  // ------------------------------------------------------------------ sync

  /** Models pkg/kubelet/kubelet.go SyncPod + kuberuntime_manager.go SyncPod for one pod. */
  private syncPod(key: string): void {
    // A machine that is off runs no kubelet: nothing is synced, written or recorded. Timers armed
    // before keep firing into here; setNodeDown re-syncs every pod when the node is back.
    if (this.nodeDown) return;
    const now = this.ctx.clock.now();
    const { namespace, name } = splitNsName(key);
    const pod = this.ctx.store.get<StoredPod>('Pod', namespace, name);
    let rt = this.pods.get(key);
    if (!pod || pod.spec?.nodeName !== this.node) {
      if (rt) this.teardown(rt);
      return;
    }
    if (rt && rt.uid !== pod.metadata.uid) {
      this.teardown(rt);
      rt = undefined;
    }
    if (!rt) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') return; // finished before we came
      rt = this.admit(pod, key, now);
    }

    const fault = podFaultOf(pod);
    this.applyCrashFault(rt, fault, now);
    this.advance(rt, pod, now, fault);
    if (pod.metadata.deletionTimestamp) {
      if (this.syncTerminatingPod(rt, pod, now)) return;
    } else {
      this.computePodActions(rt, pod, now);
    }
    this.writeStatus(rt, pod, now);
    this.scheduleWakeups(rt, pod, now);
  }

  /** Admission and sandbox creation: pod IP, start time, container records. */
  private admit(pod: StoredPod, key: string, now: number): PodRuntime {
    this.refreshNode();
    const hostNetwork = pod.spec?.hostNetwork === true;
    let podIP = '';
    if (hostNetwork) podIP = this.hostIP;
    else if (this.ipam) {
      const prev = pod.status?.podIP;
      podIP = prev && this.ipam.reserve(prev) ? prev : (this.ipam.allocate() ?? '');
      if (!podIP) {
        this.event(
          pod,
          'Warning',
          'FailedCreatePodSandBox',
          `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox: plugin type="flannel" failed (add): failed to delegate add: failed to allocate for range 0: no IP addresses available in range set: ${this.ipam.rangeString}`,
        );
      }
    }
    const prevStart = pod.status?.startTime;
    const rt: PodRuntime = {
      key,
      uid: pod.metadata.uid ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name ?? '',
      startTime: prevStart ? Math.min(now, parseStart(prevStart, now)) : now,
      podIP,
      hostNetwork,
      containers: (pod.spec?.containers ?? []).map((c) => this.newContainer(c)),
      restartBackoff: new Backoff(),
      pullBackoff: new Backoff(),
      ipReleased: false,
      statusMemo: {
        status: undefined,
        conditions: [],
        podIPs: undefined,
        qos: undefined,
        startTime: undefined,
      },
      timers: { fg: undefined, bg: undefined },
    };
    this.pods.set(key, rt);
    return rt;
  }

  private newContainer(spec: Container): ContainerRuntime {
    const image = spec.image ?? '';
    const parsed = parseImageRef(image);
    return {
      name: spec.name,
      spec,
      ref: parsed.ok ? parsed.ref : undefined,
      invalidImage: parsed.ok ? undefined : invalidImageNameMessage(image, parsed.error),
      attempts: [],
      attemptCount: 0,
      waiting: undefined,
      pull: undefined,
      pullFailure: undefined,
      crashBackOffUntil: undefined,
      handledEnd: undefined,
      imageReady: false,
      reported: undefined,
      fieldPath: `spec.containers{${spec.name}}`,
      statusMemo: undefined,
    };
  }

  /**
   * The `crash` fault: the running instance exits (code 1) now, unless it is being stopped or a
   * fault exit is already due. Without the fault, a fault exit that has not happened yet is
   * cancelled (the instance started while the fault was set and now simply keeps running).
   */
  private applyCrashFault(rt: PodRuntime, fault: PodFault | undefined, now: number): void {
    for (const c of rt.containers) {
      const a = c.attempts[c.attempts.length - 1];
      if (!a || a.finishedAt !== undefined) continue;
      if (fault === 'crash') {
        if (a.faultExitAt === undefined && !a.kill) a.faultExitAt = now;
      } else if (a.faultExitAt !== undefined && a.faultExitAt > now) {
        a.faultExitAt = undefined;
      }
    }
  }

  /** Bring the runtime up to `now`: finished pulls, exits, kills, probe ticks. */
  private advance(rt: PodRuntime, pod: StoredPod, now: number, fault: PodFault | undefined): void {
    for (const c of rt.containers) {
      if (c.pull && c.pull.doneAt <= now) this.finishPull(rt, pod, c);
      const a = c.attempts[c.attempts.length - 1];
      if (!a) continue;
      if (a.finishedAt === undefined) {
        const natural = exitAtOf(a);
        const killed = a.kill?.finishAt;
        if (natural !== undefined && natural <= now && (killed === undefined || natural < killed)) {
          a.finishedAt = natural;
          a.exitCode = exitCodeOf(a);
          a.seenEndAt = natural + PLEG_RELIST_MS;
        } else if (a.kill && killed !== undefined && killed <= now) {
          a.finishedAt = killed;
          a.exitCode = a.kill.exitCode;
          a.seenEndAt = killed; // the kubelet waited for StopContainer itself
        }
      }
      if (a.seenStartAt <= now) this.runProbes(rt, pod, c, a, now, fault);
    }
  }

  private finishPull(rt: PodRuntime, pod: StoredPod, c: ContainerRuntime): void {
    const t = c.pull;
    if (!t) return;
    c.pull = undefined;
    const image = c.spec.image ?? '';
    const field = c.fieldPath;
    if (t.outcome.ok) {
      this.event(
        pod,
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${formatGoDuration(t.doneAt - t.startedAt)} (${formatGoDuration(t.doneAt - t.requestedAt)} including waiting). Image size: ${t.outcome.sizeBytes} bytes.`,
        field,
      );
      c.imageReady = true;
      c.pullFailure = undefined;
      return;
    }
    this.event(
      pod,
      'Warning',
      'Failed',
      `Failed to pull image "${image}": ${t.outcome.message}`,
      field,
    );
    this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', field);
    const backoffKey = `${c.name}_${image}`;
    rt.pullBackoff.next(backoffKey, t.doneAt);
    const failures = (c.pullFailure?.failures ?? 0) + 1;
    const showBackOffAt = t.doneAt + POD_WORKER_BACKOFF_MS;
    c.pullFailure = {
      failures,
      failedAt: t.doneAt,
      showBackOffAt,
      retryAt: showBackOffAt + rt.pullBackoff.get(backoffKey),
    };
    c.waiting = {
      reason: 'ErrImagePull',
      message: t.outcome.message,
      setAt: t.doneAt,
      visibleFrom: t.doneAt,
    };
    c.reported = `ErrImagePull/${failures}`;
  }

  /** Models prober/worker.go doProbe for each probe tick that is due. */
  private runProbes(
    rt: PodRuntime,
    pod: StoredPod,
    c: ContainerRuntime,
    a: Attempt,
    now: number,
    fault: PodFault | undefined,
  ): void {
    const end = a.finishedAt ?? Infinity;
    const startup = a.probes.find((w) => w.spec.kind === 'startup');
    for (let guard = 0; guard < 10_000; guard++) {
      let w: ProbeWorker | undefined;
      for (const x of a.probes) if (x.nextAt <= now && (!w || x.nextAt < w.nextAt)) w = x;
      if (!w) return;
      const at = w.nextAt;
      if (at >= end || a.kill) {
        // A stopped or stopping container is no longer probed.
        for (const x of a.probes) x.nextAt = Infinity;
        return;
      }
      if (w.spec.kind !== 'startup' && startup && startup.result !== 'Success') {
        w.nextAt = at + w.spec.periodMs; // gated until the startup probe passes
        continue;
      }
      const r = runProbe(w.spec, a.proc, c.spec, rt.podIP, at - a.startedAt, fault);
      if (!r.ok) {
        this.event(
          pod,
          'Warning',
          'Unhealthy',
          `${probeTypeName(w.spec.kind)} probe failed: ${r.output}`,
          c.fieldPath,
        );
      }
      recordOutcome(w, r.ok);
      if (w.nextAt !== Infinity) w.nextAt = at + w.spec.periodMs;
      if (w.spec.kind === 'startup' && w.result === 'Success') {
        w.nextAt = Infinity;
        for (const x of a.probes) if (x !== w) x.nextAt = tickAtOrAfter(x, at);
      }
    }
  }

  /** Models kuberuntime_manager.go computePodActions + the actions SyncPod takes. */
  private computePodActions(rt: PodRuntime, pod: StoredPod, now: number): void {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const specs = pod.spec?.containers ?? [];
    for (let i = 0; i < rt.containers.length; i++) {
      const c = rt.containers[i] as ContainerRuntime;
      const spec = specs[i];
      if (spec && spec.name === c.name && spec.image !== c.spec.image)
        this.definitionChanged(rt, pod, c, spec, now);
      else if (spec) c.spec = spec;
      const a = c.attempts[c.attempts.length - 1];
      if (a && a.finishedAt === undefined) {
        this.checkProbeKill(rt, pod, c, a, now);
        continue;
      }
      if (c.pull) continue; // waiting for the image
      if (a) {
        if (a.seenEndAt === undefined || a.seenEndAt > now) continue; // not seen yet
        // Restart decided already (the image is being fetched): do not re-judge the back-off.
        if (c.handledEnd !== a.id) {
          if (!this.shouldRestart(pod, a)) continue;
          if (!this.doBackOff(rt, pod, c, a, now)) continue;
        }
      }
      this.ensureImageAndStart(rt, pod, c, now);
    }
  }

  /** `kubectl set image` on a bare pod: the container is replaced by one with the new image. */
  private definitionChanged(
    rt: PodRuntime,
    pod: StoredPod,
    c: ContainerRuntime,
    spec: Container,
    now: number,
  ): void {
    const a = c.attempts[c.attempts.length - 1];
    if (a && a.finishedAt === undefined && !a.kill) {
      this.kill(
        rt,
        pod,
        c,
        a,
        now,
        this.graceMs(pod),
        `Container ${c.name} definition changed, will be restarted`,
      );
    }
    const fresh = this.newContainer(spec);
    c.spec = spec;
    c.ref = fresh.ref;
    c.invalidImage = fresh.invalidImage;
    c.imageReady = false;
    c.pull = undefined;
    c.pullFailure = undefined;
    c.waiting = undefined;
    c.reported = undefined;
    c.crashBackOffUntil = undefined;
    rt.restartBackoff.reset(c.name);
  }

  private checkProbeKill(
    rt: PodRuntime,
    pod: StoredPod,
    c: ContainerRuntime,
    a: Attempt,
    now: number,
  ): void {
    if (a.kill) return;
    const failed = a.probes.find(
      (w) => (w.spec.kind === 'liveness' || w.spec.kind === 'startup') && w.result === 'Failure',
    );
    if (!failed) return;
    const restart = (pod.spec?.restartPolicy ?? 'Always') !== 'Never';
    const msg = `Container ${c.name} failed ${failed.spec.kind} probe${restart ? ', will be restarted' : ''}`;
    const probeGrace = failed.spec.probe.terminationGracePeriodSeconds;
    this.kill(
      rt,
      pod,
      c,
      a,
      now,
      probeGrace !== undefined ? probeGrace * 1000 : this.graceMs(pod),
      msg,
    );
  }

  private shouldRestart(pod: StoredPod, a: Attempt): boolean {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    if (policy === 'Always') return true;
    if (policy === 'OnFailure') return (a.exitCode ?? 0) !== 0;
    return false;
  }

  /**
   * Models kuberuntime_manager.go doBackOff: true when the container may start again now;
   * otherwise it waits in CrashLoopBackOff (reported once per exit).
   */
  private doBackOff(
    rt: PodRuntime,
    pod: StoredPod,
    c: ContainerRuntime,
    a: Attempt,
    now: number,
  ): boolean {
    const finished = a.finishedAt ?? now;
    if (rt.restartBackoff.isInBackOffSince(c.name, finished, now)) {
      if (c.crashBackOffUntil === undefined) {
        const backoff = rt.restartBackoff.get(c.name);
        const podRef = `${rt.name}_${rt.namespace}(${rt.uid})`;
        this.event(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${c.name} in pod ${podRef}`,
          c.fieldPath,
        );
        c.waiting = {
          reason: 'CrashLoopBackOff',
          message: `back-off ${formatGoDuration(backoff)} restarting failed container=${c.name} pod=${podRef}`,
          setAt: now,
          visibleFrom: now + PLEG_RELIST_MS,
        };
        c.crashBackOffUntil = finished + backoff;
      }
      return false;
    }
    if (c.handledEnd !== a.id) {
      rt.restartBackoff.next(c.name, finished);
      c.handledEnd = a.id;
    }
    c.crashBackOffUntil = undefined;
    return true;
  }

  /** Models images/image_manager.go EnsureImageExists, then startContainer. */
  private ensureImageAndStart(
    rt: PodRuntime,
    pod: StoredPod,
    c: ContainerRuntime,
    now: number,
  ): void {
    const image = c.spec.image ?? '';
    const field = c.fieldPath;
    if (!c.ref) {
      if (c.reported !== 'InvalidImageName') {
        const msg = c.invalidImage ?? '';
        this.event(pod, 'Warning', 'InspectFailed', msg, field);
        this.event(pod, 'Warning', 'Failed', 'Error: InvalidImageName', field);
        c.waiting = { reason: 'InvalidImageName', message: msg, setAt: now, visibleFrom: now };
        c.reported = 'InvalidImageName';
      }
      return;
    }
    if (c.imageReady) {
      this.startContainer(rt, pod, c, now);
      return;
    }
    const policy = c.spec.imagePullPolicy ?? defaultPullPolicyOf(c.ref);
    const present = this.images.isPresent(c.ref, now);
    if (policy === 'Never' && !present) {
      if (c.reported !== 'ErrImageNeverPull') {
        const msg = `Container image "${image}" is not present with pull policy of Never`;
        this.event(pod, 'Warning', 'ErrImageNeverPull', msg, field);
        this.event(pod, 'Warning', 'Failed', 'Error: ErrImageNeverPull', field);
        c.waiting = { reason: 'ErrImageNeverPull', message: msg, setAt: now, visibleFrom: now };
        c.reported = 'ErrImageNeverPull';
      }
      return;
    }
    if (policy !== 'Always' && present) {
      this.event(
        pod,
        'Normal',
        'Pulled',
        `Container image "${image}" already present on machine`,
        field,
      );
      this.startContainer(rt, pod, c, now);
      return;
    }
    const f = c.pullFailure;
    if (f && now < f.showBackOffAt) return; // ErrImagePull is showing
    if (f && now < f.retryAt) {
      const tag = `ImagePullBackOff/${f.failures}`;
      if (c.reported !== tag) {
        const msg = `Back-off pulling image "${image}"`;
        this.event(pod, 'Normal', 'BackOff', msg, field);
        this.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', field);
        c.waiting = { reason: 'ImagePullBackOff', message: msg, setAt: now, visibleFrom: now };
        c.reported = tag;
      }
      return;
    }
    this.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, field);
    c.pull = this.images.requestPull(c.ref, now);
  }

  /** Models kuberuntime_container.go startContainer: create and start one container instance. */
  private startContainer(rt: PodRuntime, pod: StoredPod, c: ContainerRuntime, now: number): void {
    const ref = c.ref;
    if (!ref) return;
    c.imageReady = false;
    const proc = resolveProcess(ref, c.spec, {
      hostname: pod.spec?.hostname ?? rt.name,
      podIP: rt.podIP,
      startedAtMs: now,
    });
    const seenStartAt = now + PLEG_RELIST_MS;
    const probes: ProbeWorker[] = [];
    for (const kind of PROBE_KINDS) {
      const spec = probeSpec(c.spec, kind);
      if (spec) probes.push(newWorker(spec, now, seenStartAt));
    }
    const a: Attempt = {
      id: `containerd://${this.rng.string('0123456789abcdef', 64)}`,
      image: ref.normalized,
      imageID: imageID(ref),
      startedAt: now,
      seenStartAt,
      proc,
      probes,
    };
    if (proc.exit) {
      a.naturalExitAt = now + proc.exit.afterMs;
      a.naturalExitCode = proc.exit.code;
    }
    if (podFaultOf(pod) === 'crash') a.faultExitAt = now + CRASH_FAULT_EXIT_AFTER_MS;
    c.attempts.push(a);
    if (c.attempts.length > ATTEMPTS_KEPT) c.attempts.shift();
    c.attemptCount++;
    c.pullFailure = undefined;
    c.reported = undefined;
    const field = c.fieldPath;
    this.event(pod, 'Normal', 'Created', `Created container ${c.name}`, field);
    this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, field);
  }

  /** Models kuberuntime_container.go killContainer: SIGTERM, then SIGKILL at the grace deadline. */
  private kill(
    _rt: PodRuntime,
    pod: StoredPod,
    c: ContainerRuntime,
    a: Attempt,
    now: number,
    graceMs: number,
    message: string,
  ): void {
    const deadline = now + Math.max(0, graceMs);
    const term = a.proc.sigterm;
    const finishAt = term.kind === 'exits' ? Math.min(now + term.afterMs, deadline) : deadline;
    const exitCode = term.kind === 'exits' && now + term.afterMs <= deadline ? term.exitCode : 137;
    a.kill = { at: now, deadline, finishAt, exitCode };
    this.event(pod, 'Normal', 'Killing', message, c.fieldPath);
  }

  private graceMs(pod: StoredPod): number {
    return (pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
  }

  /**
   * Models kubelet.go SyncTerminatingPod + the status manager's final delete: stop every
   * container within the grace period, then remove the pod. Returns true once it is deleted.
   */
  private syncTerminatingPod(rt: PodRuntime, pod: StoredPod, now: number): boolean {
    const graceMs =
      (pod.metadata.deletionGracePeriodSeconds ??
        pod.spec?.terminationGracePeriodSeconds ??
        DEFAULT_GRACE_SECONDS) * 1000;
    rt.deletionDeadline = Math.min(rt.deletionDeadline ?? Infinity, now + graceMs);
    const deadline = rt.deletionDeadline;
    let running = false;
    for (const c of rt.containers) {
      c.pull = undefined;
      c.crashBackOffUntil = undefined;
      const a = c.attempts[c.attempts.length - 1];
      if (!a || a.finishedAt !== undefined) continue;
      if (!a.kill) {
        this.kill(rt, pod, c, a, now, deadline - now, `Stopping container ${c.name}`);
      } else if (a.kill.deadline > deadline) {
        // A second delete with a shorter grace period brings SIGKILL forward.
        a.kill.deadline = deadline;
        if (a.kill.finishAt > deadline) {
          a.kill.finishAt = deadline;
          a.kill.exitCode = 137;
        }
      }
      if (a.kill && a.kill.finishAt <= now) {
        a.finishedAt = a.kill.finishAt;
        a.exitCode = a.kill.exitCode;
        a.seenEndAt = a.kill.finishAt;
      } else running = true;
    }
    if (running) return false;
    this.teardown(rt);
    try {
      this.ctx.store.delete('Pod', rt.namespace, rt.name, {
        gracePeriodSeconds: 0,
        actor: this.name,
      });
    } catch {
      // Already gone (a force delete raced us): nothing left to do.
    }
    return true;
  }

  private writeStatus(rt: PodRuntime, pod: StoredPod, now: number): void {
    const status = generatePodStatus({ pod, rt, now, hostIP: this.hostIP });
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      // The sandbox of a finished pod is torn down: its address goes back to the pool.
      this.releaseIP(rt);
    }
    // The stored status itself comes back when nothing changed since the kubelet's last write.
    if (status === pod.status || deepEqual(status, pod.status)) return;
    this.writingUid = rt.uid;
    try {
      // The status subresource takes only metadata (name, resourceVersion) and status from the
      // input, so no copy of the whole pod; `status` was built for this write (its reused parts
      // are already frozen), so it is handed over rather than copied.
      const input: StoredPod = {
        apiVersion: pod.apiVersion,
        kind: pod.kind,
        metadata: pod.metadata,
        status,
      };
      this.ctx.store.updateStatus(input, { actor: this.name, transfer: true });
    } finally {
      this.writingUid = undefined;
    }
  }

  // ------------------------------------------------------------------ timers

  /** Work out when this pod next needs a sync, and whether settle() should wait for it. */
  private scheduleWakeups(rt: PodRuntime, pod: StoredPod, now: number): void {
    const w = new Wakeups(now);
    const phase = pod.status?.phase;
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const fault = podFaultOf(pod);
    for (const c of rt.containers) {
      if (c.pull) w.want(c.pull.doneAt, true);
      const f = c.pullFailure;
      if (f && !c.pull) {
        if (now < f.showBackOffAt) w.want(f.showBackOffAt, f.failures === 1);
        else w.want(f.retryAt, false);
      }
      if (c.waiting && c.waiting.visibleFrom > now) w.want(c.waiting.visibleFrom, true);
      if (c.crashBackOffUntil !== undefined) w.want(c.crashBackOffUntil, false);
      if (c.reported === 'ErrImageNeverPull') w.want(now + POD_WORKER_BACKOFF_MS, false);
      const a = c.attempts[c.attempts.length - 1];
      if (!a) continue;
      if (a.seenStartAt > now) w.want(a.seenStartAt, true);
      if (a.finishedAt === undefined) {
        if (a.kill) w.want(a.kill.finishAt, true);
        const exitAt = exitAtOf(a);
        if (exitAt !== undefined && (!a.kill || exitAt < a.kill.finishAt)) {
          const seen = exitAt + PLEG_RELIST_MS;
          w.want(seen, !!a.kill || seen - now <= FOREGROUND_HORIZON_MS);
        }
        if (!terminal && !a.kill && a.probes.length > 0)
          this.scheduleProbes(rt, c, a, now, w, fault);
      } else if (a.seenEndAt !== undefined && a.seenEndAt > now) w.want(a.seenEndAt, true);
    }
    this.arm(rt, 'fg', w.fg);
    this.arm(rt, 'bg', w.bg < w.fg ? w.bg : Infinity);
  }

  /**
   * Probe ticks: foreground while the result is about to change, background while a failing
   * readiness probe keeps failing (each tick is an `Unhealthy` event), none while it passes.
   */
  private scheduleProbes(
    rt: PodRuntime,
    c: ContainerRuntime,
    a: Attempt,
    now: number,
    wake: Wakeups,
    fault: PodFault | undefined,
  ): void {
    const startup = a.probes.find((w) => w.spec.kind === 'startup');
    const elapsed = now - a.startedAt;
    const nextFileChange = a.proc.fileEvents.find((e) => e.atMs > elapsed);
    const changeAt = nextFileChange ? a.startedAt + nextFileChange.atMs : Infinity;
    for (const w of a.probes) {
      if (w.spec.kind === 'startup' && w.result === 'Success') continue;
      if (w.spec.kind !== 'startup' && startup && startup.result !== 'Success') continue;
      // An idle worker (passing, nothing changing) is looked at again: something may have changed.
      if (w.nextAt === Infinity) w.nextAt = tickAtOrAfter(w, now + 1);
      const at = Math.max(w.nextAt, a.seenStartAt);
      const ok = runProbe(
        w.spec,
        a.proc,
        c.spec,
        rt.podIP,
        Math.max(at, now) - a.startedAt,
        fault,
      ).ok;
      const steady = ok
        ? w.result === 'Success'
        : w.spec.kind === 'readiness' && w.result === 'Failure';
      if (!steady) {
        wake.want(w.nextAt, true);
        continue;
      }
      if (!ok) wake.want(w.nextAt, false);
      if (changeAt !== Infinity && w.spec.probe.exec) {
        const t = tickAtOrAfter(w, changeAt);
        if (ok) w.nextAt = t;
        wake.want(t, t - now <= FOREGROUND_HORIZON_MS);
      } else if (ok) w.nextAt = Infinity; // passing and nothing will change: no need to tick
    }
  }

  /** Keep at most one foreground and one background timer per pod, due at `due` (none: Infinity). */
  private arm(rt: PodRuntime, slot: 'fg' | 'bg', due: number): void {
    const cur = rt.timers[slot];
    if (cur && cur.due === due) return;
    if (cur) this.ctx.clock.cancel(cur.handle);
    rt.timers[slot] = undefined;
    if (due === Infinity) return;
    const timer: PodTimer = { due, handle: undefined };
    timer.handle = this.ctx.clock.schedule(
      due - this.ctx.clock.now(),
      this.name,
      () => {
        if (rt.timers[slot] === timer) rt.timers[slot] = undefined;
        this.controller.enqueue(rt.key);
      },
      slot === 'bg' ? BACKGROUND : FOREGROUND,
    );
    rt.timers[slot] = timer;
  }

  private cancelTimers(rt: PodRuntime): void {
    const t = rt.timers;
    this.ctx.clock.cancel(t.fg?.handle);
    this.ctx.clock.cancel(t.bg?.handle);
    t.fg = undefined;
    t.bg = undefined;
  }

  private releaseIP(rt: PodRuntime): void {
    if (rt.ipReleased) return;
    rt.ipReleased = true;
    if (!rt.hostNetwork && rt.podIP) this.ipam?.release(rt.podIP);
  }

  private teardown(rt: PodRuntime): void {
    this.releaseIP(rt);
    this.cancelTimers(rt);
    this.pods.delete(rt.key);
  }

  private event(
    pod: StoredPod,
    type: EventType,
    reason: string,
    message: string,
    field?: string,
  ): void {
    this.recorder.event(pod, type, reason, message, field);
  }
}

function parseStart(ts: string, fallback: number): number {
  const ms = parseTimestamp(ts);
  return Number.isNaN(ms) ? fallback : ms;
}
