/**
 * `kubectl run NAME --image=IMAGE [-- ARGS...]`: create one bare Pod.
 *
 * Models kubectl pkg/cmd/run/run.go (Validate, Run, createGeneratedObject, generateService,
 * getRestartPolicy) and pkg/generate/versioned/run.go (BasicPod.Generate, parseEnvs,
 * updatePodContainers, updatePodPorts). The Pod is built exactly as kubectl sends it:
 *  - label `run=NAME`, unless --labels (`a=b,c=d`) replaces it;
 *  - one container named NAME with the image, `resources: {}`; --port gives one containerPort;
 *    --env one env var each; arguments after `--` are the container's `args`, or its `command`
 *    with --command;
 *  - `dnsPolicy: ClusterFirst` and `restartPolicy` (Always unless --restart) set by kubectl;
 *    everything else (imagePullPolicy, terminationMessagePath, ...) is the API server's default.
 * Prints `pod/NAME created`; with --expose, first `service/NAME created` for a ClusterIP Service
 * selecting the pod on --port.
 *
 * Not modelled: attaching (`-i`, `-t`, `--attach`, and `--rm`, which needs them) has no terminal
 * to attach to here, so it is refused with a clear message before anything is created; use
 * `kubectl exec -it POD -- sh` on the running pod instead. `--record` (deprecated)
 * writes the command line into `kubernetes.io/change-cause`. Also left out: --overrides,
 * --annotations, --privileged, --save-config.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import { RECORD_FLAG } from '../change-cause';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';
import type { CommandResult } from '../../shell/types';
import {
  createService,
  forClientPrint,
  forServer,
  NO_SERVICE_PARAMS,
  parseLabelSpec,
} from './expose';
import type { DryRun } from './label';
import {
  checkOutputFormat,
  dryRunStrategy,
  printObject,
  recordedCause,
  recordNotice,
  withChangeCause,
} from './label';
import { DRY_RUN_FLAG, OUTPUT_FLAG } from '../flag-specs';

const FLAGS: FlagSpec[] = [
  {
    name: 'attach',
    type: 'bool',
    usage:
      "If true, wait for the Pod to start running, and then attach to the Pod as if 'kubectl attach ...' were called.  Default false, unless '-i/--stdin' is set, in which case the default is true. With '--restart=Never' the exit code of the container process is returned.",
  },
  {
    name: 'command',
    type: 'bool',
    usage:
      "If true and extra arguments are present, use them as the 'command' field in the container, rather than the 'args' field which is the default.",
  },
  DRY_RUN_FLAG,
  { name: 'env', type: 'stringArray', usage: 'Environment variables to set in the container.' },
  {
    name: 'expose',
    type: 'bool',
    usage: 'If true, create a ClusterIP service associated with the pod.  Requires `--port`.',
  },
  { name: 'image', type: 'string', usage: 'The image for the container to run.' },
  {
    name: 'image-pull-policy',
    type: 'string',
    usage:
      'The image pull policy for the container.  If left empty, this value will not be specified by the client and defaulted by the server.',
  },
  {
    name: 'labels',
    short: 'l',
    type: 'string',
    usage: 'Comma separated labels to apply to the pod. Will override previous values.',
  },
  OUTPUT_FLAG,
  { name: 'port', type: 'string', usage: 'The port that this container exposes.' },
  {
    name: 'restart',
    type: 'string',
    usage: 'The restart policy for this Pod.  Legal values [Always, OnFailure, Never].',
  },
  {
    name: 'rm',
    type: 'bool',
    usage:
      "If true, delete the pod after it exits.  Only valid when attaching to the container, e.g. with '--attach' or with '-i/--stdin'.",
  },
  {
    name: 'stdin',
    short: 'i',
    type: 'bool',
    usage: 'Keep stdin open on the container in the pod, even if nothing is attached.',
  },
  { name: 'tty', short: 't', type: 'bool', usage: 'Allocate a TTY for the container in the pod.' },
  RECORD_FLAG,
];

// distribution/reference.ReferenceRegexp (anchored): [domain/]path[:tag][@digest].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const REFERENCE_RE = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?` +
    `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*` +
    '(?::[\\w][\\w.-]{0,127})?' +
    '(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,})?$',
);

const ENV_NAME_RE = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** generateversioned parseEnvs. */
function parseEnvs(list: readonly string[]): Array<{ name: string; value: string }> {
  return list.map((env) => {
    const i = env.indexOf('=');
    const name = i < 0 ? '' : env.slice(0, i);
    if (i < 0 || name === '' || !ENV_NAME_RE.test(name))
      throw new KubectlError(`invalid env: ${env}`);
    return { name, value: env.slice(i + 1) };
  });
}

