/**
 * `kubectl expose TYPE NAME`: a Service whose selector and ports come from the object exposed.
 *
 * Models kubectl pkg/cmd/expose/expose.go (v1.30: RunExpose, createService, parseLabels,
 * parseProtocols) and pkg/polymorphichelpers (canBeExposed, mapBasedSelectorForObject,
 * portsForObject, multiProtocolsForObject):
 *  - the selector is the deployment's or replica set's spec.selector.matchLabels (refused if it
 *    has matchExpressions), the pod's labels, or the service's selector;
 *  - with no --port, the object's ports are reused: one port stays unnamed, several become
 *    `port-1`, `port-2`, ...; none at all is `couldn't find port via --port flag or
 *    introspection`;
 *  - targetPort is --target-port, else the service port itself (not the container port!);
 *  - the service's labels are --labels, else the exposed object's own labels;
 *  - `service/NAME exposed`.
 * `--record` (deprecated) writes the command line into `kubernetes.io/change-cause`.
 * Left out: `-f`, `--overrides`, `--save-config`.
 */
import type { Service, ServicePort } from 'kubernetes-types/core/v1';
import { notFound } from '../../api/errors';
import { kindInfo } from '../../api/kinds';
import type { KObject } from '../../api/types';
import { RECORD_FLAG } from '../change-cause';
import { deepClone } from '../../api/types';
import { parseTypeNameArgs } from '../resources';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { KubectlError } from '../types';
import type { CommandResult } from '../../shell/types';
import {
  checkOutputFormat,
  dryRunStrategy,
  MISSING_RESOURCE,
  printObject,
  recordedCause,
  recordNotice,
  result,
  withChangeCause,
} from './label';
import { DRY_RUN_FLAG, OUTPUT_FLAG } from '../flag-specs';

const FLAGS: FlagSpec[] = [
  {
    name: 'cluster-ip',
    type: 'string',
    usage:
      "ClusterIP to be assigned to the service. Leave empty to auto-allocate, or set to 'None' to create a headless service.",
  },
  DRY_RUN_FLAG,
  {
    name: 'external-ip',
    type: 'string',
    usage:
      'Additional external IP address (not managed by Kubernetes) to accept for the service. If this IP is routed to a node, the service can be accessed by this IP in addition to its generated service IP.',
  },
  {
    name: 'labels',
    short: 'l',
    type: 'string',
    usage: 'Labels to apply to the service created by this call.',
  },
  {
    name: 'load-balancer-ip',
    type: 'string',
    usage:
      'IP to assign to the LoadBalancer. If empty, an ephemeral IP will be created and used (cloud-provider specific).',
  },
  { name: 'name', type: 'string', usage: 'The name for the newly created object.' },
  OUTPUT_FLAG,
  {
    name: 'port',
    type: 'string',
    usage:
      'The port that the service should serve on. Copied from the resource being exposed, if unspecified',
  },
  {
    name: 'protocol',
    type: 'string',
    usage: "The network protocol for the service to be created. Default is 'TCP'.",
  },
  {
    name: 'selector',
    type: 'string',
    usage:
      'A label selector to use for this service. Only equality-based selector requirements are supported. If empty (the default) infer the selector from the replication controller or replica set.)',
  },
  {
    name: 'session-affinity',
    type: 'string',
    usage:
      "If non-empty, set the session affinity for the service to this; legal values: 'None', 'ClientIP'",
  },
  {
    name: 'target-port',
    type: 'string',
    usage:
      'Name or number for the port on the container that the service should direct traffic to. Optional.',
  },
  {
    name: 'type',
    type: 'string',
    usage:
      "Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName. Default is 'ClusterIP'.",
  },
  RECORD_FLAG,
];

/** What createService reads (ExposeServiceOptions' fields; empty string = not given). */
export interface ServiceParams {
  name: string;
  defaultName: string;
  selector: string;
  /** --port, or the object's only port. */
  port: string;
  /** The object's ports when it has several and --port was not given (`80,443`). */
  ports: string;
  labels: string;
  protocol: string;
  /** `port/PROTO,...` from the exposed object. */
  protocols: string;
  targetPort: string;
  externalIP: string;
  loadBalancerIP: string;
  type: string;
  sessionAffinity: string;
  clusterIP: string;
}

