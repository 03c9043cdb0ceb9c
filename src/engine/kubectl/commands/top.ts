/**
 * `kubectl top pod|node`: resource usage from the Metrics API.
 *
 * Models kubectl pkg/cmd/top (top.go, top_pod.go, top_node.go). The simulated cluster is a fresh
 * kubeadm cluster, which has no metrics-server, so — as on a real one — every query ends in
 * `error: Metrics API not available` (top_pod.go / top_node.go RunTop, after discovery finds no
 * metrics.k8s.io group). Flags are accepted (and checked) as kubectl checks them.
 */
import type { CommandResult } from '../../shell/types';
import { ALL_NAMESPACES_FLAG, SELECTOR_FLAG } from '../flag-specs';
import { commandHelp, OPTIONS_TIP } from '../help';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';

const USE_PROTOCOL_BUFFERS: FlagSpec = {
  name: 'use-protocol-buffers',
  type: 'bool',
  default: true,
  usage: 'Enables using protocol-buffers to access Metrics API.',
};

const POD_FLAGS: FlagSpec[] = [
  ALL_NAMESPACES_FLAG,
  {
    name: 'containers',
    type: 'bool',
    usage: 'If present, print usage of containers within a pod.',
  },
  { name: 'no-headers', type: 'bool', usage: 'If present, print output without headers.' },
  SELECTOR_FLAG,
  {
    name: 'sort-by',
    type: 'string',
    usage:
      "If non-empty, sort pods list using specified field. The field can be either 'cpu' or 'memory'.",
  },
  { name: 'sum', type: 'bool', usage: 'Print the sum of the resource usage' },
  USE_PROTOCOL_BUFFERS,
];

const NODE_FLAGS: FlagSpec[] = [
  { name: 'no-headers', type: 'bool', usage: 'If present, print output without headers' },
  SELECTOR_FLAG,
  {
    name: 'show-capacity',
    type: 'bool',
    usage: 'Print node resources based on Capacity instead of Allocatable(default) of the nodes.',
  },
  {
    name: 'sort-by',
    type: 'string',
    usage:
      "If non-empty, sort nodes list using specified field. The field can be either 'cpu' or 'memory'.",
  },
  USE_PROTOCOL_BUFFERS,
];

// Models top_pod.go / top_node.go Validate, then RunTop's discovery check.
function runTop(ctx: CommandContext): CommandResult {
  const sortBy = ctx.flags.string('sort-by');
  if (sortBy !== '' && sortBy !== 'cpu' && sortBy !== 'memory')
    throw new KubectlError('--sort-by accepts only cpu or memory');
  if (ctx.args.length > 0 && ctx.flags.string('selector') !== '')
    throw new KubectlError('only one of NAME or --selector can be provided');
  throw new KubectlError('Metrics API not available');
}

const topPodCommand: KubectlCommand = {
  name: 'pod',
  aliases: ['pods', 'po'],
  short: 'Display resource (CPU/memory) usage of pods',
  flags: POD_FLAGS,
  help: commandHelp({
    long: [
      'Display resource (CPU/memory) usage of pods.',
      "The 'top pod' command allows you to see the resource consumption of pods.",
      'Due to the metrics pipeline delay, they may be unavailable for a few minutes since pod creation.',
    ],
    examples: `# Show metrics for all pods in the default namespace
kubectl top pod

# Show metrics for all pods in the given namespace
kubectl top pod --namespace=NAMESPACE

# Show metrics for a given pod and its containers
kubectl top pod POD_NAME --containers

# Show metrics for the pods defined by label name=myLabel
kubectl top pod -l name=myLabel`,
    flags: POD_FLAGS,
    usage: 'top pod [NAME | -l label] [options]',
  }),
  run: runTop,
};

const topNodeCommand: KubectlCommand = {
  name: 'node',
  aliases: ['nodes', 'no'],
  short: 'Display resource (CPU/memory) usage of nodes',
  flags: NODE_FLAGS,
  help: commandHelp({
    long: [
      'Display resource (CPU/memory) usage of nodes.',
      'The top-node command allows you to see the resource consumption of nodes.',
    ],
    examples: `# Show metrics for all nodes
kubectl top node

# Show metrics for a given node
kubectl top node NODE_NAME`,
    flags: NODE_FLAGS,
    usage: 'top node [NAME | -l label] [options]',
  }),
  run: runTop,
};

export const topCommand: KubectlCommand = {
  name: 'top',
  short: 'Display resource (CPU/memory) usage',
  flags: [],
  help:
    'Display resource (CPU/memory) usage.\n' +
    '\n' +
    ' The top command allows you to see the resource consumption for nodes or pods.\n' +
    '\n' +
    ' This command requires Metrics Server to be correctly configured and working on the server.\n' +
    '\n' +
    'Available Commands:\n' +
    '  node          Display resource (CPU/memory) usage of nodes\n' +
    '  pod           Display resource (CPU/memory) usage of pods\n' +
    '\n' +
    'Usage:\n' +
    '  kubectl top [flags] [options]\n' +
    '\n' +
    'Use "kubectl <command> --help" for more information about a given command.\n' +
    OPTIONS_TIP,
  subcommands: [topNodeCommand, topPodCommand],
};
