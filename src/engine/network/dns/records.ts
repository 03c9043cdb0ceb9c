/**
 * CoreDNS as kubeadm configures it, answering one question from the cluster's objects: the
 * `kubernetes` plugin's records (the Kubernetes DNS-Based Service Discovery specification), and
 * behind it, per the Corefile, `fallthrough` to `forward`, which hands every other name to the
 * upstream resolver (outside.ts). Pure: no clock, no store writes; the objects come through a
 * DnsSource (storeSource for the API store, plain lists in tests).
 *
 * Records (k8s-reference §5):
 *  - `<svc>.<ns>.svc.<zone>` A → the ClusterIP; headless → one A per **ready** endpoint
 *    (NXDOMAIN when none is ready); ExternalName → CNAME to its externalName, completed with the
 *    target's records (looked up in the cluster when it is a cluster name, else upstream);
 *  - `<endpoint>.<svc>.<ns>.svc.<zone>` → that endpoint (its hostname, or its dashed IP);
 *  - SRV `_<port>._<proto>.<svc>.<ns>.svc.<zone>`: priority 0, weight 100/n, the port, and the
 *    service's name (per endpoint for headless services), with the addresses as additionals;
 *  - PTR for a ClusterIP → the service's name; for an endpoint IP → `<hostname or dashed IP>.<svc>…`
 *    (CoreDNS 1.11, the image kubeadm v1.30 deploys, answers the dashed-IP name for endpoints
 *    without a hostname; 1.12.0 answered only hostnames, a change reverted in 1.12.1);
 *  - `a-b-c-d.<ns>.pod.<zone>` A → a.b.c.d (`pods insecure`: any address, the namespace must exist);
 *  - `dns-version.<zone>` TXT "1.1.0"; `ns.dns.<zone>` A → the DNS service's address; the zone's SOA;
 *  - a name in the zone that matches nothing: NXDOMAIN; a name that exists without records of the
 *    type asked (AAAA for an IPv4 service, `default.svc.cluster.local`): NODATA. Both carry the
 *    zone's SOA in the authority section, as CoreDNS's BackendError.
 * `loadbalance` shuffles address records (roundRobinShuffle) when given a random source.
 *
 * Models coredns plugin/kubernetes {parse.go parseRequest, kubernetes.go Records, findServices,
 * findPods, endpointHostname, reverse.go serviceRecordForIP, handler.go ServeDNS}, plugin/backend_lookup.go
 * {A, SRV, PTR, BackendError}, plugin/loadbalance/loadbalance.go (roundRobin).
 * Left out: IPv6 records (the playground's cluster is IPv4), wildcards (removed upstream), the
 * `cache` plugin's decreasing TTLs, `namespaces`/`labels` filters, autopath, TXT beyond dns-version.
 */