/** utilsnet.ParsePort(port, allowZero=true), with strconv's error text. */
function parsePort(text: string): number {
  if (!/^\d+$/.test(text))
    throw new KubectlError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  const n = Number(text);
  if (n > 65535)
    throw new KubectlError(
      `strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`,
    );
  return n;
}

/** run.go getRestartPolicy. */
function restartPolicy(restart: string, interactive: boolean): string {
  if (restart === '') return interactive ? 'OnFailure' : 'Always';
  if (restart === 'Always' || restart === 'OnFailure' || restart === 'Never') return restart;
  throw new KubectlError(`invalid restart policy: ${restart}`);
}

/**
 * BasicPod.Generate: the Pod as kubectl builds it, in Go's field order and with the zero values
 * a typed object marshals (`creationTimestamp: null`, `resources: {}`, `status: {}`).
 */
export function buildRunPod(opts: {
  name: string;
  image: string;
  labels: string;
  port: string;
  env: readonly string[];
  args: readonly string[];
  command: boolean;
  restart: string;
  imagePullPolicy: string;
}): Pod & KObject {
  const labels = opts.labels !== '' ? parseLabelSpec(opts.labels) : { run: opts.name };
  const env = parseEnvs(opts.env);
  const container: Container = { name: opts.name, image: opts.image };
  if (opts.args.length > 0) {
    if (opts.command) container.command = [...opts.args];
    else container.args = [...opts.args];
  }
  if (opts.port !== '') container.ports = [{ containerPort: parsePort(opts.port) }];
  if (env.length > 0) container.env = env;
  container.resources = {};
  if (opts.imagePullPolicy !== '') container.imagePullPolicy = opts.imagePullPolicy;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: opts.name, creationTimestamp: null as unknown as string, labels },
    spec: { containers: [container], restartPolicy: opts.restart, dnsPolicy: 'ClusterFirst' },
    status: {},
  };
}

function runRun(ctx: CommandContext): CommandResult {
  const { flags } = ctx;
  if (!flags.has('image')) throw new KubectlError('required flag(s) "image" not set');
  const dryRun: DryRun = dryRunStrategy(ctx);
  checkOutputFormat(ctx);
  // RunOptions.Validate, in upstream order.
  if (ctx.args.length === 0) throw new KubectlError('NAME is required for run');
  const image = flags.string('image');
  if (image === '') throw new KubectlError('--image is required');
  if (!REFERENCE_RE.test(image))
    throw new KubectlError(`Invalid image name ${JSON.stringify(image)}: invalid reference format`);
  const interactive = flags.bool('stdin');
  if (flags.bool('tty') && !interactive)
    throw new KubectlError('-i/--stdin is required for containers with -t/--tty=true');
  const port = flags.string('port');
  if (flags.bool('expose') && port === '')
    throw new KubectlError('--port must be set when exposing a service');
  const restart = restartPolicy(flags.string('restart'), interactive);
  const attach = flags.bool('attach') || interactive;
  if (!attach && flags.bool('rm'))
    throw new KubectlError('--rm should only be used for attached containers');
  if (attach && dryRun !== 'none')
    throw new KubectlError(
      "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)",
    );
  const pullPolicy = flags.string('image-pull-policy');
  if (!['', 'Always', 'IfNotPresent', 'Never'].includes(pullPolicy))
    throw new KubectlError(`invalid image pull policy: ${pullPolicy}`);
  if (attach)
    throw new KubectlError(
      `attaching to a container (-i, -t, --attach) is not available in this playground; create the pod without them, then run "kubectl exec -it ${ctx.args[0]} -- sh"`,
    );

  const name = ctx.args[0]!;
  const pod = buildRunPod({
    name,
    image,
    labels: flags.string('labels'),
    port,
    env: flags.strings('env'),
    // `kubectl run NAME a b` and `kubectl run NAME -- a b` both pass a, b on.
    args: [...ctx.args.slice(1), ...ctx.dashArgs],
    command: flags.bool('command'),
    restart,
    imagePullPolicy: pullPolicy,
  });

  let stdout = '';
  const store = ctx.env.store;
  const cause = recordedCause(ctx, FLAGS);
  const create = (built: KObject): KObject => {
    // createGeneratedObject records before it decides whether to send.
    const obj = withChangeCause(built, cause);
    if (dryRun === 'client') return forClientPrint(ctx, obj);
    const sent = forServer(obj, ctx.namespace);
    return dryRun === 'server' ? sent : store.create(sent, { actor: 'kubectl' });
  };
  const createdPod = create(pod);
  if (flags.bool('expose')) {
    // generateService: ServiceGeneratorV2 with the pod's labels string (or run=NAME) as the
    // selector and --labels as the service's labels.
    const service = createService({
      ...NO_SERVICE_PARAMS,
      defaultName: name,
      selector: flags.string('labels') || `run=${name}`,
      labels: flags.string('labels'),
      port,
    });
    stdout += printObject(ctx, create(service), 'created', dryRun);
    if (flags.string('output') === 'yaml') stdout += '---\n';
  }
  stdout += printObject(ctx, createdPod, 'created', dryRun);
  return { stdout, stderr: recordNotice(ctx), exitCode: 0 };
}

