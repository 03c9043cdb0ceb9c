/**
 * `kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args...]`.
 *
 * Models kubectl pkg/cmd/exec/exec.go (Complete, Validate, Run), podcmd
 * FindOrDefaultContainerByName (`Defaulted container "nginx" out of: nginx, redis, memcached`),
 * polymorphichelpers AttachablePodForObjectFn (TYPE/NAME: the most active pod of its selector),
 * the API server's pod exec location (pkg/registry/core/pod/strategy.go validateContainer,
 * `pod x does not have a host assigned`) and the kubelet's findContainer (`container not found
 * ("x")`, which kubectl 1.30 — WebSockets through the API server — reports as
 * `error: Internal error occurred: unable to upgrade connection: container not found ("x")`).
 *
 * `-it … -- sh` (or bash, /bin/sh …) with the terminal as stdin opens an interactive session
 * in the shell that ran kubectl (see SessionHost); any other command runs once. A non-zero exit
 * status is reported as kubectl does: `command terminated with exit code N`.
 *
 * Left out: `-f FILENAME`; `--pod-running-timeout` only matters when a workload has no pod yet
 * (the wait is skipped: the timeout passes at once).
 */
import type { Pod } from 'kubernetes-types/core/v1';
import { ApiError, isApiError, kubectlMessage, notFound } from '../../api/errors';
import type { KindInfo } from '../../api/kinds';
import { kindInfo } from '../../api/kinds';
import type { Selector } from '../../api/selectors';
import { fromLabelSelector, fromMap } from '../../api/selectors';
import type { KObject } from '../../api/types';
import { isPodReady } from '../../controllers/pod-util';
import { parseTimestamp } from '../../sim/clock';
import { canExec, ExecSession, execProcess } from '../../shell/container/container-shell';
import { imageProfile } from '../../shell/container/image';
import type { StoredPod } from '../../shell/container/target';
import { runningContainer } from '../../shell/container/target';
import { basename } from '../../shell/fs';
import type { CommandResult, SessionHost } from '../../shell/types';
import { resolveResource } from '../resources';
import type { CommandContext, FlagSpec, KubectlCommand, KubectlEnv } from '../types';
import { KubectlError } from '../types';
import { commandHelp } from '../help';

/** The annotation that names a pod's default container (kubectl ≥ 1.21). */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** Go's type name for a kind, as `%T` prints it in kubectl's errors (`*v1.Service`). */
function goType(info: KindInfo): string {
  return `*${info.version}.${info.kind}`;
}

/** A resolved target: the pod, plus what kubectl printed on the way (stderr). */
export interface PodTarget {
  pod: StoredPod;
  notes: string;
}

/**
 * polymorphichelpers SelectorsForObject: the pod selector of a workload or service; throws
 * kubectl's `selector for *v1.Node not implemented` for kinds without one.
 */
function selectorOf(obj: KObject, info: KindInfo): Selector {
  const spec = (obj.spec ?? {}) as { selector?: unknown };
  switch (obj.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'Job':
      return fromLabelSelector(spec.selector as Parameters<typeof fromLabelSelector>[0]);
    case 'Service': {
      const sel = spec.selector as Record<string, string> | undefined;
      if (!sel || Object.keys(sel).length === 0) {
        throw new Error(
          `invalid service '${obj.metadata.name ?? ''}': Service is defined without a selector`,
        );
      }
      return fromMap(sel);
    }
    default:
      throw new Error(`selector for ${goType(info)} not implemented`);
  }
}

/** The latest time a pod became ready (for the "been ready longer" rule). */
function readySince(p: Pod): number {
  const c = p.status?.conditions?.find((x) => x.type === 'Ready');
  return c?.lastTransitionTime ? parseTimestamp(c.lastTransitionTime) : Infinity;
}

/**
 * podutils.ByLogging / reversed ActivePods, best first: scheduled, Running before Unknown before
 * Pending, ready, ready for longer, more restarts, older.
 */
