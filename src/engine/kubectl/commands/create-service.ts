/**
 * `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME [--tcp=port:target]`
 * (alias `svc`). Exported for `commands/create.ts`, which lists it as a sub-command of `create`.
 *
 * Models kubectl pkg/cmd/create/create_service.go (v1.30: NewCmdCreateService and its four
 * sub-commands, ServiceOptions Complete, Validate, createService, Run, parsePorts):
 *  - labels and selector are both `app=NAME`, for every type (ExternalName too: the API server
 *    keeps the selector, endpoints ignore it);
 *  - each `--tcp` value (repeatable, comma lists split) is one port, protocol TCP, named after the
 *    value with `:` turned into `-` (`5678:8080` → `5678-8080`, `443` → `443`); `PORT` alone
 *    targets the same port; a target that is not a number is a named port;
 *  - `--node-port` sets the same nodePort on every port (as upstream does, so two ports with one
 *    --node-port are refused by the API server as duplicates);
 *  - Validate: `--clusterip=None` needs no port; `at least one tcp port specifier must be
 *    provided` otherwise (not for ExternalName); `--external-name` is a required flag and must be
 *    a DNS-1123 subdomain;
 *  - API errors are wrapped as `error: failed to create ClusterIP service: ...`;
 *  - `--save-config` writes the last-applied annotation from the typed object (Go struct field
 *    order, `creationTimestamp: null`, `status.loadBalancer: {}`), as util.CreateApplyAnnotation
 *    encodes it.
 * ClusterIP and NodePort allocation and the load balancer's address are the API server's and the
 * cloud controller's business (api/service-allocation.ts, network/cloud-controller.ts).
 * Simplified: `--field-manager` is accepted and ignored (the store keeps no managedFields); a
 * server dry run allocates no ClusterIP/NodePort (apply.ts dryRunCreate); the printing flags
 * `--template`, `--show-managed-fields`, `--allow-missing-template-keys` are not offered.
 */
import type { Service, ServicePort } from 'kubernetes-types/core/v1';
import { isApiError } from '../../api/errors';
import type { KObject } from '../../api/types';
import { isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../../api/validation';
import { goJsonString } from '../printers/json';
import { goQuote } from '../filenames';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError, usageError } from '../types';
import type { CommandResult } from '../../shell/types';
import { commandHelp, OPTIONS_TIP } from '../help';
import {
  dryRunCreate,
  flushChanges,
  LAST_APPLIED,
  parseValidation,
  stringSlice,
  VALIDATE_FLAG,
} from './apply';
import { forClientPrint, forServer } from './expose';
import { checkOutputFormat, dryRunStrategy, printObject } from './label';
import { DRY_RUN_FLAG, OUTPUT_FLAG } from '../flag-specs';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

/** ServiceOptions: what the sub-command's flags and argument set. */
export interface ServiceOptions {
  name: string;
  type: ServiceType;
  tcp: readonly string[];
  /** `--clusterip` (ClusterIP only); '' when not given. */
  clusterIP: string;
  /** `--node-port` (NodePort only); 0 when not given. */
  nodePort: number;
  /** `--external-name` (ExternalName only); '' when not given. */
  externalName: string;
}

// ------------------------------------------------------------------------------- Go parsing

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);

