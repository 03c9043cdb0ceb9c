/**
 * The Send request form's data: who can send (the outside client, every pod with an address,
 * every node), the targets to pick from (each Service port by ClusterIP, NodePorts on each node,
 * load-balancer addresses, pods), and the form's values turned into `cluster.request(...)`.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1';
import type { ClusterRequest, KObject, RequestFrom } from '../../engine';
import type { ObjectRef, ObjectsByKind } from '../state/cluster-store';
import { refKey } from '../state/cluster-store';

export interface Choice {
  value: string;
  label: string;
}

export interface ChoiceGroup {
  label: string;
  choices: Choice[];
}

/** Options a select may hold per group: a 10,000-pod cluster does not need 10,000 of them. */
export const MAX_CHOICES = 200;

export const OUTSIDE = 'outside';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;

const values = (objects: ObjectsByKind, kind: string): KObject[] => [
  ...(objects.get(kind)?.values() ?? []),
];

const byName = (a: Choice, b: Choice): number => a.label.localeCompare(b.label);

function nodeIP(node: KObject): string | undefined {
  const addresses = (node as { status?: { addresses?: Array<{ type: string; address: string }> } })
    .status?.addresses;
  return addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** The senders: the outside client, the pods that have an address, the nodes. */
export function fromChoices(objects: ObjectsByKind): ChoiceGroup[] {
  const pods: Choice[] = [];
  for (const o of values(objects, 'Pod')) {
    const pod = o as Pod & KObject;
    const ip = pod.status?.podIP;
    if (!ip || pod.metadata.deletionTimestamp) continue;
    const ns = pod.metadata.namespace ?? 'default';
    pods.push({
      value: `pod/${ns}/${pod.metadata.name ?? ''}`,
      label: `${ns}/${pod.metadata.name ?? ''} (${ip}${pod.spec?.nodeName ? `, ${pod.spec.nodeName}` : ''})`,
    });
  }
  const nodes: Choice[] = values(objects, 'Node').map((n) => ({
    value: `node/${n.metadata.name ?? ''}`,
    label: `${n.metadata.name ?? ''}${nodeIP(n) ? ` (${nodeIP(n)})` : ''}`,
  }));
  const groups: ChoiceGroup[] = [
    { label: 'Outside', choices: [{ value: OUTSIDE, label: 'Outside client (the laptop)' }] },
  ];
  if (pods.length > 0)
    groups.push({ label: 'Pods', choices: pods.sort(byName).slice(0, MAX_CHOICES) });
  if (nodes.length > 0) groups.push({ label: 'Nodes', choices: nodes.sort(byName) });
  return groups;
}

/** `pod/ns/name`, `node/name`, `outside` → the engine's sender. */
export function parseFrom(value: string): RequestFrom | undefined {
  if (value === OUTSIDE) return { kind: 'outside' };
  const parts = value.split('/');
  if (parts[0] === 'pod' && parts.length === 3 && parts[1] && parts[2])
    return { kind: 'pod', namespace: parts[1], name: parts[2] };
  if (parts[0] === 'node' && parts.length === 2 && parts[1])
    return { kind: 'node', name: parts[1] };
  return undefined;
}

/** The sender for the graph's selection (a pod or a node), or undefined. */
export function fromOfSelection(ref: ObjectRef | undefined): string | undefined {
  if (ref?.kind === 'Pod' && ref.namespace) return `pod/${ref.namespace}/${ref.name}`;
  if (ref?.kind === 'Node') return `node/${ref.name}`;
  return undefined;
}

/** `http://10.96.0.1/` (port 80 left out, as one types it), `https://10.96.0.1/` for 443, or `http://10.96.0.1:8080/`. */
export function urlOf(ip: string, port: number): string {
  if (port === 80) return `http://${ip}/`;
  if (port === 443) return `https://${ip}/`;
  return `http://${ip}:${port}/`;
}

/** Targets to pick: Service ClusterIPs, NodePorts, load-balancer IPs, pods (their ports or 80). */
export function targetChoices(objects: ObjectsByKind): ChoiceGroup[] {
  const services: Choice[] = [];
  const nodePorts: Choice[] = [];
  const balancers: Choice[] = [];
  const nodes = values(objects, 'Node')
    .map((n) => ({ name: n.metadata.name ?? '', ip: nodeIP(n) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const o of values(objects, 'Service')) {
    const svc = o as Service & KObject;
    const name = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name ?? ''}`;
    const cip = svc.spec?.clusterIP;
    for (const p of svc.spec?.ports ?? []) {
      const portName = p.name ? `:${p.name}` : '';
      if (cip && cip !== 'None') {
        services.push({
          value: urlOf(cip, p.port),
          label: `${name}${portName} — ${cip}:${p.port}`,
        });
      }
      if (p.nodePort) {
        for (const n of nodes) {
          if (!n.ip) continue;
          nodePorts.push({
            value: urlOf(n.ip, p.nodePort),
            label: `${name}${portName} on ${n.name} — ${n.ip}:${p.nodePort}`,
          });
        }
      }
      for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
        if (!ing.ip) continue;
        balancers.push({
          value: urlOf(ing.ip, p.port),
          label: `${name}${portName} — ${ing.ip}:${p.port}`,
        });
      }
    }
  }
  const pods: Choice[] = [];
  for (const o of values(objects, 'Pod')) {
    const pod = o as Pod & KObject;
    const ip = pod.status?.podIP;
    if (!ip || pod.spec?.hostNetwork) continue;
    const ports = (pod.spec?.containers ?? []).flatMap((c) =>
      (c.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort),
    );
    const name = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
    for (const port of ports.length > 0 ? [...new Set(ports)] : [80]) {
      pods.push({ value: urlOf(ip, port), label: `${name} — ${ip}:${port}` });
    }
  }
  const groups: ChoiceGroup[] = [];
  const add = (label: string, choices: Choice[]) => {
    if (choices.length > 0)
      groups.push({ label, choices: choices.sort(byName).slice(0, MAX_CHOICES) });
  };
  add('Services (ClusterIP)', services);
  add('NodePorts', nodePorts);
  add('Load balancers', balancers);
  add('Pods', pods);
  return groups;
}

export interface FormValues {
  from: string;
  url: string;
  method: string;
  /** The Host header; empty: curl's default (the URL's host). */
  host: string;
}

/** The form's values as an engine request, or what is missing. */
export function buildRequest(v: FormValues): ClusterRequest | string {
  const from = parseFrom(v.from);
  if (!from) return 'Choose who sends the request.';
  const url = v.url.trim();
  if (url === '') return 'Type a URL, or pick a target.';
  const request: ClusterRequest = { from, url, method: v.method || 'GET' };
  const host = v.host.trim();
  if (host !== '') request.headers = { Host: host };
  return request;
}

/**
 * The URL a click on the graph picks as the target, for this sender — what a learner would type:
 *  - a Service: from a pod, its DNS name (`http://httpd2/`, `http://web.shop/` across namespaces;
 *    the port added unless 80); from a node (no cluster DNS on the host) its ClusterIP; from the
 *    outside client its load-balancer address, else its NodePort on the first node, else its
 *    ClusterIP (which the laptop cannot reach: the trace shows why);
 *  - a pod: its IP and first TCP container port (80 without one);
 *  - a node: its InternalIP with the first NodePort any Service opens (port 80 without one).
 * Undefined for anything else (a Deployment card, a node without an address).
 */
export function urlForPick(
  ref: ObjectRef,
  objects: ObjectsByKind,
  from: string,
): string | undefined {
  const obj = objects.get(ref.kind)?.get(refKey(ref));
  if (!obj) return undefined;
  const nodes = values(objects, 'Node')
    .map((n) => ({ name: n.metadata.name ?? '', ip: nodeIP(n) }))
    .filter((n) => n.ip !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  if (ref.kind === 'Service') {
    const svc = obj as Service & KObject;
    const port = svc.spec?.ports?.[0];
    if (!port) return undefined;
    const sender = parseFrom(from);
    if (sender?.kind === 'pod') {
      const ns = svc.metadata.namespace ?? 'default';
      const name = ns === sender.namespace ? svc.metadata.name : `${svc.metadata.name}.${ns}`;
      return port.port === 80 ? `http://${name}/` : `http://${name}:${port.port}/`;
    }
    const cip = svc.spec?.clusterIP;
    if (sender?.kind === 'outside') {
      const lb = svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
      if (lb) return urlOf(lb, port.port);
      if (port.nodePort && nodes[0]) return urlOf(nodes[0].ip!, port.nodePort);
    }
    return cip && cip !== 'None' ? urlOf(cip, port.port) : undefined;
  }
  if (ref.kind === 'Pod') {
    const pod = obj as Pod & KObject;
    const ip = pod.status?.podIP;
    if (!ip) return undefined;
    const port = (pod.spec?.containers ?? [])
      .flatMap((c) => c.ports ?? [])
      .find((p) => (p.protocol ?? 'TCP') === 'TCP')?.containerPort;
    return urlOf(ip, port ?? 80);
  }
  if (ref.kind === 'Node') {
    const ip = nodeIP(obj);
    if (!ip) return undefined;
    const nodePorts = values(objects, 'Service')
      .map((s) => s as Service & KObject)
      .sort((a, b) =>
        `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
          `${b.metadata.namespace}/${b.metadata.name}`,
        ),
      )
      .flatMap((s) => (s.spec?.ports ?? []).map((p) => p.nodePort))
      .filter((p): p is number => p !== undefined);
    return urlOf(ip, nodePorts[0] ?? 80);
  }
  return undefined;
}

/** Where a request to an Ingress host goes instead, and why (see ingressRoute). */
export interface IngressRoute {
  /** The URL sent: the ingress controller's address and port, the typed path. */
  url: string;
  /** The Host header that makes nginx pick the rule. */
  host: string;
  /** `namespace/name` of the Ingress whose rule names the host. */
  ingress: string;
}

const INGRESS_CONTROLLER = 'ingress-nginx/ingress-nginx-controller';

/** Does an Ingress rule's host (`shop.example.com`, `*.example.com`) name `host`? */
function hostMatches(rule: string, host: string): boolean {
  if (rule.startsWith('*.')) {
    const suffix = rule.slice(1);
    return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
  }
  return rule === host;
}

/**
 * A URL typed with an Ingress rule's host (`shop.example.com/cart`): nothing resolves that name
 * (no DNS outside the cluster knows it, and a real laptop needs /etc/hosts or `curl -H`), so the
 * form sends it as a learner would with curl — to the ingress controller, with the host in the
 * Host header: from outside to the Ingress's ADDRESS (its load balancer's port, or the
 * controller's NodePort on a node address), from a pod or a node to the controller Service's
 * ClusterIP. Undefined for any other URL, one with an explicit port, or without the add-on.
 */
export function ingressRoute(
  url: string,
  from: string,
  objects: ObjectsByKind,
): IngressRoute | undefined {
  const m = /^(?:(https?):\/\/)?([^/:?#\s]+)(:\d+)?(.*)$/i.exec(url.trim());
  if (!m || m[3] !== undefined) return undefined;
  const scheme = (m[1] ?? 'http').toLowerCase();
  const host = m[2]!.toLowerCase();
  const rest = m[4] && m[4] !== '' ? m[4] : '/';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || !host.includes('.')) return undefined;
  type Ing = KObject & {
    spec?: { rules?: Array<{ host?: string }> };
    status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } };
  };
  const ing = values(objects, 'Ingress')
    .map((o) => o as Ing)
    .sort((a, b) => refName(a).localeCompare(refName(b)))
    .find((i) => (i.spec?.rules ?? []).some((r) => r.host && hostMatches(r.host, host)));
  const controller = objects.get('Service')?.get(INGRESS_CONTROLLER) as
    (Service & KObject) | undefined;
  if (!ing || !controller) return undefined;
  const want = scheme === 'https' ? 443 : 80;
  const port = controller.spec?.ports?.find((p) => p.port === want);
  if (!port) return undefined;
  const sender = parseFrom(from);
  let address: string | undefined;
  let dport: number | undefined;
  if (sender?.kind === 'outside') {
    const lbIPs = (controller.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
    const published = ing.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
    const firstNode = values(objects, 'Node')
      .map((n) => ({ name: n.metadata.name ?? '', ip: nodeIP(n) }))
      .filter((n) => n.ip !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name))[0]?.ip;
    address = published ?? lbIPs[0] ?? firstNode;
    dport = address !== undefined && lbIPs.includes(address) ? port.port : port.nodePort;
  } else {
    const cip = controller.spec?.clusterIP;
    address = cip && cip !== 'None' ? cip : undefined;
    dport = port.port;
  }
  if (address === undefined || dport === undefined) return undefined;
  const portPart = dport === want ? '' : `:${dport}`;
  return { url: `${scheme}://${address}${portPart}${rest}`, host, ingress: refName(ing) };
}

function refName(o: KObject): string {
  return `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;
}
