/**
 * `kubectl drain NODE`: cordon the node, then evict its pods and wait until they are gone.
 *
 * Models kubectl pkg/cmd/drain/drain.go (RunDrain, deleteOrEvictPodsSimple) and pkg/drain
 * (drain.go GetPodsForDeletion, DeleteOrEvictPods, evictPods, deletePods, waitForDelete;
 * filters.go makeFilters, PodDeleteList.Warnings/errors), v1.30:
 *  - every node is cordoned first (`node/node1 cordoned`);
 *  - the node's pods go through the filters in upstream order: DaemonSet-managed (refused
 *    without --ignore-daemonsets, skipped with a warning with it), mirror pods (skipped
 *    silently), emptyDir volumes (refused without --delete-emptydir-data), pods with no
 *    controller (refused without --force). Warnings print as `Warning: ignoring DaemonSet-managed
 *    Pods: kube-system/kube-proxy-xxxxx`; refusals fail the node with
 *    `error: unable to drain node "node1" due to error: cannot delete ..., continuing command...`;
 *  - eviction = a DELETE with the pod's own grace period (or --grace-period), after
 *    `evicting pod default/x`; kubectl then polls every second (virtual time passes here, with
 *    the controllers running) and prints `pod/x evicted` once the pod is gone, then
 *    `node/node1 drained`.
 * Kept as upstream prints it: v1.30's unmanaged-pod message reads `cannot delete cannot delete
 * Pods that declare no controller (use --force to override): ...` (kubectl#1467 reworded the
 * constant, errors() still prefixed it; fixed only after kubectl#1808).
 * Simplified: no PodDisruptionBudgets (evictions never get 429), no --chunk-size and no
 * --skip-wait-for-delete-timeout; with no --timeout, waiting stops after a bound far beyond any
 * grace period (real kubectl would wait forever) and reports it as a timeout.
 */
import { isApiError } from '../../api/errors';
import type { Selector } from '../../api/selectors';
import { parseSelector, SelectorParseError } from '../../api/selectors';
import type { KObject } from '../../api/types';
import { controllerOf } from '../../api/types';
import type { CliError } from '../filenames';
import { aggregate, errorText, plainError } from '../filenames';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';
import type { CommandResult } from '../../shell/types';
import { goDuration } from '../go-duration';
import { checkNodeArgs, cordonNodes, NODE_SELECTOR_FLAG, resolveNodes } from './cordon';
import type { DryRun } from './label';
import { checkErrOnce, dryRunStrategy, toCliError, withDryRun } from './label';
import { DRY_RUN_FLAG } from '../flag-specs';

const FLAGS: FlagSpec[] = [
  {
    name: 'delete-emptydir-data',
    type: 'bool',
    usage:
      'Continue even if there are pods using emptyDir (local data that will be deleted when the node is drained).',
  },
  {
    name: 'disable-eviction',
    type: 'bool',
    usage:
      'Force drain to use delete, even if eviction is supported. This will bypass checking PodDisruptionBudgets, use with caution.',
  },
  DRY_RUN_FLAG,
  {
    name: 'force',
    type: 'bool',
    usage: 'Continue even if there are pods that do not declare a controller.',
  },
  {
    name: 'grace-period',
    type: 'int',
    default: -1,
    usage:
      'Period of time in seconds given to each pod to terminate gracefully. If negative, the default value specified in the pod will be used.',
  },
  { name: 'ignore-daemonsets', type: 'bool', usage: 'Ignore DaemonSet-managed pods.' },
  { name: 'pod-selector', type: 'string', usage: 'Label selector to filter pods on the node' },
  NODE_SELECTOR_FLAG,
  {
    name: 'timeout',
    type: 'duration',
    default: '0s',
    usage: 'The length of time to wait before giving up, zero means infinite',
  },
];

// filters.go messages.
const DAEMONSET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
const DAEMONSET_WARNING = 'ignoring DaemonSet-managed Pods';
const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
const UNMANAGED_FATAL = 'cannot delete Pods that declare no controller (use --force to override)';
const UNMANAGED_WARNING = 'deleting Pods that declare no controller';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** With no --timeout, stop waiting after this much virtual time (see the module comment). */
const WAIT_BOUND_MS = 60 * 60_000;

interface DeleteStatus {
  delete: boolean;
  reason: 'Okay' | 'Skip' | 'Warning' | 'Error';
  message?: string;
}