/** utilsnet.ParsePort(s, allowZero=true): strconv.ParseUint(s, 10, 16), with Go's errors. */
function parsePort(s: string): number {
  if (!/^[0-9]+$/.test(s))
    throw new KubectlError(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  if (BigInt(s) > 65535n)
    throw new KubectlError(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return Number(s);
}

/** strconv.Atoi on a 64-bit platform: undefined where Go returns an error. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > MAX_INT64 || n < MIN_INT64) return undefined;
  return Number(n);
}

/**
 * parsePorts: `PORT` or `PORT:TARGET` (a third `:` part is ignored, as upstream ignores it).
 * The target's errors are validation's messages joined by `,` (no space), as kubectl joins them.
 */
export function parsePorts(tcp: string): { port: number; targetPort: number | string } {
  const parts = tcp.split(':');
  const port = parsePort(parts[0]!);
  if (parts.length === 1) return { port, targetPort: port };
  const target = parts[1]!;
  const n = atoi(target);
  if (n === undefined) {
    const errs = isValidPortName(target);
    if (errs.length > 0) throw new KubectlError(errs.join(','));
    return { port, targetPort: target };
  }
  const errs = isValidPortNum(n);
  if (errs.length > 0) throw new KubectlError(errs.join(','));
  return { port, targetPort: n };
}

// ------------------------------------------------------------------------------- the object

/** ServiceOptions.Validate. */
export function validateServiceOptions(o: ServiceOptions): void {
  if (o.clusterIP === 'None' && o.type !== 'ClusterIP')
    throw new KubectlError('ClusterIP=None can only be used with ClusterIP service type');
  if (o.clusterIP !== 'None' && o.tcp.length === 0 && o.type !== 'ExternalName')
    throw new KubectlError('at least one tcp port specifier must be provided');
  if (o.type === 'ExternalName' && isDNS1123Subdomain(o.externalName).length > 0)
    throw new KubectlError(`invalid service external name ${o.externalName}`);
}

/**
 * ServiceOptions.createService: the Service as kubectl builds it, in Go's struct field order
 * with a typed object's zero values (`creationTimestamp: null`, `status: {loadBalancer: {}}`),
 * as `--dry-run=client -o json` shows it. Empty `ports` are left out (omitempty).
 */
export function buildService(o: ServiceOptions): Service & KObject {
  const ports: ServicePort[] = o.tcp.map((tcp) => {
    const { port, targetPort } = parsePorts(tcp);
    // ServicePort's field order: name, protocol, port, targetPort, nodePort.
    return {
      name: tcp.replaceAll(':', '-'),
      protocol: 'TCP',
      port,
      targetPort,
      ...(o.nodePort !== 0 ? { nodePort: o.nodePort } : {}),
    };
  });
  // ServiceSpec's field order: ports, selector, clusterIP, type, ..., externalName.
  const spec: Record<string, unknown> = {};
  if (ports.length > 0) spec.ports = ports;
  spec.selector = { app: o.name };
  if (o.clusterIP !== '') spec.clusterIP = o.clusterIP;
  spec.type = o.type;
  if (o.externalName !== '') spec.externalName = o.externalName;
  return {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: {
      name: o.name,
      creationTimestamp: null as unknown as string,
      labels: { app: o.name },
    },
    spec,
    status: { loadBalancer: {} },
  } as Service & KObject;
}

/** encoding/json of a typed object: compact, keys in struct order (the order they were built). */
function compactStructJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(compactStructJson).join(',')}]`;
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  return `{${entries.map(([k, x]) => `${goJsonString(k)}:${compactStructJson(x)}`).join(',')}}`;
}

/**
 * util.CreateApplyAnnotation on a typed object: the object encoded without annotations (an empty
 * map is omitted from a typed object), newline-terminated, stored as the last-applied annotation.
 */
export function withSaveConfig<T extends KObject>(obj: T): T {
  const { annotations, ...meta } = obj.metadata;
  const rest = { ...annotations };
  delete rest[LAST_APPLIED];
  const bare = {
    ...obj,
    metadata: { ...meta, ...(Object.keys(rest).length > 0 ? { annotations: rest } : {}) },
  };
  const applied = compactStructJson(bare) + '\n';
  return {
    ...bare,
    metadata: { ...bare.metadata, annotations: { ...rest, [LAST_APPLIED]: applied } },
  };
}

// ------------------------------------------------------------------------------- the command

/** `--tcp`: a StringSlice (each occurrence split at commas). */
const TCP_FLAG: FlagSpec = {
  name: 'tcp',
  type: 'stringArray',
  usage: "Port pairs can be specified as '<port>:<targetPort>'.",
};

/** cmdutil.AddFieldManagerFlagVar with create's default. */
const FIELD_MANAGER_FLAG: FlagSpec = {
  name: 'field-manager',
  type: 'string',
  default: 'kubectl-create',
  usage: 'Name of the manager used to track field ownership.',
};

/** cmdutil.AddApplyAnnotationFlags. */
const SAVE_CONFIG_FLAG: FlagSpec = {
  name: 'save-config',
  type: 'bool',
  usage:
    'If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.',
};

const COMMON_FLAGS: FlagSpec[] = [
  DRY_RUN_FLAG,
  FIELD_MANAGER_FLAG,
  OUTPUT_FLAG,
  SAVE_CONFIG_FLAG,
  TCP_FLAG,
  VALIDATE_FLAG,
];

/** NewCmdCreateService's sub-command names → the ServiceType each creates. */
const TYPE_OF: Record<string, ServiceType> = {
  clusterip: 'ClusterIP',
  nodeport: 'NodePort',
  loadbalancer: 'LoadBalancer',
  externalname: 'ExternalName',
};

/** Models create_service.go: the sub-command's Run (cobra checks, Complete, Validate, Run). */
function runCreateService(sub: string, ctx: CommandContext): CommandResult {
  const { flags, env } = ctx;
  const type = TYPE_OF[sub]!;
  // cobra's MarkFlagRequired is checked before Run.
  if (type === 'ExternalName' && !flags.has('external-name'))
    throw new KubectlError('required flag(s) "external-name" not set');
  // Complete: NameFromCommandArgs counts the words before `--`.
  if (ctx.args.length !== 1)
    throw usageError(
      `create service ${sub}`,
      `exactly one NAME is required, got ${ctx.args.length}`,
    );
  const dryRun = dryRunStrategy(ctx);
  checkOutputFormat(ctx);
  parseValidation(flags);

  const o: ServiceOptions = {
    name: ctx.args[0]!,
    type,
    tcp: stringSlice(flags, 'tcp'),
    clusterIP: type === 'ClusterIP' ? flags.string('clusterip') : '',
    nodePort: type === 'NodePort' ? flags.int('node-port') : 0,
    externalName: type === 'ExternalName' ? flags.string('external-name') : '',
  };
  validateServiceOptions(o);

  // createService; the namespace is in the object only when -n was given (EnforceNamespace).
  let service: KObject = forClientPrint(ctx, buildService(o));
  if (flags.bool('save-config')) service = withSaveConfig(service);
  if (dryRun === 'client')
    return { stdout: printObject(ctx, service, 'created', dryRun), stderr: '', exitCode: 0 };

  const sent = forServer(service, ctx.namespace);
  let created: KObject;
  try {
    if (dryRun === 'server') created = dryRunCreate(env, sent);
    else created = env.store.create(sent, { actor: 'kubectl' });
  } catch (e) {
    if (isApiError(e)) throw new KubectlError(`failed to create ${type} service: ${e.message}`);
    throw e;
  }
  if (dryRun === 'none') flushChanges(env);
  return { stdout: printObject(ctx, created, 'created', dryRun), stderr: '', exitCode: 0 };
}

function subcommand(spec: {
  name: string;
  short: string;
  long: string[];
  examples: string;
  flags: FlagSpec[];
  usage: string;
}): KubectlCommand {
  return {
    name: spec.name,
    short: spec.short,
    argsLenAtDash: true,
    flags: spec.flags,
    help: commandHelp({
      long: spec.long,
      examples: spec.examples,
      flags: spec.flags,
      usage: `create service ${spec.name} ${spec.usage} [options]`,
    }),
    run: (ctx) => runCreateService(spec.name, ctx),
  };
}

export const createServiceClusterIPCommand = subcommand({
  name: 'clusterip',
  short: 'Create a ClusterIP service',
  long: ['Create a ClusterIP service with the specified name.'],
  examples: `# Create a new ClusterIP service named my-cs
