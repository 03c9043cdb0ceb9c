/**
 * From the engine to the trace panel: after every command the host runs, the traces the command
 * recorded (curl, wget, nslookup… — `lastTraces(cluster)`) go to the trace store, the newest
 * shown; the Send request form's trace goes the same way (`sendFromForm`). Each trace's whys are
 * computed on arrival, against the node's rules of that moment.
 */
import { dataplaneOf, iptablesSave, lastTraces } from '../../engine';
import type { Cluster, ClusterRequest, Trace } from '../../engine';
import type { PlaygroundHost } from '../host/playground-host';
import type { ExplainEnv } from './explain';
import { explainTrace } from './explain';
import type { TraceSource } from './trace-store';
import { MAX_ENTRIES, newTraces, useTraceStore } from './trace-store';

type TableName = NonNullable<Parameters<typeof iptablesSave>[2]['table']>;
const TABLES: readonly string[] = ['raw', 'mangle', 'nat', 'filter'];

/** The explanations' view of the cluster: a chain's rules on a node, as iptables-save prints them. */
export function clusterExplainEnv(cluster: Pick<Cluster, 'context'>): ExplainEnv {
  const dump = new Map<string, string[]>();
  return {
    chainRules(node, table, chain) {
      const np = dataplaneOf(cluster.context).nodes.get(node);
      if (!np || !TABLES.includes(table)) return undefined;
      const key = `${node}\n${table}`;
      let lines = dump.get(key);
      if (!lines) {
        lines = iptablesSave(np.tables, undefined, { table: table as TableName, date: '' }).split(
          '\n',
        );
        dump.set(key, lines);
      }
      const prefix = `-A ${chain} `;
      return lines.filter((l) => l.startsWith(prefix));
    },
  };
}

/** Put one trace in the panel (and show it). */
export function showTrace(
  cluster: Pick<Cluster, 'context'>,
  trace: Trace,
  source: TraceSource,
  command?: string,
  env: ExplainEnv = clusterExplainEnv(cluster),
): number {
  const why = explainTrace(trace, env);
  return useTraceStore.getState().add(trace, source, why, command);
}

/** Send a request from the form, and show its trace. */
export function sendFromForm(host: PlaygroundHost, request: ClusterRequest): Trace {
  // Through the host: the request is logged, so a reload replays it.
  const trace = host.request(request);
  showTrace(host.cluster, trace, 'form');
  return trace;
}

/**
 * Follow the host: after each command, the traces it recorded are added (the newest last, so it
 * is the one shown); a reset of the cluster empties the panel. Returns the unbind function.
 */
export function bindTraces(host: PlaygroundHost): () => void {
  let seen: Trace | undefined = lastTraces(host.cluster).at(-1);
  const offCommand = host.onCommand((input) => {
    const list = lastTraces(host.cluster);
    // A loop of curls brings many: only those the panel keeps are explained, with one view of the
    // rules for all.
    const fresh = newTraces(list, seen).slice(-MAX_ENTRIES);
    seen = list.at(-1);
    if (fresh.length === 0) return;
    const env = clusterExplainEnv(host.cluster);
    for (const t of fresh) showTrace(host.cluster, t, 'terminal', input, env);
  });
  const offChanges = host.subscribe((changes) => {
    if (changes !== undefined) return;
    seen = undefined;
    useTraceStore.getState().clear();
  });
  return () => {
    offCommand();
    offChanges();
  };
}
