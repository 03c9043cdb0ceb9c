/**
 * The server-side table of every kind we store: its columns and the cells of one object.
 *
 * Models pkg/printers/internalversion/printers.go (v1.30): AddHandlers' column definitions and
 * the print<Kind> functions. As the API server does (pkg/printers/storage TableConvertor), rows
 * always carry every cell, priority-1 ones included; kubectl hides those unless `-o wide`. One
 * consequence, faithful to real clusters: the 16-character clipping of LoadBalancer addresses
 * (loadBalancerStatusStringer with wide=false) never happens, because the server always
 * generates the wide form.
 */
import type { DaemonSet, Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type {
  ConfigMap,
  Container,
  Endpoints,
  Event,
  Namespace,
  Node,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1';
import type { KObject } from '../../api/types';
import { ageOf } from './duration';
import { podRow } from './pod';

export interface Column {
  /** As the server names it ("Nominated Node"); kubectl prints it upper-case. */
  name: string;
  /** 1: only with `-o wide`. */
  priority?: 1;
  /** The column holding the object's name (the one `kind/` is prefixed to). */
  isName?: boolean;
}

export interface KindTable {
  columns: readonly Column[];
  /** Every cell of the object's row, in column order. */
  row(obj: KObject, nowMs: number): string[];
}

const NAME: Column = { name: 'Name', isName: true };
const AGE: Column = { name: 'Age' };
const wide = (name: string): Column => ({ name, priority: 1 });

/** labels.FormatLabels: `k=v,...` with sorted keys, `<none>` when empty. */
export function formatLabels(m: Readonly<Record<string, string>> | undefined): string {
  if (!m) return '<none>';
  const keys = Object.keys(m).sort();
  if (keys.length === 0) return '<none>';
  let s = '';
  for (let i = 0; i < keys.length; i++) s += (i ? ',' : '') + keys[i]! + '=' + m[keys[i]!]!;
  return s;
}

/**
 * metav1.LabelSelectorAsSelector(sel).String(): requirements sorted by key, matchLabels as
 * `k=v`, expressions as `k in (a,b)`, `k notin (a,b)`, `k`, `!k`. Empty for nil or `{}`.
 */
export function labelSelectorString(sel: LabelSelector | undefined | null): string {
  if (!sel) return '';
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        reqs.push([e.key, `${e.key} in (${values})`]);
        break;
      case 'NotIn':
        reqs.push([e.key, `${e.key} notin (${values})`]);
        break;
      case 'Exists':
        reqs.push([e.key, e.key]);
        break;
      case 'DoesNotExist':
        reqs.push([e.key, `!${e.key}`]);
        break;
    }
  }
  // sort.StableSort by key, as labels.internalSelector keeps its requirements.
  reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return reqs.map((r) => r[1]).join(',');
}