const OKAY: DeleteStatus = { delete: true, reason: 'Okay' };

interface PodInfo {
  metadata: KObject['metadata'];
  spec?: { volumes?: Array<{ emptyDir?: unknown }>; nodeName?: string };
  status?: { phase?: string };
}

interface Options {
  force: boolean;
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  gracePeriod: number;
  disableEviction: boolean;
  podSelector: Selector | undefined;
  timeoutMs: number;
  dryRun: DryRun;
}

const finished = (p: PodInfo): boolean =>
  p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** filters.go: each filter in order; the first that does not delete decides. */
function filterPod(ctx: CommandContext, pod: KObject, o: Options): DeleteStatus {
  const p = pod as unknown as PodInfo;
  const filters: Array<() => DeleteStatus> = [
    // daemonSetFilter
    () => {
      const ref = controllerOf(pod);
      if (!ref || ref.kind !== 'DaemonSet' || finished(p)) return OKAY;
      const ds = ctx.env.store.get('DaemonSet', pod.metadata.namespace, ref.name);
      if (!ds) {
        const msg = `daemonsets.apps ${JSON.stringify(ref.name)} not found`;
        return o.force
          ? { delete: true, reason: 'Warning', message: msg }
          : { delete: false, reason: 'Error', message: msg };
      }
      if (!o.ignoreDaemonSets) return { delete: false, reason: 'Error', message: DAEMONSET_FATAL };
      return { delete: false, reason: 'Warning', message: DAEMONSET_WARNING };
    },
    // mirrorPodFilter
    () =>
      pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined
        ? { delete: false, reason: 'Skip' }
        : OKAY,
    // localStorageFilter
    () => {
      const emptyDir = (p.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined);
      if (!emptyDir || finished(p)) return OKAY;
      if (!o.deleteEmptyDirData)
        return { delete: false, reason: 'Error', message: LOCAL_STORAGE_FATAL };
      return { delete: true, reason: 'Warning', message: LOCAL_STORAGE_WARNING };
    },
    // unreplicatedFilter
    () => {
      if (finished(p) || controllerOf(pod)) return OKAY;
      if (o.force) return { delete: true, reason: 'Warning', message: UNMANAGED_WARNING };
      return { delete: false, reason: 'Error', message: UNMANAGED_FATAL };
    },
  ];
  let status = OKAY;
  for (const f of filters) {
    status = f();
    if (!status.delete) break;
  }
  return status;
}

