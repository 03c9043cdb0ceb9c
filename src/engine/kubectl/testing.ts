/**
 * Test helpers for kubectl commands: a fresh default cluster (seed 1: master, node1, node2,
 * bootstrapped; the virtual clock at 2024-06-03T08:10:00Z) and a way to run kubectl lines
 * against it.
 *
 *   const k = kubectlFixture();
 *   k.cluster.apply(yaml); k.cluster.settle();
 *   expect(k.run('get pods').stdout).toBe(...);
 */
import type { Cluster } from '../cluster';
import { createCluster } from '../cluster';
import type { ClusterOptions } from '../cluster-config';
import { MemoryWorkspace } from '../shell/workspace';
import { shellWords } from './change-cause';
import type { CommandResult } from '../shell/types';
import { kubectlEnvFor } from './env';
import { runKubectl } from './kubectl';

export interface KubectlFixture {
  cluster: Cluster;
  workspace: MemoryWorkspace;
  /** Run `kubectl <line>`; `stdin` is what a pipe would feed it. */
  run(line: string, stdin?: string): CommandResult;
}

export function kubectlFixture(
  opts: ClusterOptions & { files?: Record<string, string> } = {},
): KubectlFixture {
  const { files, ...clusterOpts } = opts;
  const cluster = createCluster({ seed: 1, ...clusterOpts });
  const workspace = new MemoryWorkspace(files ?? {});
  return {
    cluster,
    workspace,
    run: (line, stdin) =>
      runKubectl(
        shellWords(line),
        kubectlEnvFor(cluster, workspace, {
          commandLine: `kubectl ${line}`,
          ...(stdin !== undefined ? { stdin } : {}),
        }),
      ),
  };
}