/** `kubectl run --help` (v1.30, in a terminal at least 120 columns wide). */
const HELP = `Create and run a particular image in a pod.

Examples:
  # Start a nginx pod
  kubectl run nginx --image=nginx
  
  # Start a hazelcast pod and let the container expose port 5701
  kubectl run hazelcast --image=hazelcast/hazelcast --port=5701
  
  # Start a hazelcast pod and set environment variables "DNS_DOMAIN=cluster" and "POD_NAMESPACE=default" in the
container
  kubectl run hazelcast --image=hazelcast/hazelcast --env="DNS_DOMAIN=cluster" --env="POD_NAMESPACE=default"
  
  # Start a hazelcast pod and set labels "app=hazelcast" and "env=prod" in the container
  kubectl run hazelcast --image=hazelcast/hazelcast --labels="app=hazelcast,env=prod"
  
  # Dry run; print the corresponding API objects without creating them
  kubectl run nginx --image=nginx --dry-run=client
  
  # Start a nginx pod, but overload the spec with a partial set of values parsed from JSON
  kubectl run nginx --image=nginx --overrides='{ "apiVersion": "v1", "spec": { ... } }'
  
  # Start a busybox pod and keep it in the foreground, don't restart it if it exits
  kubectl run -i -t busybox --image=busybox --restart=Never
  
  # Start the nginx pod using the default command, but use custom arguments (arg1 .. argN) for that command
  kubectl run nginx --image=nginx -- <arg1> <arg2> ... <argN>
  
  # Start the nginx pod using a different command and custom arguments
  kubectl run nginx --image=nginx --command -- <cmd> <arg1> ... <argN>

Options:
    --attach=false:
\tIf true, wait for the Pod to start running, and then attach to the Pod as if 'kubectl attach ...' were called.
\tDefault false, unless '-i/--stdin' is set, in which case the default is true. With '--restart=Never' the exit
\tcode of the container process is returned.

    --command=false:
\tIf true and extra arguments are present, use them as the 'command' field in the container, rather than the
\t'args' field which is the default.

    --dry-run='none':
\tMust be "none", "server", or "client". If client strategy, only print the object that would be sent, without
\tsending it. If server strategy, submit server-side request without persisting the resource.

    --env=[]:
\tEnvironment variables to set in the container.

    --expose=false:
\tIf true, create a ClusterIP service associated with the pod.  Requires \`--port\`.

    --image='':
\tThe image for the container to run.

    --image-pull-policy='':
\tThe image pull policy for the container.  If left empty, this value will not be specified by the client and
\tdefaulted by the server.

    -l, --labels='':
\tComma separated labels to apply to the pod. Will override previous values.

    -o, --output='':
\tOutput format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath,
\tjsonpath-as-json, jsonpath-file).

    --port='':
\tThe port that this container exposes.

    --restart='':
\tThe restart policy for this Pod.  Legal values [Always, OnFailure, Never].

    --rm=false:
\tIf true, delete the pod after it exits.  Only valid when attaching to the container, e.g. with '--attach' or
\twith '-i/--stdin'.

    -i, --stdin=false:
\tKeep stdin open on the container in the pod, even if nothing is attached.

    -t, --tty=false:
\tAllocate a TTY for the container in the pod.

Usage:
  kubectl run NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] [--overrides=inline-json]
[--command] -- [COMMAND] [args...] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const runCommand: KubectlCommand = {
  name: 'run',
  argsLenAtDash: true,
  short: 'Run a particular image on the cluster',
  help: HELP,
  flags: FLAGS,
  run: runRun,
};