const nsName = (pod: KObject): string =>
  `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;

/** Group `ns/name`s by message, in the order messages first appear (Go's map order is random). */
function groupByMessage(items: Array<{ pod: KObject; status: DeleteStatus }>, reason: string) {
  const groups = new Map<string, string[]>();
  for (const { pod, status } of items) {
    if (status.reason !== reason) continue;
    const msg = status.message || 'unexpected error';
    const list = groups.get(msg) ?? [];
    list.push(nsName(pod));
    groups.set(msg, list);
  }
  return groups;
}

interface PodDeleteList {
  pods: KObject[];
  warnings: string;
  errors: CliError[];
}

/** drain.go GetPodsForDeletion. */
function podsForDeletion(ctx: CommandContext, node: string, o: Options): PodDeleteList {
  const onNode = ctx.env.store
    .list('Pod', o.podSelector ? { selector: o.podSelector } : {})
    .filter((pod) => (pod.spec as { nodeName?: string } | undefined)?.nodeName === node)
    .sort((a, b) => (nsName(a) < nsName(b) ? -1 : 1));
  const items = onNode.map((pod) => ({ pod, status: filterPod(ctx, pod, o) }));
  const warnings = [...groupByMessage(items, 'Warning')]
    .map(([msg, pods]) => `${msg}: ${pods.join(', ')}`)
    .join('; ');
  // PodDeleteList.errors as v1.30 has it: always prefixed `cannot delete `.
  const errors = [...groupByMessage(items, 'Error')].map(([msg, pods]) =>
    plainError(`cannot delete ${msg}: ${pods.join(', ')}`),
  );
  return { pods: items.filter((i) => i.status.delete).map((i) => i.pod), warnings, errors };
}

interface NodeDrain {
  stdout: string;
  stderr: string;
  error?: CliError;
}

/**
 * drain.go DeleteOrEvictPods → evictPods / deletePods → waitForDelete: start the deletions,
 * then let virtual time pass one poll interval (1 s) at a time until every pod is gone.
 */
function deleteOrEvict(ctx: CommandContext, pods: readonly KObject[], o: Options): NodeDrain {
  const store = ctx.env.store;
  const evict = !o.disableEviction;
  let stdout = '';
  const errors: CliError[] = [];
  const pending: KObject[] = [];
  const grace = o.gracePeriod >= 0 ? { gracePeriodSeconds: o.gracePeriod } : {};
  for (const pod of pods) {
    if (evict)
      stdout += `evicting pod ${nsName(pod)}${o.dryRun === 'server' ? ' (server dry run)' : ''}\n`;
    if (o.dryRun === 'server') continue;
    try {
      store.delete('Pod', pod.metadata.namespace, pod.metadata.name ?? '', {
        actor: 'kubectl',
        ...grace,
      });
      pending.push(pod);
    } catch (e) {
      if (isApiError(e) && e.reason === 'NotFound') continue;
      if (!evict) return { stdout, stderr: '', error: toCliError(e) };
      const msg = e instanceof Error ? e.message : String(e);
      errors.push(
        plainError(
          `error when evicting pods/${JSON.stringify(pod.metadata.name ?? '')} -n ${JSON.stringify(pod.metadata.namespace ?? '')}: ${msg}`,
        ),
      );
    }
  }
  const verb = evict ? 'evicted' : 'deleted';
  const bound = o.timeoutMs > 0 ? o.timeoutMs : WAIT_BOUND_MS;
  let waited = 0;
  let waiting = pending;
  for (;;) {
    const still: KObject[] = [];
    for (const pod of waiting) {
      const cur = store.get('Pod', pod.metadata.namespace, pod.metadata.name ?? '');
      if (!cur || cur.metadata.uid !== pod.metadata.uid)
        stdout += `pod/${pod.metadata.name ?? ''} ${withDryRun(verb, o.dryRun)}\n`;
      else still.push(pod);
    }
    waiting = still;
    if (waiting.length === 0 || waited >= bound) break;
    ctx.env.advance(1000);
    waited += 1000;
  }
  for (const pod of waiting) {
    const reason = `global timeout reached: ${goDuration(bound)}`;
    errors.push(
      plainError(
        evict
          ? `error when waiting for pod ${JSON.stringify(pod.metadata.name ?? '')} in namespace ${JSON.stringify(pod.metadata.namespace ?? '')} to terminate: ${reason}`
          : reason,
      ),
    );
  }
  const error = aggregate(errors);
  return error ? { stdout, stderr: '', error } : { stdout, stderr: '' };
}

/** drain.go deleteOrEvictPodsSimple for one node. */
function drainNode(ctx: CommandContext, node: string, o: Options): NodeDrain {
  const list = podsForDeletion(ctx, node, o);
  if (list.errors.length > 0) return { stdout: '', stderr: '', error: aggregate(list.errors)! };
  let stderr = list.warnings ? `Warning: ${list.warnings}\n` : '';
  if (o.dryRun === 'client') {
    const stdout = list.pods.map((p) => `evicting pod ${nsName(p)} (dry run)\n`).join('');
    return { stdout, stderr };
  }
  const r = deleteOrEvict(ctx, list.pods, o);
  if (!r.error) return { stdout: r.stdout, stderr };
  const pendingPods = podsForDeletion(ctx, node, o).pods;
  if (pendingPods.length > 0) {
    stderr += `There are pending pods in node ${JSON.stringify(node)} when an error occurred: ${errorText(r.error)}\n`;
    for (const p of pendingPods) stderr += `pod/${p.metadata.name ?? ''}\n`;
  }
  return { stdout: r.stdout, stderr, error: r.error };
}

function runDrain(ctx: CommandContext): CommandResult {
  const { flags } = ctx;
  checkNodeArgs(ctx, 'drain');
  const dryRun = dryRunStrategy(ctx);
  let podSelector: Selector | undefined;
  if (flags.string('pod-selector') !== '') {
    try {
      podSelector = parseSelector(flags.string('pod-selector'));
    } catch (e) {
      if (!(e instanceof SelectorParseError)) throw e;
      throw new KubectlError('--pod-selector=<pod_selector> must be a valid label selector');
    }
  }
  const timeoutMs = flags.duration('timeout');
  const o: Options = {
    force: flags.bool('force'),
    ignoreDaemonSets: flags.bool('ignore-daemonsets'),
    deleteEmptyDirData: flags.bool('delete-emptydir-data'),
    gracePeriod: flags.int('grace-period'),
    disableEviction: flags.bool('disable-eviction'),
    podSelector,
    timeoutMs,
    dryRun,
  };
  const nodes = resolveNodes(ctx, 'drain');

  const cordoned = cordonNodes(ctx, nodes, true, dryRun);
  let stdout = cordoned.stdout;
  let stderr = cordoned.stderr;
  const fatal: CliError[] = [];
  const remaining: string[] = [];
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const r = drainNode(ctx, name, o);
    stdout += r.stdout;
    stderr += r.stderr;
    if (!r.error) {
      stdout += `node/${name} ${withDryRun('drained', dryRun)}\n`;
      continue;
    }
    stderr += `error: unable to drain node ${JSON.stringify(name)} due to error: ${errorText(r.error)}, continuing command...\n`;
    fatal.push(r.error);
    remaining.push(name);
  }
  if (remaining.length > 0) {
    stderr += 'There are pending nodes to be drained:\n';
    for (const n of remaining) stderr += ` ${n}\n`;
  }
  const err = aggregate(fatal);
  if (err) stderr += checkErrOnce(err);
  return { stdout, stderr, exitCode: err ? 1 : 0 };
}

/** `kubectl drain --help` (v1.30, in a terminal at least 120 columns wide). */
const HELP = `Drain node in preparation for maintenance.

 The given node will be marked unschedulable to prevent new pods from arriving. 'drain' evicts the pods if the API