/** metav1.FormatLabelSelector: the selector string, `<none>` when empty. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  return labelSelectorString(sel) || '<none>';
}

/** layoutContainerCells: container names and images, comma-joined. */
function containerCells(containers: readonly Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

const age = (obj: KObject, now: number): string => ageOf(obj.metadata.creationTimestamp, now);
const num = (n: number | undefined): string => String(n ?? 0);

// ------------------------------------------------------------------ workloads

const deploymentTable: KindTable = {
  columns: [
    NAME,
    { name: 'Ready' },
    { name: 'Up-to-date' },
    { name: 'Available' },
    AGE,
    wide('Containers'),
    wide('Images'),
    wide('Selector'),
  ],
  row(obj, now) {
    const d = obj as Deployment & KObject;
    const [names, images] = containerCells(d.spec?.template?.spec?.containers);
    return [
      d.metadata.name ?? '',
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      num(d.status?.updatedReplicas),
      num(d.status?.availableReplicas),
      age(obj, now),
      names,
      images,
      labelSelectorString(d.spec?.selector),
    ];
  },
};

const replicaSetTable: KindTable = {
  columns: [
    NAME,
    { name: 'Desired' },
    { name: 'Current' },
    { name: 'Ready' },
    AGE,
    wide('Containers'),
    wide('Images'),
    wide('Selector'),
  ],
  row(obj, now) {
    const rs = obj as ReplicaSet & KObject;
    const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
    return [
      rs.metadata.name ?? '',
      num(rs.spec?.replicas),
      num(rs.status?.replicas),
      num(rs.status?.readyReplicas),
      age(obj, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

const daemonSetTable: KindTable = {
  columns: [
    NAME,
    { name: 'Desired' },
    { name: 'Current' },
    { name: 'Ready' },
    { name: 'Up-to-date' },
    { name: 'Available' },
    { name: 'Node Selector' },
    AGE,
    wide('Containers'),
    wide('Images'),
    wide('Selector'),
  ],
  row(obj, now) {
    const ds = obj as DaemonSet & KObject;
    const s = ds.status;
    const [names, images] = containerCells(ds.spec?.template?.spec?.containers);
    return [
      ds.metadata.name ?? '',
      num(s?.desiredNumberScheduled),
      num(s?.currentNumberScheduled),
      num(s?.numberReady),
      num(s?.updatedNumberScheduled),
      num(s?.numberAvailable),
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(obj, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

// ------------------------------------------------------------------ services and endpoints

/** getServiceExternalIP (the server always passes wide=true, so nothing is clipped). */
function serviceExternalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const set = new Set<string>();
      for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
        if (ing.ip) set.add(ing.ip);
        else if (ing.hostname) set.add(ing.hostname);
      }
      const lb = [...set].sort();
      if (externalIPs.length > 0) return [...lb, ...externalIPs].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
  }
  return '<unknown>';
}

/** makePortString: `80/TCP`, `80:31326/TCP`, comma-joined. */
function servicePorts(svc: Service): string {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) =>
      p.nodePort && p.nodePort > 0
        ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}`
        : `${p.port}/${p.protocol ?? 'TCP'}`,
    )
    .join(',');
}

const serviceTable: KindTable = {
  columns: [
    NAME,
    { name: 'Type' },
    { name: 'Cluster-IP' },
    { name: 'External-IP' },
    { name: 'Port(s)' },
    AGE,
    wide('Selector'),
  ],
  row(obj, now) {
    const svc = obj as Service & KObject;
    return [
      svc.metadata.name ?? '',
      svc.spec?.type ?? 'ClusterIP',
      svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || '<none>',
      serviceExternalIP(svc),
      servicePorts(svc),
      age(obj, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};

/** net.JoinHostPort: brackets around IPv6 addresses. */
function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * formatEndpoints (printers.go, and describe.go's copy): up to three `ip:port` (ready addresses
 * only) of the ports named `portName` (every port when undefined), then ` + N more...`;
 * `<none>` without subsets, an empty cell when only not-ready addresses exist.
 */
export function formatEndpoints(ep: Endpoints | undefined, portName?: string): string {
  const subsets = ep?.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ports) {
      if (portName !== undefined && (port.name ?? '') !== portName) continue;
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, port.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

const endpointsTable: KindTable = {
  columns: [NAME, { name: 'Endpoints' }, AGE],
  row(obj, now) {
    return [obj.metadata.name ?? '', formatEndpoints(obj as Endpoints & KObject), age(obj, now)];
  },
};

/** listWithMoreString: joined, ` + N more...` past three, `<unset>` when empty. */
function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

const endpointSliceTable: KindTable = {
  columns: [NAME, { name: 'AddressType' }, { name: 'Ports' }, { name: 'Endpoints' }, AGE],
  row(obj, now) {
    const es = obj as EndpointSlice & KObject;
    const max = 3;
    const ports: string[] = [];
    let morePorts = false;
    let portCount = 0;
    for (const p of es.ports ?? []) {
      if (ports.length < max) {
        ports.push(p.port !== undefined ? String(p.port) : (p.name ?? '*'));
      } else if (ports.length === max) morePorts = true;
      portCount++;
    }
    const addrs: string[] = [];
    let moreAddrs = false;
    let addrCount = 0;
    for (const e of es.endpoints ?? []) {
      for (const a of e.addresses ?? []) {
        if (addrs.length < max) addrs.push(a);
        else if (addrs.length === max) moreAddrs = true;
        addrCount++;
      }
    }
    return [
      es.metadata.name ?? '',
      es.addressType ?? '',
      listWithMore(ports, morePorts, portCount, max),
      listWithMore(addrs, moreAddrs, addrCount, max),
      age(obj, now),
    ];
  },
};

/** formatHosts: up to three hosts, `*` when no rule names one. */
function ingressHosts(ing: Ingress): string {
  const rules = ing.spec?.rules ?? [];
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === max) more = true;
    if (!more && r.host) list.push(r.host);
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

const ingressTable: KindTable = {
  columns: [
    NAME,
    { name: 'Class' },
    { name: 'Hosts' },
    { name: 'Address' },
    { name: 'Ports' },
    AGE,
  ],
  row(obj, now) {
    const ing = obj as Ingress & KObject;
    const addrs = new Set<string>();
    for (const i of ing.status?.loadBalancer?.ingress ?? []) {
      if (i.ip) addrs.add(i.ip);
      else if (i.hostname) addrs.add(i.hostname);
    }
    return [
      ing.metadata.name ?? '',
      ing.spec?.ingressClassName ?? '<none>',
      ingressHosts(ing),
      [...addrs].sort().join(','),
      (ing.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
      age(obj, now),
    ];
  },
};

const ingressClassTable: KindTable = {
  columns: [NAME, { name: 'Controller' }, { name: 'Parameters' }, AGE],
  row(obj, now) {
    const ic = obj as IngressClass & KObject;
    let parameters = '<none>';
    const p = ic.spec?.parameters;
    if (p) parameters = `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}`;
    return [ic.metadata.name ?? '', ic.spec?.controller ?? '', parameters, age(obj, now)];
  },
};

// ------------------------------------------------------------------ cluster and config

const LABEL_NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_LABEL_ROLE = 'kubernetes.io/role';

/** findNodeRoles: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role=<role>`, sorted. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(LABEL_NODE_ROLE_PREFIX)) {
      const role = k.slice(LABEL_NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === NODE_LABEL_ROLE && v !== '') roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

/** The node STATUS: Ready / NotReady / Unknown, then `,SchedulingDisabled` when cordoned. */
export function nodeStatus(node: Node): string {
  const status: string[] = [];
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

const nodeTable: KindTable = {
  columns: [
    NAME,
    { name: 'Status' },
    { name: 'Roles' },
    AGE,
    { name: 'Version' },
    wide('Internal-IP'),
    wide('External-IP'),
    wide('OS-Image'),
    wide('Kernel-Version'),
    wide('Container-Runtime'),
  ],
  row(obj, now) {
    const node = obj as Node & KObject;
    const info = node.status?.nodeInfo;
    return [
      node.metadata.name ?? '',
      nodeStatus(node),
      nodeRoles(node),
      age(obj, now),
      info?.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};

const namespaceTable: KindTable = {
  columns: [NAME, { name: 'Status' }, AGE],
  row(obj, now) {
    const ns = obj as Namespace & KObject;
    return [ns.metadata.name ?? '', ns.status?.phase ?? '', age(obj, now)];
  },
};

/** formatEventSource: `component, host`, falling back to reportingComponent/-Instance. */
function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const host = ev.source?.host || ev.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

const eventTable: KindTable = {
  columns: [
    { name: 'Last Seen' },
    { name: 'Type' },
    { name: 'Reason' },
    { name: 'Object' },
    wide('Subobject'),
    wide('Source'),
    { name: 'Message' },
    wide('First Seen'),
    wide('Count'),
    { name: 'Name', priority: 1, isName: true },
  ],
  row(obj, now) {
    const ev = obj as Event & KObject;
    const first = ev.firstTimestamp ? ageOf(ev.firstTimestamp, now) : ageOf(ev.eventTime, now);
    let last = ev.lastTimestamp ? ageOf(ev.lastTimestamp, now) : first;
    let count = ev.count ?? 0;
    if (ev.series) {
      last = ageOf(ev.series.lastObservedTime, now);
      count = ev.series.count ?? 0;
    } else if (count === 0) count = 1; // singleton events of the new API carry no count
    const io = ev.involvedObject;
    const kind = (io?.kind ?? '').toLowerCase();
    const target = io?.name ? `${kind}/${io.name}` : kind;
    return [
      last,
      ev.type ?? '',
      ev.reason ?? '',
      target,
      io?.fieldPath ?? '',
      eventSource(ev),
      (ev.message ?? '').trim(),
      first,
      String(count),
      ev.metadata.name ?? '',
    ];
  },
};

const configMapTable: KindTable = {
  columns: [NAME, { name: 'Data' }, AGE],
  row(obj, now) {
    const cm = obj as ConfigMap & KObject;
    const n = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
    return [cm.metadata.name ?? '', String(n), age(obj, now)];
  },
};

const secretTable: KindTable = {
  columns: [NAME, { name: 'Type' }, { name: 'Data' }, AGE],
  row(obj, now) {
    const s = obj as Secret & KObject;
    // The API server merges stringData into data on write; count both should it not have.
    const keys = new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})]);
    return [s.metadata.name ?? '', s.type || 'Opaque', String(keys.size), age(obj, now)];
  },
};

const serviceAccountTable: KindTable = {
  columns: [NAME, { name: 'Secrets' }, AGE],
  row(obj, now) {
    const sa = obj as ServiceAccount & KObject;
    return [sa.metadata.name ?? '', String((sa.secrets ?? []).length), age(obj, now)];
  },
};

/** printers.go printLease: NAME, HOLDER (spec.holderIdentity), AGE. */
const leaseTable: KindTable = {
  columns: [NAME, { name: 'Holder' }, AGE],
  row(obj, now) {
    const spec = (obj.spec ?? {}) as { holderIdentity?: string };
    return [obj.metadata.name ?? '', spec.holderIdentity ?? '', age(obj, now)];
  },
};

const podTable: KindTable = {
  columns: [
    NAME,
    { name: 'Ready' },
    { name: 'Status' },
    { name: 'Restarts' },
    AGE,
    wide('IP'),
    wide('Node'),
    wide('Nominated Node'),
    wide('Readiness Gates'),
  ],
  row: podRow,
};

/** The table of each kind we store, by kind. */
export const KIND_TABLES: Readonly<Record<string, KindTable>> = {
  Pod: podTable,
  Deployment: deploymentTable,
  ReplicaSet: replicaSetTable,
  DaemonSet: daemonSetTable,
  Service: serviceTable,
  Endpoints: endpointsTable,
  EndpointSlice: endpointSliceTable,
  Ingress: ingressTable,
  IngressClass: ingressClassTable,
  Node: nodeTable,
  Namespace: namespaceTable,
  Event: eventTable,
  ConfigMap: configMapTable,
  Secret: secretTable,
  ServiceAccount: serviceAccountTable,
  Lease: leaseTable,
};

/** Kinds without a table of their own print NAME and AGE (the server's default table). */
export const DEFAULT_TABLE: KindTable = {
  columns: [NAME, { name: 'Age' }],
  row: (obj, now) => [obj.metadata.name ?? '', age(obj, now)],
};