export function sortPodsForAttach<P extends Pod>(pods: readonly P[]): P[] {
  const phaseRank: Record<string, number> = { Running: 0, Unknown: 1, Pending: 2 };
  const restarts = (p: Pod): number =>
    Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount));
  return [...pods].sort((a, b) => {
    const an = a.spec?.nodeName ? 0 : 1;
    const bn = b.spec?.nodeName ? 0 : 1;
    if (an !== bn) return an - bn;
    const ap = phaseRank[a.status?.phase ?? ''] ?? 3;
    const bp = phaseRank[b.status?.phase ?? ''] ?? 3;
    if (ap !== bp) return ap - bp;
    const ar = isPodReady(a);
    const br = isPodReady(b);
    if (ar !== br) return ar ? -1 : 1;
    if (ar && br && readySince(a) !== readySince(b)) return readySince(a) - readySince(b);
    if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
    const at = parseTimestamp(a.metadata?.creationTimestamp ?? '');
    const bt = parseTimestamp(b.metadata?.creationTimestamp ?? '');
    return at - bt;
  });
}

/** Resolve `POD` or `TYPE/NAME` (`deploy/web`, `svc/web`) to the pods it stands for, best first. */
export function resolvePods(
  env: KubectlEnv,
  namespace: string,
  arg: string,
  verb: 'attach' | 'logs',
): { object: KObject; info: KindInfo; pods: StoredPod[] } {
  const slash = arg.indexOf('/');
  const info = slash >= 0 ? resolveResource(arg.slice(0, slash)) : (kindInfo('Pod') as KindInfo);
  const name = slash >= 0 ? arg.slice(slash + 1) : arg;
  if (name === '')
    throw new KubectlError('arguments in resource/name form must have a single resource and name');
  const object = env.store.get(info.kind, info.namespaced ? namespace : undefined, name);
  if (!object) throw notFound(info, name);
  if (info.kind === 'Pod') return { object, info, pods: [object as StoredPod] };
  let selector: Selector;
  try {
    selector = selectorOf(object, info);
  } catch (e) {
    const what = verb === 'attach' ? 'cannot attach to' : 'cannot get the logs from';
    throw new KubectlError(`${what} ${goType(info)}: ${(e as Error).message}`);
  }
  const pods = env.store.list<StoredPod>('Pod', { namespace, selector });
  return { object, info, pods: sortPodsForAttach(pods) };
}

/**
 * podcmd.FindOrDefaultContainerByName without a name: the annotated default container, else the
 * first, with kubectl's note when there was a choice.
 */
export function defaultContainer(pod: Pod): { name: string; note: string } {
  const containers = pod.spec?.containers ?? [];
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && containers.some((c) => c.name === annotated))
    return { name: annotated, note: '' };
  const first = containers[0]?.name ?? '';
  const several =
    containers.length > 1 ||
    (pod.spec?.initContainers ?? []).length > 0 ||
    (pod.spec?.ephemeralContainers ?? []).length > 0;
  return {
    name: first,
    note: several ? `Defaulted container "${first}" out of: ${allContainerNames(pod)}\n` : '',
  };
}

/** podcmd.AllContainerNames: containers, then `x (ephem)`, then `x (init)`. */
export function allContainerNames(pod: Pod): string {
  return [
    ...(pod.spec?.containers ?? []).map((c) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => `${c.name} (ephem)`),
    ...(pod.spec?.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ');
}

/** A failure after some notes were already printed to stderr. */
export function failAfter(notes: string, e: unknown): CommandResult {
  let msg: string;
  if (isApiError(e)) msg = kubectlMessage(e);
  else if (e instanceof KubectlError) msg = `error: ${e.message}`;
  else throw e;
  return {
    stdout: '',
    stderr: notes + msg + '\n',
    exitCode: e instanceof KubectlError ? e.exitCode : 1,
  };
}

const badRequest = (msg: string): ApiError => new ApiError('BadRequest', 400, msg);

const FLAGS: FlagSpec[] = [
  {
    name: 'container',
    short: 'c',
    type: 'string',
    usage:
      'Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen',
  },
  {
    name: 'pod-running-timeout',
    type: 'duration',
    default: '1m0s',
    usage:
      'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running',
  },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'Only print output from the remote session' },
  { name: 'stdin', short: 'i', type: 'bool', usage: 'Pass stdin to the container' },
  { name: 'tty', short: 't', type: 'bool', usage: 'Stdin is a TTY' },
];

const HELP = commandHelp({
  long: ['Execute a command in a container.'],
  examples: `# Get output from running the 'date' command from pod mypod, using the first container by default
kubectl exec mypod -- date

# Get output from running the 'date' command in ruby-container from pod mypod
kubectl exec mypod -c ruby-container -- date

# Switch to raw terminal mode; sends stdin to 'bash' in ruby-container from pod mypod
# and sends stdout/stderr from 'bash' back to the client
kubectl exec mypod -c ruby-container -i -t -- bash -il

# List contents of /usr from the first container of pod mypod and sort by modification time
# If the command you want to execute in the pod has any flags in common (e.g. -i),
# you must use two dashes (--) to separate your command's flags/arguments
# Also note, do not surround your command and its flags/arguments with quotes
# unless that is how you would execute it normally (i.e., do ls -t /usr, not "ls -t /usr")
kubectl exec mypod -i -t -- ls -t /usr

# Get output from running 'date' command from the first pod of the deployment mydeployment, using the first container by default
kubectl exec deploy/mydeployment -- date

# Get output from running 'date' command from the first pod of the service myservice, using the first container by default
kubectl exec svc/myservice -- date`,
  flags: FLAGS,
  usage: 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]',
});

