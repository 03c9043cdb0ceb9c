/**
 * The engine benchmark's scenario, runtime-neutral: bench/run.ts bundles this file with the engine
 * (esbuild) and runs the very same code in Node and in headless Chromium, the runtime the
 * playground ships to. Nothing here touches Node or the DOM: the clock and the heap are passed in.
 *
 * One run: a fresh cluster of `nodes` workers (64 CPUs, 256Gi each), `deployments` Deployments of
 * `replicas` pods applied at once, then settle() until nothing is left to do. "settled" means
 * every Deployment reports its replicas available (checked, not assumed).
 */
import { createCluster, type KObject } from '../src/engine';

export interface Hooks {
  /** Milliseconds from a monotonic clock (performance.now in both runtimes). */
  now: () => number;
  /** Bytes of JS heap in use (process.memoryUsage().heapUsed, performance.memory.usedJSHeapSize). */
  heap: () => number;
  /** A full garbage collection, when the runtime exposes one. */
  gc?: (() => void) | undefined;
}

export interface RunFigures {
  nodes: number;
  deployments: number;
  pods: number;
  createClusterMs: number;
  applyMs: number;
  settleMs: number;
  totalMs: number;
  virtualSeconds: number;
  loopUnits: number;
  availablePods: number;
  heapPeakMB: number;
  heapAfterMB: number;
}

export interface Repeated extends RunFigures {
  runs: number;
  runsMs: number[];
  bestMs: number;
}

const mb = (n: number): number => Math.round((n / 1024 / 1024) * 10) / 10;

function deployment(i: number, replicas: number): KObject {
  const name = `app-${String(i).padStart(4, '0')}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image: i % 2 === 0 ? 'nginx:1.25' : 'httpd:2.4',
              ports: [{ containerPort: 80 }],
            },
          ],
        },
      },
    },
  };
}

/** One run. totalMs is apply + settle (creating the cluster is reported apart). */
export function runOnce(
  hooks: Hooks,
  nodes: number,
  deployments: number,
  replicas: number,
): RunFigures {
  let heapPeak = hooks.heap();
  const t0 = hooks.now();
  const cluster = createCluster({
    seed: 1,
    workers: nodes,
    nodeCpu: '64',
    nodeMemory: '256Gi',
    bootstrapMs: 0,
  });
  const t1 = hooks.now();
  let units = 0;
  cluster.context.loop.onUnit = () => {
    if (++units % 20_000 === 0) heapPeak = Math.max(heapPeak, hooks.heap());
  };
  const startVirtual = cluster.now();
  const objects = Array.from({ length: deployments }, (_, i) => deployment(i, replicas));
  const outcomes = cluster.applyObjects(objects);
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) throw new Error(`apply failed: ${JSON.stringify(failed[0])}`);
  const t2 = hooks.now();
  const settled = cluster.settle({ maxVirtualMs: 30 * 60_000, maxSteps: 50_000_000 });
  const t3 = hooks.now();
  heapPeak = Math.max(heapPeak, hooks.heap());
  if (!settled.settled) throw new Error(settled.message);
  let available = 0;
  for (const d of cluster.store.list('Deployment', { namespace: 'default' }))
    available += (d.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0;
  if (available !== deployments * replicas)
    throw new Error(`settled with ${available} of ${deployments * replicas} pods available`);
  return {
    nodes,
    deployments,
    pods: cluster.store.list('Pod', { namespace: 'default' }).length,
    createClusterMs: Math.round(t1 - t0),
    applyMs: Math.round(t2 - t1),
    settleMs: Math.round(t3 - t2),
    totalMs: Math.round(t3 - t1),
    virtualSeconds: Math.round((cluster.now() - startVirtual) / 1000),
    loopUnits: units,
    availablePods: available,
    heapPeakMB: mb(heapPeak),
    heapAfterMB: mb(hooks.heap()),
  };
}

/** `runs` runs on fresh clusters: the median run's figures, every run's total, and the best. */
export function repeat(
  hooks: Hooks,
  runs: number,
  nodes: number,
  deployments: number,
  replicas: number,
): Repeated {
  const results: RunFigures[] = [];
  for (let i = 0; i < runs; i++) {
    hooks.gc?.();
    results.push(runOnce(hooks, nodes, deployments, replicas));
  }
  const sorted = [...results].sort((a, b) => a.totalMs - b.totalMs);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    ...median,
    runs,
    runsMs: results.map((r) => r.totalMs),
    bestMs: sorted[0]!.totalMs,
    heapPeakMB: Math.max(...results.map((r) => r.heapPeakMB)),
  };
}