kubectl create service clusterip my-cs --tcp=5678:8080

# Create a new ClusterIP service named my-cs (in headless mode)
kubectl create service clusterip my-cs --clusterip="None"`,
  flags: [
    {
      name: 'clusterip',
      type: 'string',
      usage:
        "Assign your own ClusterIP or set to 'None' for a 'headless' service (no loadbalancing).",
    },
    ...COMMON_FLAGS,
  ],
  usage: 'NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none]',
});

export const createServiceExternalNameCommand = subcommand({
  name: 'externalname',
  short: 'Create an ExternalName service',
  long: [
    'Create an ExternalName service with the specified name.',
    'ExternalName service references to an external DNS address instead of only pods, which will allow application authors to reference services that exist off platform, on other clusters, or locally.',
  ],
  examples: `# Create a new ExternalName service named my-ns
kubectl create service externalname my-ns --external-name bar.com`,
  flags: [
    { name: 'external-name', type: 'string', usage: 'External name of service' },
    ...COMMON_FLAGS,
  ],
  usage: 'NAME --external-name external.name [--dry-run=server|client|none]',
});

export const createServiceLoadBalancerCommand = subcommand({
  name: 'loadbalancer',
  short: 'Create a LoadBalancer service',
  long: ['Create a LoadBalancer service with the specified name.'],
  examples: `# Create a new LoadBalancer service named my-lbs