server supports https://kubernetes.io/docs/concepts/workloads/pods/disruptions/ eviction
https://kubernetes.io/docs/concepts/workloads/pods/disruptions/ . Otherwise, it will use normal DELETE to delete the
pods. The 'drain' evicts or deletes all pods except mirror pods (which cannot be deleted through the API server).  If
there are daemon set-managed pods, drain will not proceed without --ignore-daemonsets, and regardless it will not delete
any daemon set-managed pods, because those pods would be immediately replaced by the daemon set controller, which
ignores unschedulable markings.  If there are any pods that are neither mirror pods nor managed by a replication
controller, replica set, daemon set, stateful set, or job, then drain will not delete any pods unless you use --force.
--force will also allow deletion to proceed if the managing resource of one or more pods is missing.

 'drain' waits for graceful termination. You should not operate on the machine until the command completes.

 When you are ready to put the node back into service, use kubectl uncordon, which will make the node schedulable again.

https://kubernetes.io/images/docs/kubectl_drain.svg Workflowhttps://kubernetes.io/images/docs/kubectl_drain.svg

Examples:
  # Drain node "foo", even if there are pods not managed by a replication controller, replica set, job, daemon set, or
stateful set on it
  kubectl drain foo --force
  
  # As above, but abort if there are pods not managed by a replication controller, replica set, job, daemon set, or
stateful set, and use a grace period of 15 minutes
  kubectl drain foo --grace-period=900

Options:
    --delete-emptydir-data=false:
\tContinue even if there are pods using emptyDir (local data that will be deleted when the node is drained).

    --disable-eviction=false:
\tForce drain to use delete, even if eviction is supported. This will bypass checking PodDisruptionBudgets, use
\twith caution.

    --dry-run='none':
\tMust be "none", "server", or "client". If client strategy, only print the object that would be sent, without
\tsending it. If server strategy, submit server-side request without persisting the resource.

    --force=false:
\tContinue even if there are pods that do not declare a controller.

    --grace-period=-1:
\tPeriod of time in seconds given to each pod to terminate gracefully. If negative, the default value specified
\tin the pod will be used.

    --ignore-daemonsets=false:
\tIgnore DaemonSet-managed pods.

    --pod-selector='':
\tLabel selector to filter pods on the node

    -l, --selector='':
\tSelector (label query) to filter on

    --timeout=0s:
\tThe length of time to wait before giving up, zero means infinite

Usage:
  kubectl drain NODE [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const drainCommand: KubectlCommand = {
  name: 'drain',
  short: 'Drain node in preparation for maintenance',
  help: HELP,
  flags: FLAGS,
  run: runDrain,
};