export const NO_SERVICE_PARAMS: ServiceParams = {
  name: '',
  defaultName: '',
  selector: '',
  port: '',
  ports: '',
  labels: '',
  protocol: '',
  protocols: '',
  targetPort: '',
  externalIP: '',
  loadBalancerIP: '',
  type: '',
  sessionAffinity: '',
  clusterIP: '',
};

/** expose.go parseLabels (also generate.ParseLabels, which run uses). */
export function parseLabelSpec(spec: string): Record<string, string> {
  if (spec === '') throw new KubectlError('no label spec passed');
  const labels: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const kv = part.split('=');
    if (kv.length !== 2) throw new KubectlError(`unexpected label spec: ${part}`);
    if (kv[0] === '') throw new KubectlError('unexpected empty label key');
    labels[kv[0]!] = kv[1]!;
  }
  return labels;
}

/** expose.go parseProtocols: `80/TCP,53/UDP` → port → protocols. */
function parseProtocols(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of text.split(',')) {
    const pp = part.split('/');
    if (pp.length !== 2) throw new KubectlError(`unexpected port protocol mapping: ${part}`);
    if (pp[0] === '') throw new KubectlError('unexpected empty port');
    if (pp[1] === '') throw new KubectlError('unexpected empty protocol');
    out.set(pp[0]!, [...(out.get(pp[0]!) ?? []), pp[1]!]);
  }
  return out;
}

/** Go's strconv.Atoi, with its error text. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s))
    throw new KubectlError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/** intstr.Parse: a number if it reads as one, else a name. */
function intOrString(s: string): number | string {
  return /^[+-]?\d+$/.test(s) ? Number(s) : s;
}

/**
 * expose.go createService: the Service as kubectl builds it client-side, in Go's field order,
 * with the zero values a typed object marshals (`creationTimestamp: null`, `status:
 * {loadBalancer: {}}`), as `--dry-run=client -o yaml` shows it.
 */
export function createService(p: ServiceParams): Service & KObject {
  if (p.selector === '') throw new KubectlError('selector must be specified');
  const selector = parseLabelSpec(p.selector);
  const labels = p.labels !== '' ? parseLabelSpec(p.labels) : undefined;
  const name = p.name || p.defaultName;
  if (name === '') throw new KubectlError('name must be specified');
  const protocols = p.protocols !== '' ? parseProtocols(p.protocols) : undefined;
  const portString = p.ports !== '' ? p.ports : p.port;
  const ports: ServicePort[] = [];
  if (portString !== '') {
    const list = portString.split(',');
    list.forEach((s, i) => {
      const port = atoi(s);
      const portName = list.length > 1 ? `port-${i + 1}` : '';
      let protocol = p.protocol;
      if (protocol === '' && !protocols) protocol = 'TCP';
      else if (protocol === '' && protocols) {
        protocol = 'TCP';
        const found = protocols.get(s);
        if (found && found.length === 1) protocol = found[0]!;
        else if (found) {
          // One port number served over several protocols (DNS on 53): one port each.
          for (const proto of found)
            ports.push({ name: `port-${i + 1}-${proto.toLowerCase()}`, protocol: proto, port });
          return;
        }
      }
      // ServicePort's field order: name, protocol, port, targetPort.
      ports.push({ ...(portName ? { name: portName } : {}), protocol, port });
    });
  }
  const target = p.targetPort !== '' ? intOrString(p.targetPort) : undefined;
  for (const sp of ports) sp.targetPort = target ?? sp.port!;

  const spec: Record<string, unknown> = { ports, selector };
  if (p.clusterIP !== '') spec.clusterIP = p.clusterIP;
  if (p.type !== '') spec.type = p.type;
  if (p.externalIP !== '') spec.externalIPs = [p.externalIP];
  if (p.sessionAffinity !== '') {
    if (p.sessionAffinity !== 'None' && p.sessionAffinity !== 'ClientIP')
      throw new KubectlError(`unknown session affinity: ${p.sessionAffinity}`);
    spec.sessionAffinity = p.sessionAffinity;
  }
  if (p.type === 'LoadBalancer' && p.loadBalancerIP !== '') spec.loadBalancerIP = p.loadBalancerIP;
  return {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: { name, creationTimestamp: null as unknown as string, ...(labels ? { labels } : {}) },
    spec,
    status: { loadBalancer: {} },
  } as Service & KObject;
}