kubectl create service loadbalancer my-lbs --tcp=5678:8080`,
  flags: COMMON_FLAGS,
  usage: 'NAME [--tcp=port:targetPort] [--dry-run=server|client|none]',
});

export const createServiceNodePortCommand = subcommand({
  name: 'nodeport',
  short: 'Create a NodePort service',
  long: ['Create a NodePort service with the specified name.'],
  examples: `# Create a new NodePort service named my-ns
kubectl create service nodeport my-ns --tcp=5678:8080`,
  flags: [
    {
      name: 'node-port',
      type: 'int',
      default: 0,
      usage: 'Port used to expose the service on each node in a cluster.',
    },
    ...COMMON_FLAGS,
  ],
  usage: 'NAME [--tcp=port:targetPort] [--dry-run=server|client|none]',
});

/** The sub-commands, sorted by name as cobra lists them. */
const SUBCOMMANDS: KubectlCommand[] = [
  createServiceClusterIPCommand,
  createServiceExternalNameCommand,
  createServiceLoadBalancerCommand,
  createServiceNodePortCommand,
];

/**
 * `kubectl create service --help` (v1.30): no examples and no options of its own; names padded
 * to the longest (12) plus three blanks (templater cmdGroupsString); the usage line is cobra's
 * UseLine (`[flags]`) plus kubectl's `[options]`; the tip names the command path (kubectl ≥ 1.28).
 */
const HELP =
  'Create a service using a specified subcommand.\n' +
  '\n' +
  'Aliases:\n' +
  'service, svc\n' +
  '\n' +
  'Available Commands:\n' +
  SUBCOMMANDS.map((c) => `  ${c.name.padEnd(12)}   ${c.short}\n`).join('') +
  '\n' +
  'Usage:\n' +
  '  kubectl create service [flags] [options]\n' +
  '\n' +
  'Use "kubectl create service <command> --help" for more information about a given command.\n' +
  OPTIONS_TIP;

/**
 * `kubectl create service`: a group; alone it prints its help on stderr and exits 1
 * (cmdutil.DefaultSubCommandRun), which kubectl.ts does for any group without `run`.
 */
export const createServiceCommand: KubectlCommand = {
  name: 'service',
  aliases: ['svc'],
  short: 'Create a service using a specified subcommand',
  help: HELP,
  flags: [],
  subcommands: SUBCOMMANDS,
};
