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
        splitWords(line),
        kubectlEnvFor(cluster, workspace, {
          commandLine: `kubectl ${line}`,
          ...(stdin !== undefined ? { stdin } : {}),
        }),
      ),
  };
}

/** Split a line into words as a shell would for simple cases: blanks, '…', "…", backslash. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in ${line}`);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) i++;
        cur += line[i];
        i++;
      }
      if (i >= line.length) throw new Error(`unterminated " in ${line}`);
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