/** What the API server is sent: the client object without the zero values it ignores. */
export function forServer(obj: KObject, namespace: string): KObject {
  const copy = deepClone(obj);
  delete copy.metadata.creationTimestamp;
  delete copy.status;
  copy.metadata.namespace = namespace;
  return copy;
}

/** The client-side object `--dry-run=client` prints: the namespace only when -n was given. */
export function forClientPrint(ctx: CommandContext, obj: KObject): KObject {
  if (!ctx.namespaceExplicit) return obj;
  const { name, ...rest } = obj.metadata;
  return { ...obj, metadata: { name: name ?? '', namespace: ctx.namespace, ...rest } };
}

/** Models polymorphichelpers canBeExposed (GroupKind printed as `Kind.group`). */
function checkExposable(obj: KObject): void {
  if (['Pod', 'Service', 'Deployment', 'ReplicaSet', 'ReplicationController'].includes(obj.kind))
    return;
  const group = kindInfo(obj.kind)?.group ?? '';
  throw new KubectlError(`cannot expose a ${obj.kind}${group ? `.${group}` : ''}`);
}

const mapString = (m: Record<string, string>): string =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** polymorphichelpers mapBasedSelectorForObject. */
function selectorFor(obj: KObject): string {
  const spec = (obj.spec ?? {}) as {
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } & Record<
      string,
      string
    >;
    template?: { metadata?: { labels?: Record<string, string> } };
  };
  switch (obj.kind) {
    case 'Pod': {
      const labels = obj.metadata.labels ?? {};
      if (Object.keys(labels).length === 0)
        throw new Error('the pod has no labels and cannot be exposed');
      return mapString(labels);
    }
    case 'Service': {
      const sel = (obj.spec as { selector?: Record<string, string> } | undefined)?.selector;
      if (!sel) throw new Error('the service has no pod selector set');
      return mapString(sel);
    }
    case 'Deployment':
    case 'ReplicaSet': {
      const what = obj.kind === 'Deployment' ? 'deployment' : 'replica set';
      let labels: Record<string, string> | undefined;
      if (spec.selector) {
        const exprs = spec.selector.matchExpressions ?? [];
        if (exprs.length > 0)
          throw new Error(
            `couldn't convert expressions - "${goExpressions(exprs)}" to map-based selector format`,
          );
        labels = spec.selector.matchLabels;
      } else labels = spec.template?.metadata?.labels;
      if (!labels || Object.keys(labels).length === 0)
        throw new Error(`the ${what} has no labels or selectors and cannot be exposed`);
      return mapString(labels);
    }
    default:
      throw new Error(`cannot extract pod selector from ${obj.kind}`);
  }
}

/** Go's %+v of []metav1.LabelSelectorRequirement. */
function goExpressions(exprs: unknown[]): string {
  const one = (e: unknown): string => {
    const r = e as { key?: string; operator?: string; values?: string[] };
    return `{Key:${r.key ?? ''} Operator:${r.operator ?? ''} Values:[${(r.values ?? []).join(' ')}]}`;
  };
  return `[${exprs.map(one).join(' ')}]`;
}

interface PortLike {
  containerPort?: number;
  port?: number;
  protocol?: string;
}

