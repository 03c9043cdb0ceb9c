/**
 * `kubectl annotate`: set or remove annotations, as label does for labels.
 *
 * Models kubectl pkg/cmd/annotate/annotate.go (v1.30): the same client-side edit and merge patch
 * as `kubectl label` (see label.ts, which holds the shared code), with annotate's own rules:
 * every success prints `annotated`; setting a key to the value it already has needs no
 * --overwrite; `kubernetes.io/change-cause` may always be overwritten; a removed key that is not
 * there is silently ignored. The playground's fault injection (`playground/fault=...`) is set
 * through this command.
 */
import { RECORD_FLAG } from '../change-cause';
import type { FlagSpec, KubectlCommand } from '../types';
import { runMetadataUpdate } from './label';
import { CHECK_ALL_NAMESPACES_FLAG, DRY_RUN_FLAG, SELECTOR_FLAG } from '../flag-specs';

const FLAGS: FlagSpec[] = [
  {
    name: 'all',
    type: 'bool',
    usage: 'Select all resources, in the namespace of the specified resource types.',
  },
  CHECK_ALL_NAMESPACES_FLAG,
  DRY_RUN_FLAG,
  { name: 'list', type: 'bool', usage: 'If true, display the annotations for a given resource.' },
  {
    name: 'overwrite',
    type: 'bool',
    usage:
      'If true, allow annotations to be overwritten, otherwise reject annotation updates that overwrite existing annotations.',
  },
  {
    name: 'resource-version',
    type: 'string',
    usage:
      'If non-empty, the annotation update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.',
  },
  SELECTOR_FLAG,
  RECORD_FLAG,
];

/** `kubectl annotate --help` (v1.30, in a terminal at least 120 columns wide). */
const HELP = `Update the annotations on one or more resources.

 All Kubernetes objects support the ability to store additional data with the object as annotations. Annotations are
key/value pairs that can be larger than labels and include arbitrary string values such as structured JSON. Tools and
system extensions may use annotations to store their own data.

 Attempting to set an annotation that already exists will fail unless --overwrite is set. If --resource-version is
specified and does not match the current resource version on the server the command will fail.

Use "kubectl api-resources" for a complete list of supported resources.

Examples:
  # Update pod 'foo' with the annotation 'description' and the value 'my frontend'
  # If the same annotation is set multiple times, only the last value will be applied
  kubectl annotate pods foo description='my frontend'
  
  # Update a pod identified by type and name in "pod.json"
  kubectl annotate -f pod.json description='my frontend'
  
  # Update pod 'foo' with the annotation 'description' and the value 'my frontend running nginx', overwriting any
existing value
  kubectl annotate --overwrite pods foo description='my frontend running nginx'
  
  # Update all pods in the namespace
  kubectl annotate pods --all description='my frontend running nginx'
  
  # Update pod 'foo' only if the resource is unchanged from version 1
  kubectl annotate pods foo description='my frontend running nginx' --resource-version=1
  
  # Update pod 'foo' by removing an annotation named 'description' if it exists
  # Does not require the --overwrite flag
  kubectl annotate pods foo description-

Options:
    --all=false:
\tSelect all resources, in the namespace of the specified resource types.

    -A, --all-namespaces=false:
\tIf true, check the specified action in all namespaces.

    --dry-run='none':
\tMust be "none", "server", or "client". If client strategy, only print the object that would be sent, without
\tsending it. If server strategy, submit server-side request without persisting the resource.

    --list=false:
\tIf true, display the annotations for a given resource.

    --overwrite=false:
\tIf true, allow annotations to be overwritten, otherwise reject annotation updates that overwrite existing
\tannotations.

    --resource-version='':
\tIf non-empty, the annotation update will only succeed if this is the current resource-version for the object.
\tOnly valid when specifying a single resource.

    -l, --selector='':
\tSelector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching
\tobjects must satisfy all of the specified label constraints.

Usage:
  kubectl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]
[options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const annotateCommand: KubectlCommand = {
  name: 'annotate',
  short: 'Update the annotations on a resource',
  help: HELP,
  flags: FLAGS,
  run: (ctx) => runMetadataUpdate(ctx, 'annotations', FLAGS),
};