import type { Namespace, Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { ApiStore } from '../../api/store';
import type { KObject } from '../../api/types';
import { ipToNumber } from '../netfilter/packet';
import type { CorefileConfig, KubernetesPluginConfig } from './corefile';
import { inZone, matchZone } from './corefile';
import type { DnsMessage, Question, Rcode, RR } from './message';
import { addressFromReverse } from './message';
import { outsideAnswer } from './outside';

/** The objects CoreDNS watches. */
export interface DnsSource {
  namespaceExists(ns: string): boolean;
  service(ns: string, name: string): Service | undefined;
  /** Every Service (reverse lookups of cluster IPs). */
  services(): readonly Service[];
  /** The EndpointSlices of one service. */
  endpointSlices(ns: string, service: string): readonly EndpointSlice[];
  /** Every EndpointSlice (reverse lookups of endpoint IPs). */
  allEndpointSlices(): readonly EndpointSlice[];
  /** Whether a pod of the namespace has this IP (`pods verified`). */
  podHasIP(ns: string, ip: string): boolean;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** The API store as CoreDNS's informers see it. */
export function storeSource(store: ApiStore): DnsSource {
  return {
    namespaceExists: (ns) =>
      store.get<Namespace & KObject>('Namespace', undefined, ns) !== undefined,
    service: (ns, name) => store.get<Service & KObject>('Service', ns, name),
    services: () => store.list<Service & KObject>('Service'),
    endpointSlices: (ns, service) =>
      store
        .list<EndpointSlice & KObject>('EndpointSlice', { namespace: ns })
        .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === service),
    allEndpointSlices: () => store.list<EndpointSlice & KObject>('EndpointSlice'),
    podHasIP: (ns, ip) =>
      store.list<Pod & KObject>('Pod', { namespace: ns }).some((p) => p.status?.podIP === ip),
  };
}

export interface ServeOptions {
  /** The SOA serial (CoreDNS: the last time its informers saw a change, in Unix seconds). */
  serial: number;
  /** The DNS service's own address, for `ns.dns.<zone>` (kube-dns's ClusterIP). */
  nsAddress?: string;
  /** A uniform integer in [0, n), for `loadbalance`; absent: answers in their natural order. */
  random?: (n: number) => number;
}

/** A name error (NXDOMAIN) from the backend, with the reason for the trace. */
class NameError {
  constructor(readonly why: string) {}
}

/** One record the backend found (msg.Service): an address or a name, a port, its owner path. */
interface Found {
  /** An IP, or a name (ExternalName: a CNAME target). */
  host: string;
  /** -1: no port declared (CoreDNS's sentinel). */
  port: number;
  /** The record's own name, for SRV targets and PTRs: `nginx.default.svc.cluster.local.` */
  domain: string;
}

interface RecordRequest {
  port: string;
  protocol: string;
  endpoint: string;
  service: string;
  namespace: string;
  podOrSvc: string;
}

// Models plugin/kubernetes/parse.go parseRequest.
function parseRequest(name: string, zone: string): RecordRequest | NameError {
  const r: RecordRequest = {
    port: '',
    protocol: '',
    endpoint: '',
    service: '',
    namespace: '',
    podOrSvc: '',
  };
  const base = name.slice(0, name.length - zone.length).replace(/\.$/, '');
  if (base === '' || base === 'svc' || base === 'pod') return r;
  const segs = base.split('.');
  let last = segs.length - 1;
  r.podOrSvc = segs[last] as string;
  if (r.podOrSvc !== 'pod' && r.podOrSvc !== 'svc')
    return new NameError(`"${r.podOrSvc}" is neither svc nor pod`);
  if (--last < 0) return r;
  r.namespace = segs[last] as string;
  if (--last < 0) return r;
  r.service = segs[last] as string;
  if (--last < 0) return r;
  if (last === 0) r.endpoint = segs[0] as string;
  else if (last === 1) {
    r.protocol = (segs[1] as string).replace(/^_/, '');
    r.port = (segs[0] as string).replace(/^_/, '');
  } else return new NameError('too many labels');
  return r;
}

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const matchPortAndProtocol = (aPort: string, bPort: string, aProto: string, bProto: string) =>
  (aPort === '' || eq(aPort, bPort)) && (aProto === '' || eq(aProto, bProto));

const isIPv4 = (s: string): boolean => ipToNumber(s) !== undefined;

/** Models plugin/kubernetes/kubernetes.go endpointHostname (endpoint_pod_names off). */
function endpointHostname(hostname: string | undefined, ip: string): string {
  return hostname ? hostname : ip.replace(/\./g, '-');
}

/** Ready endpoint addresses of a service, with their hostnames, and the slices' ports. */
function readyEndpoints(
  src: DnsSource,
  ns: string,
  svc: string,
): Array<{
  ip: string;
  hostname: string | undefined;
  ports: Array<{ port: number; name: string; protocol: string }>;
}> {
  const out: Array<{
    ip: string;
    hostname: string | undefined;
    ports: Array<{ port: number; name: string; protocol: string }>;
  }> = [];
  for (const slice of src.endpointSlices(ns, svc)) {
    const ports =
      (slice.ports ?? []).length === 0
        ? [{ port: -1, name: '', protocol: '' }]
        : (slice.ports ?? []).map((p) => ({
            port: p.port ?? -1,
            name: p.name ?? '',
            protocol: p.protocol ?? 'TCP',
          }));
    for (const ep of slice.endpoints ?? []) {
      // EndpointSliceToEndpoints: a nil ready condition counts as ready.
      if (ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses) out.push({ ip, hostname: ep.hostname, ports });
    }
  }
  return out;
}

// Models plugin/kubernetes/kubernetes.go findServices.
function findServices(src: DnsSource, r: RecordRequest, zone: string): Found[] | NameError {
  if (r.service === '') return [];
  const svc = src.service(r.namespace, r.service.toLowerCase());
  if (!svc) return new NameError(`no service ${r.service} in namespace ${r.namespace}`);
  const ns = svc.metadata?.namespace ?? r.namespace;
  const name = svc.metadata?.name ?? r.service;
  const svcDomain = `${name}.${ns}.svc.${zone}`;
  const found: Found[] = [];
  if (svc.spec?.type === 'ExternalName') {
    const target = svc.spec.externalName ?? '';
    if (r.endpoint !== '' || target === '' || isIPv4(target))
      return new NameError('an ExternalName service has no endpoints');
    return [{ host: target, port: 0, domain: svcDomain }];
  }
  const headless = svc.spec?.clusterIP === 'None';
  if (headless || r.endpoint !== '') {
    for (const ep of readyEndpoints(src, ns, name)) {
      const host = endpointHostname(ep.hostname, ep.ip);
      if (r.endpoint !== '' && !eq(r.endpoint, host)) continue;
      for (const p of ep.ports) {
        if (!matchPortAndProtocol(r.port, p.name, r.protocol, p.protocol)) continue;
        found.push({ host: ep.ip, port: p.port, domain: `${host}.${svcDomain}` });
      }
    }
    return found.length > 0
      ? found
      : new NameError(
          headless ? `headless service ${ns}/${name} has no ready endpoint` : 'no such endpoint',
        );
  }
  const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
  let matched = false;
  for (const p of svc.spec?.ports ?? []) {
    if (!matchPortAndProtocol(r.port, p.name ?? '', r.protocol, p.protocol ?? 'TCP')) continue;
    matched = true;
    for (const ip of ips) found.push({ host: ip, port: p.port, domain: svcDomain });
  }
  return matched ? found : new NameError(`service ${ns}/${name} has no port ${r.port}`);
}

// Models plugin/kubernetes/kubernetes.go findPods.
function findPods(
  src: DnsSource,
  k: KubernetesPluginConfig,
  r: RecordRequest,
  zone: string,
): Found[] | NameError {
  if (k.pods === 'disabled') return new NameError('pod records are disabled');
  if (r.service === '') return [];
  const podname = r.service;
  if ((podname.match(/-/g) ?? []).length !== 3 || podname.includes('--'))
    return new NameError(`${podname} is not a dashed IPv4 address`);
  const ip = podname.replace(/-/g, '.');
  if (!isIPv4(ip)) return new NameError(`${podname} is not a dashed IPv4 address`);
  if (k.pods === 'verified' && !src.podHasIP(r.namespace, ip))
    return new NameError(`no pod with IP ${ip} in namespace ${r.namespace}`);
  return [{ host: ip, port: 0, domain: `${podname}.${r.namespace}.pod.${zone}` }];
}

// Models plugin/kubernetes/kubernetes.go Records.
function records(
  src: DnsSource,
  k: KubernetesPluginConfig,
  name: string,
  zone: string,
): Found[] | NameError {
  const r = parseRequest(name, zone);
  if (r instanceof NameError) return r;
  if (r.podOrSvc === '') return [];
  if (addressFromReverse(name) !== undefined || /\.(in-addr|ip6)\.arpa\.$/.test(name))
    return new NameError('reverse name');
  if (!src.namespaceExists(r.namespace))
    return new NameError(`namespace ${r.namespace} does not exist`);
  return r.podOrSvc === 'pod' ? findPods(src, k, r, zone) : findServices(src, r, zone);
}

// Models plugin/kubernetes/reverse.go serviceRecordForIP.
function reverseRecords(src: DnsSource, ip: string, zone: string): string[] {
  for (const svc of src.services()) {
    const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    if (ips.includes(ip))
      return [`${svc.metadata?.name ?? ''}.${svc.metadata?.namespace ?? ''}.svc.${zone}`];
  }
  const out: string[] = [];
  for (const slice of src.allEndpointSlices()) {
    const svc = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false || !ep.addresses.includes(ip)) continue;
      out.push(
        `${endpointHostname(ep.hostname, ip)}.${svc}.${slice.metadata?.namespace ?? ''}.svc.${zone}`,
      );
    }
  }
  return out;
}