function podSpecPorts(obj: KObject): PortLike[] {
  const spec = (obj.spec ?? {}) as {
    containers?: Array<{ ports?: PortLike[] }>;
    template?: { spec?: { containers?: Array<{ ports?: PortLike[] }> } };
  };
  const containers = obj.kind === 'Pod' ? spec.containers : spec.template?.spec?.containers;
  return (containers ?? []).flatMap((c) => c.ports ?? []);
}

/** polymorphichelpers portsForObject and multiProtocolsForObject. */
function portsAndProtocols(obj: KObject): { ports: string[]; protocols: string } {
  const list: Array<{ port: number; protocol: string }> =
    obj.kind === 'Service'
      ? (((obj.spec as { ports?: PortLike[] } | undefined)?.ports ?? []).map((p) => ({
          port: p.port ?? 0,
          protocol: p.protocol ?? 'TCP',
        })) as Array<{ port: number; protocol: string }>)
      : podSpecPorts(obj).map((p) => ({
          port: p.containerPort ?? 0,
          protocol: p.protocol ?? 'TCP',
        }));
  const ports = list.map((p) => String(p.port));
  const seen = new Map<string, string[]>();
  for (const p of list) {
    const key = String(p.port);
    const protos = seen.get(key) ?? [];
    if (!protos.includes(p.protocol)) protos.push(p.protocol);
    seen.set(key, protos);
  }
  const protocols = [...seen]
    .flatMap(([port, protos]) => protos.map((proto) => `${port}/${proto}`))
    .join(',');
  return { ports, protocols };
}

/** The object named on the line (`TYPE NAME` or `TYPE/NAME`), as the builder finds them. */
function exposedObjects(ctx: CommandContext): KObject[] {
  if (ctx.args.length === 0) throw new KubectlError(MISSING_RESOURCE);
  const refs = parseTypeNameArgs(ctx.args);
  if (refs.some((r) => r.name === undefined))
    throw new KubectlError('resource(s) were provided, but no name was specified');
  return refs.map((ref) => {
    const ns = ref.info.namespaced ? ctx.namespace : undefined;
    const obj = ctx.env.store.get(ref.info.kind, ns, ref.name!);
    if (!obj) throw notFound(ref.info, ref.name!);
    return obj;
  });
}

function runExpose(ctx: CommandContext): CommandResult {
  const { flags } = ctx;
  const dryRun = dryRunStrategy(ctx);
  checkOutputFormat(ctx);
  const objects = exposedObjects(ctx);
  let stdout = '';
  for (const obj of objects) {
    checkExposable(obj);
    const p: ServiceParams = {
      ...NO_SERVICE_PARAMS,
      name: flags.string('name'),
      defaultName: (obj.metadata.name ?? '').slice(0, 63),
      selector: flags.string('selector'),
      port: flags.string('port'),
      labels: flags.string('labels'),
      protocol: flags.string('protocol'),
      targetPort: flags.string('target-port'),
      externalIP: flags.string('external-ip'),
      loadBalancerIP: flags.string('load-balancer-ip'),
      type: flags.string('type'),
      sessionAffinity: flags.string('session-affinity'),
      clusterIP: flags.string('cluster-ip'),
    };
    if (p.selector === '') {
      try {
        p.selector = selectorFor(obj);
      } catch (e) {
        throw new KubectlError(
          `couldn't retrieve selectors via --selector flag or introspection: ${(e as Error).message}`,
        );
      }
    }
    const { ports, protocols } = portsAndProtocols(obj);
    if (p.port === '') {
      if (ports.length === 0 && p.clusterIP !== 'None')
        throw new KubectlError("couldn't find port via --port flag or introspection");
      if (ports.length === 1) p.port = ports[0]!;
      else if (ports.length > 1) p.ports = ports.join(',');
    }
    if (protocols !== '') p.protocols = protocols;
    if (p.labels === '') p.labels = mapString(obj.metadata.labels ?? {});

    const service = withChangeCause(createService(p), recordedCause(ctx, FLAGS));
    if (dryRun === 'client') {
      stdout += printObject(ctx, forClientPrint(ctx, service), 'exposed', dryRun);
      continue;
    }
    const sent = forServer(service, ctx.namespace);
    const created = dryRun === 'server' ? sent : ctx.env.store.create(sent, { actor: 'kubectl' });
    stdout += printObject(ctx, created, 'exposed', dryRun);
  }
  return result(stdout, [], recordNotice(ctx));
}

