/**
 * Build the KubectlEnv a kubectl invocation sees from the cluster facade and the workspace.
 */
import type { Cluster } from '../cluster';
import type { Workspace } from '../shell/types';
import type { KubectlEnv } from './types';

export interface InvocationOptions {
  /** Text piped into kubectl (`cat x | kubectl apply -f -`). */
  stdin?: string;
  /** The kubectl command line as typed (for --record). */
  commandLine?: string;
  /** The shell's working directory (default /root/test, the workspace). */
  cwd?: string;
}

export function kubectlEnvFor(
  cluster: Cluster,
  workspace: Workspace,
  opts: InvocationOptions = {},
): KubectlEnv {
  return {
    store: cluster.store,
    clock: cluster.clock,
    context: cluster.context,
    applyObjects: (objects, actor) => cluster.applyObjects(objects, actor),
    advance: (ms) => {
      cluster.advance(ms);
    },
    workspace,
    cwd: opts.cwd ?? '/root/test',
    stdin: opts.stdin,
    commandLine: opts.commandLine ?? '',
  };
}