/** The zone's SOA as CoreDNS builds it (plugin.SOA). */
function soa(zone: string, ttl: number, serial: number): RR {
  const z = zone === '.' ? '' : zone;
  return {
    name: zone,
    ttl,
    type: 'SOA',
    data: `ns.dns.${z} hostmaster.${z} ${serial} 7200 1800 86400 ${ttl}`,
  };
}

/** The primary (first non-reverse) zone: where reverse answers point. */
function primaryZone(k: KubernetesPluginConfig): string {
  return k.zones.find((z) => !z.endsWith('.arpa.')) ?? k.zones[0] ?? 'cluster.local.';
}

type KubernetesResult = { kind: 'answer'; msg: DnsMessage } | { kind: 'name-error'; why: string };

/** What the rest of the server answers for a CNAME target or a fallthrough. */
type Next = (q: Question, depth: number) => DnsMessage;

// Models plugin/kubernetes/handler.go ServeDNS with plugin/backend_lookup.go.
function kubernetesServe(
  src: DnsSource,
  k: KubernetesPluginConfig,
  zone: string,
  q: Question,
  opts: ServeOptions,
  next: Next,
  depth: number,
): KubernetesResult {
  const name = q.name.toLowerCase();
  const ttl = k.ttl;
  const reply = (answer: RR[], additional: RR[] = []): KubernetesResult => ({
    kind: 'answer',
    msg: {
      question: q,
      rcode: 'NOERROR',
      aa: true,
      ra: false,
      answer,
      authority: answer.length === 0 ? [soa(zone, ttl, opts.serial)] : [],
      additional,
      source: 'kubernetes',
    },
  });
  const nameError = (why: string): KubernetesResult => ({ kind: 'name-error', why });

  // Records that exist whatever the objects: the apex, dns-version, ns.dns.
  if (name === zone) {
    if (q.type === 'SOA') return reply([soa(zone, ttl, opts.serial)]);
    if (q.type === 'NS' && opts.nsAddress) {
      const ns = `ns.dns.${zone}`;
      return reply(
        [{ name: q.name, ttl, type: 'NS', data: ns }],
        [{ name: ns, ttl, type: 'A', data: opts.nsAddress }],
      );
    }
    return reply([]);
  }
  if (name === `ns.dns.${zone}` && opts.nsAddress) {
    return reply(q.type === 'A' ? [{ name: q.name, ttl, type: 'A', data: opts.nsAddress }] : []);
  }
  if (q.type === 'TXT') {
    if (name === `dns-version.${zone}`)
      return reply([{ name: q.name, ttl: 28800, type: 'TXT', data: '"1.1.0"' }]);
    const found = records(src, k, name, zone);
    return found instanceof NameError ? nameError(found.why) : reply([]);
  }

  if (q.type === 'PTR') {
    const ip = addressFromReverse(name);
    if (ip === undefined) {
      const found = records(src, k, name, zone);
      return found instanceof NameError ? nameError(found.why) : reply([]);
    }
    const names = reverseRecords(src, ip, primaryZone(k));
    if (names.length === 0) return nameError(`no service or endpoint has ${ip}`);
    return reply(names.map((n) => ({ name: q.name, ttl, type: 'PTR', data: n })));
  }

  const found = records(src, k, name, zone);
  if (found instanceof NameError) return nameError(found.why);

  switch (q.type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'ANY': {
      const answer: RR[] = [];
      const seen = new Set<string>();
      for (const f of found) {
        if (isIPv4(f.host)) {
          if (q.type === 'CNAME' || q.type === 'AAAA' || seen.has(f.host)) continue;
          seen.add(f.host);
          answer.push({ name: q.name, ttl, type: 'A', data: f.host });
          continue;
        }
        // An ExternalName: the CNAME, then the target's own records (plugin.A's CNAME case).
        const target = f.host.endsWith('.') ? f.host : `${f.host}.`;
        if (target.toLowerCase() === name) continue; // a CNAME loop
        answer.push({ name: q.name, ttl, type: 'CNAME', data: target });
        if (q.type === 'CNAME' || depth > 7) continue;
        const chased = next({ name: target, type: q.type === 'ANY' ? 'A' : q.type }, depth + 1);
        if (chased.rcode === 'NOERROR') answer.push(...chased.answer);
      }
      return reply(answer);
    }
    case 'SRV': {
      const answer: RR[] = [];
      const extra: RR[] = [];
      const srvs = found.filter((f) => isIPv4(f.host) && f.port !== -1);
      const weight = srvs.length > 0 ? Math.floor(100 / srvs.length) : 100;
      const dupSrv = new Set<string>();
      const dupAddr = new Set<string>();
      for (const f of srvs) {
        const key = `${f.domain}:${f.port}`;
        if (!dupSrv.has(key)) {
          dupSrv.add(key);
          answer.push({
            name: q.name,
            ttl,
            type: 'SRV',
            data: `0 ${weight} ${f.port} ${f.domain}`,
          });
        }
        const akey = `${f.domain}:${f.host}`;
        if (!dupAddr.has(akey)) {
          dupAddr.add(akey);
          extra.push({ name: f.domain, ttl, type: 'A', data: f.host });
        }
      }
      return reply(answer, extra);
    }
    default:
      // Other types: a fake A lookup told NODATA from NXDOMAIN; the name exists here.
      return reply([]);
  }
}