/** `kubectl expose --help` (v1.30, in a terminal at least 120 columns wide). */
const HELP = `Expose a resource as a new Kubernetes service.

 Looks up a deployment, service, replica set, replication controller or pod by name and uses the selector for that
resource as the selector for a new service on the specified port. A deployment or replica set will be exposed as a
service only if its selector is convertible to a selector that service supports, i.e. when the selector contains only
the matchLabels component. Note that if no port is specified via --port and the exposed resource has multiple ports, all
will be re-used by the new service. Also if no labels are specified, the new service will re-use the labels from the
resource it exposes.

 Possible resources include (case insensitive):

 pod (po), service (svc), replicationcontroller (rc), deployment (deploy), replicaset (rs)

Examples:
  # Create a service for a replicated nginx, which serves on port 80 and connects to the containers on port 8000
  kubectl expose rc nginx --port=80 --target-port=8000
  
  # Create a service for a replication controller identified by type and name specified in "nginx-controller.yaml",
which serves on port 80 and connects to the containers on port 8000
  kubectl expose -f nginx-controller.yaml --port=80 --target-port=8000
  
  # Create a service for a pod valid-pod, which serves on port 444 with the name "frontend"
  kubectl expose pod valid-pod --port=444 --name=frontend
  
  # Create a second service based on the above service, exposing the container port 8443 as port 443 with the name
"nginx-https"
  kubectl expose service nginx --port=443 --target-port=8443 --name=nginx-https
  
  # Create a service for a replicated streaming application on port 4100 balancing UDP traffic and named 'video-stream'.
  kubectl expose rc streamer --port=4100 --protocol=UDP --name=video-stream
  
  # Create a service for a replicated nginx using replica set, which serves on port 80 and connects to the containers on
port 8000
  kubectl expose rs nginx --port=80 --target-port=8000
  
  # Create a service for an nginx deployment, which serves on port 80 and connects to the containers on port 8000
  kubectl expose deployment nginx --port=80 --target-port=8000

Options:
    --cluster-ip='':
\tClusterIP to be assigned to the service. Leave empty to auto-allocate, or set to 'None' to create a headless
\tservice.

    --dry-run='none':
\tMust be "none", "server", or "client". If client strategy, only print the object that would be sent, without
\tsending it. If server strategy, submit server-side request without persisting the resource.

    --external-ip='':
\tAdditional external IP address (not managed by Kubernetes) to accept for the service. If this IP is routed to
\ta node, the service can be accessed by this IP in addition to its generated service IP.

    -l, --labels='':
\tLabels to apply to the service created by this call.

    --load-balancer-ip='':
\tIP to assign to the LoadBalancer. If empty, an ephemeral IP will be created and used (cloud-provider
\tspecific).

    --name='':
\tThe name for the newly created object.

    -o, --output='':
\tOutput format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath,
\tjsonpath-as-json, jsonpath-file).

    --port='':
\tThe port that the service should serve on. Copied from the resource being exposed, if unspecified

    --protocol='':
\tThe network protocol for the service to be created. Default is 'TCP'.

    --selector='':
\tA label selector to use for this service. Only equality-based selector requirements are supported. If empty
\t(the default) infer the selector from the replication controller or replica set.)

    --session-affinity='':
\tIf non-empty, set the session affinity for the service to this; legal values: 'None', 'ClientIP'

    --target-port='':
\tName or number for the port on the container that the service should direct traffic to. Optional.

    --type='':
\tType for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName. Default is 'ClusterIP'.

Usage:
  kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name]
[--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const exposeCommand: KubectlCommand = {
  name: 'expose',
  short:
    'Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service',
  help: HELP,
  flags: FLAGS,
  run: runExpose,
};
