/**
 * `npm run bench`: performance figures as JSON lines (never timed assertions; CI does not run this).
 *
 *  - deployments-10k: apply + settle 1,000 Deployments × 10 replicas on 100 worker nodes (10,000 pods).
 *    Budget: 3 s on a 2-core machine.
 *  - deployments-1k: the same at 1/10 the size (100 × 10 on 10 nodes), so the growth is visible.
 *  - growth: time(10k) / time(1k). Budget: ≤ 12 for 10× the work.
 *
 * "settled" means every Deployment reports 10 available replicas. Heap is sampled every 20,000
 * loop units (peak) and after the run.
 *
 * The engine is measured as it ships: bundled by esbuild (the build the browser runs has no
 * per-function wrappers), not as tsx runs the sources. tsx compiles with `keepNames`, which wraps
 * every function and class in a `__name(...)` call, and that alone made the runs 10–20 % slower.
 * `npm run bench -- --sources` measures the tsx-compiled sources instead. Every line says which.
 */
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import type * as Engine from '../src/engine';
import type { KObject } from '../src/engine';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fromSources = process.argv.includes('--sources');

/** The engine to measure: the sources as tsx compiles them, or one esbuild bundle of them. */
async function loadEngine(): Promise<typeof Engine> {
  if (fromSources) return import('../src/engine');
  const outfile = join(root, 'node_modules', '.cache', 'k8s-bench', 'engine.cjs');
  mkdirSync(dirname(outfile), { recursive: true });
  buildSync({
    entryPoints: [join(root, 'src', 'engine', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    outfile,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile) as typeof Engine;
}
const { createCluster } = await loadEngine();

interface Figures {
  bench: string;
  engine: 'esbuild-bundle' | 'tsx-sources';
  nodes: number;
  deployments: number;
  pods: number;
  createClusterMs: number;
  applyMs: number;
  settleMs: number;
  totalMs: number;
  budgetMs?: number;
  withinBudget?: boolean;
  virtualSeconds: number;
  loopUnits: number;
  availablePods: number;
  heapPeakMB: number;
  heapAfterMB: number;
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

function run(
  bench: string,
  nodes: number,
  deployments: number,
  replicas: number,
  budgetMs?: number,
): Figures {
  let heapPeak = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const cluster = createCluster({
    seed: 1,
    workers: nodes,
    nodeCpu: '64',
    nodeMemory: '256Gi',
    bootstrapMs: 0,
  });
  const t1 = performance.now();
  let units = 0;
  cluster.context.loop.onUnit = () => {
    if (++units % 20_000 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  const startVirtual = cluster.now();
  const objects = Array.from({ length: deployments }, (_, i) => deployment(i, replicas));
  const outcomes = cluster.applyObjects(objects);
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) throw new Error(`apply failed: ${JSON.stringify(failed[0])}`);
  const t2 = performance.now();
  const settled = cluster.settle({ maxVirtualMs: 30 * 60_000, maxSteps: 50_000_000 });
  const t3 = performance.now();
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  if (!settled.settled) throw new Error(settled.message);
  const available = cluster.store
    .list('Deployment', { namespace: 'default' })
    .reduce(
      (n, d) =>
        n + ((d.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0),
      0,
    );
  const pods = cluster.store.list('Pod', { namespace: 'default' }).length;
  const totalMs = Math.round(t3 - t1);
  return {
    bench,
    engine: fromSources ? 'tsx-sources' : 'esbuild-bundle',
    nodes,
    deployments,
    pods,
    createClusterMs: Math.round(t1 - t0),
    applyMs: Math.round(t2 - t1),
    settleMs: Math.round(t3 - t2),
    totalMs,
    ...(budgetMs !== undefined ? { budgetMs, withinBudget: totalMs <= budgetMs } : {}),
    virtualSeconds: Math.round((cluster.now() - startVirtual) / 1000),
    loopUnits: units,
    availablePods: available,
    heapPeakMB: mb(heapPeak),
    heapAfterMB: mb(process.memoryUsage().heapUsed),
  };
}

const only = process.argv.find((a) => a === 'small' || a === 'large');
// Warm up the JIT on a small run so the first measured figure is not mostly compilation.
run('warmup', 3, 20, 3);
const small = only === 'large' ? undefined : run('deployments-1k', 10, 100, 10);
if (small) console.log(JSON.stringify(small));
const large = only === 'small' ? undefined : run('deployments-10k', 100, 1000, 10, 3000);
if (large) console.log(JSON.stringify(large));
if (small && large) {
  const ratio = Math.round((large.totalMs / Math.max(1, small.totalMs)) * 100) / 100;
  console.log(
    JSON.stringify({
      bench: 'growth',
      workRatio: 10,
      timeRatio: ratio,
      budgetRatio: 12,
      withinBudget: ratio <= 12,
    }),
  );
}