/**
 * CoreDNS's answer to one question (what its ServeDNS writes), following the Corefile: the
 * kubernetes plugin for its zones, a name error there falling through (per `fallthrough`) to
 * `forward`, which asks the upstream resolver; no plugin for the name: SERVFAIL.
 */
export function serveCoreDns(
  src: DnsSource,
  cfg: CorefileConfig,
  q: Question,
  opts: ServeOptions,
): DnsMessage {
  const serve: Next = (question, depth) => {
    const k = cfg.kubernetes;
    const lname = question.name.toLowerCase();
    if (k) {
      const zone = matchZone(lname, k.zones);
      if (zone) {
        const r = kubernetesServe(src, k, zone, question, opts, serve, depth);
        if (r.kind === 'answer') return r.msg;
        const falls = k.fallthrough.some((z) => inZone(lname, z));
        if (!falls) {
          return {
            question,
            rcode: 'NXDOMAIN',
            aa: true,
            ra: false,
            answer: [],
            authority: [soa(zone, k.ttl, opts.serial)],
            additional: [],
            source: `kubernetes: ${r.why}`,
          };
        }
      }
    }
    if (cfg.forward && inZone(lname, cfg.forward.from)) {
      return { ...outsideAnswer(question), source: 'forward' };
    }
    return failure(question, 'SERVFAIL', 'no plugin serves the name');
  };
  const msg = serve({ name: q.name.endsWith('.') ? q.name : `${q.name}.`, type: q.type }, 0);
  if (cfg.loadbalance && opts.random && msg.rcode === 'NOERROR') {
    return {
      ...msg,
      answer: roundRobin(msg.answer, opts.random),
      authority: roundRobin(msg.authority, opts.random),
      additional: roundRobin(msg.additional, opts.random),
    };
  }
  return msg;
}

function failure(q: Question, rcode: Rcode, why: string): DnsMessage {
  return {
    question: q,
    rcode,
    aa: false,
    ra: false,
    answer: [],
    authority: [],
    additional: [],
    source: why,
  };
}

// Models plugin/loadbalance/loadbalance.go roundRobin and roundRobinShuffle.
function roundRobin(rrs: RR[], random: (n: number) => number): RR[] {
  const cname = rrs.filter((r) => r.type === 'CNAME');
  const address = rrs.filter((r) => r.type === 'A' || r.type === 'AAAA');
  const mx = rrs.filter((r) => r.type === 'MX');
  const rest = rrs.filter((r) => !['CNAME', 'A', 'AAAA', 'MX'].includes(r.type));
  const shuffle = (list: RR[]): void => {
    const l = list.length;
    if (l < 2) return;
    if (l === 2) {
      if (random(65536) % 2 === 0) list.reverse();
      return;
    }
    for (let j = 0; j < l; j++) {
      const p = j + (random(65536) % (l - j));
      if (p === j) continue;
      const t = list[j] as RR;
      list[j] = list[p] as RR;
      list[p] = t;
    }
  };
  shuffle(address);
  shuffle(mx);
  return [...cname, ...rest, ...address, ...mx];
}
