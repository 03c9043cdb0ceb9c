/**
 * `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=N] [-- COMMAND...]`.
 * Exported for `commands/create.ts`, which lists it as a sub-command of `create`.
 *
 * Models kubectl pkg/cmd/create/create_deployment.go (v1.30: Complete, Validate, Run,
 * createDeployment, buildPodSpec, sanitizeAndUniquify):
 *  - labels, selector and pod-template labels are all `app=NAME`; `replicas` is always sent
 *    (default 1);
 *  - one container per --image (`--image=a,b` and repeated flags both work), named after the
 *    image's last path element without tag or digest (`nginx` for `docker.io/library/nginx:1.25`);
 *    a name with `.` or `_` becomes DNS-safe with `-` plus a random 5-character suffix;
 *  - words after `--` are every container's `command`; --port gives the first container one
 *    containerPort;
 *  - API errors are wrapped as kubectl does: `error: failed to create deployment: deployments.apps
 *    "x" already exists`.
 * Prints `deployment.apps/NAME created`. Left out: --save-config, --validate, --field-manager.
 */
import type { Container } from 'kubernetes-types/core/v1';
import { isApiError } from '../../api/errors';
import type { KObject } from '../../api/types';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError, usageError } from '../types';
import type { CommandResult } from '../../shell/types';
import { forClientPrint, forServer } from './expose';
import { checkOutputFormat, dryRunStrategy, printObject } from './label';
import { DRY_RUN_FLAG, OUTPUT_FLAG } from '../flag-specs';

const FLAGS: FlagSpec[] = [
  DRY_RUN_FLAG,
  { name: 'image', type: 'stringArray', usage: 'Image names to run.' },
  OUTPUT_FLAG,
  { name: 'port', type: 'int', default: -1, usage: 'The port that this container exposes.' },
  {
    name: 'replicas',
    short: 'r',
    type: 'int',
    default: 1,
    usage: 'Number of replicas to create. Default is 1.',
  },
];

/** apimachinery util/rand's alphabet (no vowels, no 0, 1, 3). */
const RAND_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** buildPodSpec's container name for an image reference. */
export function containerNameFor(image: string, suffix: () => string): string {
  let name = image.split('/').pop() ?? image;
  if (name.includes(':')) name = name.split(':')[0]!;
  if (name.includes('@')) name = name.split('@')[0]!;
  // sanitizeAndUniquify
  if (/[_.]/.test(name)) name = `${name.replace(/[_.]/g, '-')}-${suffix()}`;
  return name;
}

/** createDeployment: the Deployment as kubectl builds it, in Go's field order. */
export function buildDeployment(opts: {
  name: string;
  images: readonly string[];
  replicas: number;
  port: number;
  command: readonly string[];
  suffix: () => string;
}): KObject {
  const labels = { app: opts.name };
  const containers: Container[] = opts.images.map((image) => ({
    name: containerNameFor(image, opts.suffix),
    image,
    ...(opts.command.length > 0 ? { command: [...opts.command] } : {}),
    resources: {},
  }));
  if (opts.port >= 0 && containers.length > 0) {
    const c = containers[0]!;
    // Container field order: name, image, command, ports, resources.
    containers[0] = {
      name: c.name,
      image: c.image!,
      ...(c.command ? { command: c.command } : {}),
      ports: [{ containerPort: opts.port }],
      resources: {},
    };
  }
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: opts.name, creationTimestamp: null as unknown as string, labels },
    spec: {
      replicas: opts.replicas,
      selector: { matchLabels: { ...labels } },
      template: {
        metadata: { creationTimestamp: null, labels: { ...labels } },
        spec: { containers },
      },
      strategy: {},
    },
    status: {},
  };
}

function runCreateDeployment(ctx: CommandContext): CommandResult {
  const { flags } = ctx;
  if (!flags.has('image')) throw new KubectlError('required flag(s) "image" not set');
  // NameFromCommandArgs: exactly one word before `--`.
  if (ctx.args.length !== 1)
    throw usageError('create deployment', `exactly one NAME is required, got ${ctx.args.length}`);
  const dryRun = dryRunStrategy(ctx);
  checkOutputFormat(ctx);
  // --image is a StringSlice: every occurrence, each split on commas.
  const images = flags.strings('image').flatMap((v) => v.split(','));
  const command = ctx.dashArgs;
  if (images.length > 1 && command.length > 0)
    throw new KubectlError('cannot specify multiple --image options and command');

  const rng = ctx.env.context.rng(`kubectl/create-deployment/${ctx.env.store.resourceVersion}`);
  const deployment = buildDeployment({
    name: ctx.args[0]!,
    images,
    replicas: flags.int('replicas'),
    port: flags.int('port'),
    command,
    suffix: () => rng.string(RAND_ALPHABET, 5),
  });
  if (dryRun === 'client')
    return {
      stdout: printObject(ctx, forClientPrint(ctx, deployment), 'created', dryRun),
      stderr: '',
      exitCode: 0,
    };
  const sent = forServer(deployment, ctx.namespace);
  let created = sent;
  if (dryRun === 'none') {
    try {
      created = ctx.env.store.create(sent, { actor: 'kubectl' });
    } catch (e) {
      if (isApiError(e)) throw new KubectlError(`failed to create deployment: ${e.message}`);
      throw e;
    }
  }
  return { stdout: printObject(ctx, created, 'created', dryRun), stderr: '', exitCode: 0 };
}

/** `kubectl create deployment --help` (v1.30, in a terminal at least 120 columns wide). */
const HELP = `Create a deployment with the specified name.

Aliases:
deployment, deploy

Examples:
  # Create a deployment named my-dep that runs the busybox image
  kubectl create deployment my-dep --image=busybox
  
  # Create a deployment with a command
  kubectl create deployment my-dep --image=busybox -- date
  
  # Create a deployment named my-dep that runs the nginx image with 3 replicas
  kubectl create deployment my-dep --image=nginx --replicas=3
  
  # Create a deployment named my-dep that runs the busybox image and expose port 5701
  kubectl create deployment my-dep --image=busybox --port=5701

Options:
    --dry-run='none':
\tMust be "none", "server", or "client". If client strategy, only print the object that would be sent, without
\tsending it. If server strategy, submit server-side request without persisting the resource.

    --image=[]:
\tImage names to run.

    -o, --output='':
\tOutput format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath,
\tjsonpath-as-json, jsonpath-file).

    --port=-1:
\tThe port that this container exposes.

    -r, --replicas=1:
\tNumber of replicas to create. Default is 1.

Usage:
  kubectl create deployment NAME --image=image -- [COMMAND] [args...] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const createDeploymentCommand: KubectlCommand = {
  name: 'deployment',
  argsLenAtDash: true,
  aliases: ['deploy'],
  short: 'Create a deployment with the specified name',
  help: HELP,
  flags: FLAGS,
  run: runCreateDeployment,
};