/** Go duration text (`1m0s`, `30s`, `2m`) in ms. */
function runExec(ctx: CommandContext): CommandResult {
  const { env, args, dashArgs, flags, namespace } = ctx;
  const quiet = flags.bool('quiet');
  let notes = '';
  let command: string[];
  if (dashArgs.length > 0) command = dashArgs;
  else if (args.length > 1) {
    if (!quiet) {
      notes +=
        'kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\n';
    }
    command = args.slice(1);
  } else command = [];
  const resource = args[0];
  try {
    if (resource === undefined)
      throw new KubectlError('pod, type/name or --filename must be specified');
    if (command.length === 0)
      throw new KubectlError('you must specify at least one command for the container');
    const { pods } = resolvePods(env, namespace, resource, 'attach');
    const pod = pods[0];
    if (!pod) {
      // GetFirstPod watches for a pod until --pod-running-timeout passes.
      env.advance(flags.duration('pod-running-timeout'));
      throw new KubectlError('timed out waiting for the condition');
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      throw new KubectlError(
        `cannot exec into a container in a completed pod; current phase is ${phase}`,
      );
    }
    let containerName = flags.string('container');
    if (containerName === '') {
      const d = defaultContainer(pod);
      containerName = d.name;
      if (!quiet) notes += d.note;
    }
    const podName = pod.metadata.name ?? '';
    // The API server's exec location: the container must be the pod's, the pod on a node.
    const all = [
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers ?? []),
      ...(pod.spec?.ephemeralContainers ?? []),
    ];
    if (!all.some((c) => c.name === containerName))
      throw badRequest(`container ${containerName} is not valid for pod ${podName}`);
    if (!pod.spec?.nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
    const running = runningContainer(env, pod, containerName);
    if (!running) {
      throw new KubectlError(
        `Internal error occurred: unable to upgrade connection: container not found ("${containerName}")`,
      );
    }
    const stdinFlag = flags.bool('stdin');
    let tty = flags.bool('tty') && stdinFlag;
    if (tty && env.stdin !== undefined) {
      if (!quiet)
        notes += 'Unable to use a TTY - input is not a terminal or the right kind of file\n';
      tty = false;
    }
    const host = env as KubectlEnv & SessionHost;
    const shell = imageProfile(running.spec.image ?? '').shells[basename(command[0] ?? '')];
    // `-i` with the terminal as stdin and a shell without a script: an interactive session.
    const interactiveShell =
      stdinFlag &&
      env.stdin === undefined &&
      shell !== undefined &&
      canExec(env, running, command[0] ?? '') &&
      !command.slice(1).some((a) => !a.startsWith('-') || /^-[a-z]*c/.test(a));
    if (interactiveShell && host.enterSession) {
      host.enterSession(new ExecSession(env, running, shell, tty));
      return { stdout: '', stderr: notes, exitCode: 0 };
    }
    const r = execProcess(env, running, command, {
      stdin: stdinFlag ? env.stdin : undefined,
      tty,
    });
    return { stdout: r.stdout, stderr: notes + r.stderr, exitCode: r.exitCode };
  } catch (e) {
    return failAfter(notes, e);
  }
}

export const execCommand: KubectlCommand = {
  name: 'exec',
  argsLenAtDash: true,
  short: 'Execute a command in a container',
  help: HELP,
  flags: FLAGS,
  run: runExec,
};
