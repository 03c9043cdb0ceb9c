/**
 * What the kubelet and the container runtime put into every container of a pod: `/etc/hosts`
 * (kubelet's managed hosts file), `/etc/resolv.conf` (from the pod's dnsPolicy and dnsConfig),
 * `/etc/hostname`, and the process environment (the container's `env`/`envFrom`, and the
 * Docker-link-style service variables for the services that existed when the container started).
 *
 * Models pkg/kubelet/kubelet_pods.go (managedHostsFileContent, makeEnvironmentVariables,
 * getServiceEnvVarMap), pkg/kubelet/envvars/envvars.go (FromServices), pkg/kubelet/network/dns
 * (GetPodDNS) and containerd's resolv.conf writer (search, nameserver, options — in that order).
 *
 * Simplified: kubelet builds the environment through Go maps, so its real order varies from
 * container to container; here it is fixed — PATH, HOSTNAME, the image's ENV, the container's
 * variables in declaration order, then the service variables (services by name, each in
 * FromServices' order), HOME last as runc adds it. resourceFieldRef values are not computed.
 */
import type { Container, EnvVar, Pod, Service } from 'kubernetes-types/core/v1';
import type { ApiStore } from '../../api/store';
import type { Stored } from '../../api/types';
import { parseTimestamp } from '../../sim/clock';
import type { ImageRef } from '../../workloads/image-ref';
import { lookupImage, nginxVersion } from '../../workloads/catalog';

/** The cluster DNS service address kubelet is configured with (kubeadm's 10th service IP). */
export const CLUSTER_DNS_IP = '10.96.0.10';
/** The nodes' upstream resolver (their /run/systemd/resolve/resolv.conf), for dnsPolicy Default. */
export const NODE_UPSTREAM_DNS = '192.168.100.1';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The pod's hostname: spec.hostname, else its name (kubelet truncates it to 63 characters). */
export function podHostname(pod: Pod): string {
  const h = pod.spec?.hostname || pod.metadata?.name || '';
  return h.length > 63 ? h.slice(0, 63).replace(/[-.]+$/, '') : h;
}

/** `/etc/hostname`. */
export function hostnameFile(pod: Pod): string {
  return podHostname(pod) + '\n';
}

/**
 * `/etc/hosts` as kubelet writes it (managedHostsFileContent): the boilerplate, the pod's IPs
 * with its hostname (its FQDN first when it has a subdomain), then the hostAliases.
 */
export function hostsFile(pod: Pod, clusterDomain = 'cluster.local'): string {
  let out =
    '# Kubernetes-managed hosts file.\n' +
    '127.0.0.1\tlocalhost\n' +
    '::1\tlocalhost ip6-localhost ip6-loopback\n' +
    'fe00::0\tip6-localnet\n' +
    'fe00::0\tip6-mcastprefix\n' +
    'fe00::1\tip6-allnodes\n' +
    'fe00::2\tip6-allrouters\n';
  const hostname = podHostname(pod);
  const sub = pod.spec?.subdomain;
  const ns = pod.metadata?.namespace ?? 'default';
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter(Boolean);
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  for (const ip of ips) {
    out += sub
      ? `${ip}\t${hostname}.${sub}.${ns}.svc.${clusterDomain}\t${hostname}\n`
      : `${ip}\t${hostname}\n`;
  }
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length > 0) {
    out += '\n# Entries added by HostAliases.\n';
    for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  }
  return out;
}

/** The node's own resolver configuration, as kubelet reads it for dnsPolicy Default. */
export const NODE_RESOLV = { nameservers: [NODE_UPSTREAM_DNS], searches: [] as string[] };

/**
 * `/etc/resolv.conf` for the pod's dnsPolicy: ClusterFirst (the default) points at the cluster
 * DNS with the namespace's search path and ndots:5; Default copies the node's; None takes only
 * dnsConfig; dnsConfig is merged into the others. A hostNetwork pod with ClusterFirst gets the
 * node's (only ClusterFirstWithHostNet gives it the cluster's).
 */
export function resolvConf(pod: Pod, clusterDomain = 'cluster.local'): string {
  const spec = pod.spec;
  let policy = spec?.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && spec?.hostNetwork) policy = 'Default';
  let nameservers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') {
    const ns = pod.metadata?.namespace ?? 'default';
    nameservers = [CLUSTER_DNS_IP];
    searches = [
      `${ns}.svc.${clusterDomain}`,
      `svc.${clusterDomain}`,
      clusterDomain,
      ...NODE_RESOLV.searches,
    ];
    options = ['ndots:5'];
  } else if (policy === 'Default') {
    nameservers = [...NODE_RESOLV.nameservers];
    searches = [...NODE_RESOLV.searches];
  }
  const cfg = spec?.dnsConfig;
  if (cfg) {
    for (const n of cfg.nameservers ?? []) if (!nameservers.includes(n)) nameservers.push(n);
    for (const s of cfg.searches ?? []) if (!searches.includes(s)) searches.push(s);
    for (const o of cfg.options ?? []) {
      const name = o.name ?? '';
      const text = o.value !== undefined ? `${name}:${o.value}` : name;
      const i = options.findIndex((x) => x.split(':')[0] === name);
      if (i >= 0) options[i] = text;
      else options.push(text);
    }
  }
  nameservers = nameservers.slice(0, 3);
  let out = '';
  if (searches.length > 0) out += `search ${searches.join(' ')}\n`;
  if (nameservers.length > 0) out += `nameserver ${nameservers.join('\nnameserver ')}\n`;
  if (options.length > 0) out += `options ${options.join(' ')}\n`;
  return out;
}

/** envvars.go makeEnvVariableName: upper case, `-` and `.` to `_`, a leading digit gets `_`. */
function envName(name: string): string {
  const n = name.replace(/[.-]/g, '_').toUpperCase();
  return /^[0-9]/.test(n) ? `_${n}` : n;
}

/** FromServices for one service: HOST, PORT, named ports, then the Docker link variables. */
function serviceVars(svc: Service): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const ip = svc.spec?.clusterIP ?? '';
  const ports = svc.spec?.ports ?? [];
  const prefix = envName(svc.metadata?.name ?? '');
  out.push([`${prefix}_SERVICE_HOST`, ip]);
  const first = ports[0];
  if (first) out.push([`${prefix}_SERVICE_PORT`, String(first.port)]);
  for (const p of ports) {
    if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  }
  ports.forEach((p, i) => {
    const proto = (p.protocol ?? 'TCP').toLowerCase();
    const url = `${proto}://${ip}:${p.port}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push([pp, url], [`${pp}_PROTO`, proto], [`${pp}_PORT`, String(p.port)], [`${pp}_ADDR`, ip]);
  });
  return out;
}

const isServiceIPSet = (s: Service): boolean => {
  const ip = s.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
};

/**
 * The service variables a container started at `startedAtMs` was given (getServiceEnvVarMap):
 * every service of the pod's namespace that had a cluster IP then (unless enableServiceLinks is
 * false), and always the `kubernetes` service of the default namespace.
 */
export function serviceEnvironment(
  store: ApiStore,
  pod: Pod,
  startedAtMs: number,
): Array<[string, string]> {
  const ns = pod.metadata?.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks !== false;
  const existed = (s: Service): boolean =>
    isServiceIPSet(s) && parseTimestamp(s.metadata?.creationTimestamp ?? '') <= startedAtMs;
  const byName = new Map<string, Service>();
  const master = store.get<Stored<Service>>('Service', 'default', 'kubernetes');
  if (master && existed(master)) byName.set('kubernetes', master);
  if (links) {
    for (const s of store.list<Stored<Service>>('Service', {
      namespace: ns,
    })) {
      if (existed(s)) byName.set(s.metadata.name ?? '', s);
    }
  }
  const names = [...byName.keys()].sort();
  return names.flatMap((n) => serviceVars(byName.get(n) as Service));
}

/** The ENV lines an image's Dockerfile sets (the ones learners notice in `env`). */
export function imageEnvironment(ref: ImageRef | undefined): Array<[string, string]> {
  const entry = ref ? lookupImage(ref) : undefined;
  switch (entry?.id) {
    case 'nginx': {
      const alpine = (ref?.tag ?? '').includes('alpine');
      return [
        ['NGINX_VERSION', nginxVersion(ref as ImageRef)],
        ['NJS_VERSION', '0.8.4'],
        ...(alpine ? [] : ([['NJS_RELEASE', '2~bookworm']] as Array<[string, string]>)),
        ['PKG_RELEASE', alpine ? '1' : '1~bookworm'],
      ];
    }
    case 'httpd':
      return [
        ['HTTPD_PREFIX', '/usr/local/apache2'],
        ['HTTPD_VERSION', '2.4.59'],
        ['HTTPD_SHA256', 'ec51501ec480284ff52f637258135d333230a7d229c3afa6f6c2f9040e321323'],
        ['HTTPD_PATCHES', ''],
      ];
    case 'redis':
      return [
        ['GOSU_VERSION', '1.17'],
        ['REDIS_VERSION', '7.2.5'],
        ['REDIS_DOWNLOAD_URL', 'http://download.redis.io/releases/redis-7.2.5.tar.gz'],
        ['REDIS_DOWNLOAD_SHA', '5981179706f8391f03be91d951acafaeda91af7fac56beffb2701963103e423d'],
      ];
    case 'memcached':
      return [
        ['MEMCACHED_VERSION', '1.6.29'],
        ['MEMCACHED_URL', 'https://memcached.org/files/memcached-1.6.29.tar.gz'],
      ];
    default:
      return [];
  }
}

/** PATH as the image sets it. */
export function imagePath(ref: ImageRef | undefined): string {
  const entry = ref ? lookupImage(ref) : undefined;
  if (entry?.id === 'httpd') return `/usr/local/apache2/bin:${DEFAULT_PATH}`;
  return DEFAULT_PATH;
}

type FieldPod = Pod & { metadata: NonNullable<Pod['metadata']> };

/** A `fieldRef` value (the downward API). */
function fieldRefValue(pod: FieldPod, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m)
    return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2] ?? ''] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (pod.status?.podIPs ?? []).map((p) => p.ip).join(',');
    default:
      return '';
  }
}

function decodeBase64(s: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const bytes: number[] = [];
  let buf = 0;
  let bits = 0;
  for (const c of s.replace(/[^A-Za-z0-9+/]/g, '')) {
    buf = (buf << 6) | alphabet.indexOf(c);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buf >> bits) & 0xff);
    }
  }
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x80) out += String.fromCharCode(b);
    else if (b >= 0xc0 && b < 0xe0)
      out += String.fromCharCode(((b & 0x1f) << 6) | ((bytes[++i] ?? 0) & 0x3f));
    else if (b >= 0xe0 && b < 0xf0)
      out += String.fromCharCode(
        ((b & 0x0f) << 12) | (((bytes[++i] ?? 0) & 0x3f) << 6) | ((bytes[++i] ?? 0) & 0x3f),
      );
    else out += '\ufffd';
  }
  return out;
}

type DataObject = { data?: Record<string, string>; stringData?: Record<string, string> };

/**
 * The container's own variables (envFrom, then env in order), `$(VAR)` references expanded
 * against earlier variables and the service variables, as kubelet's makeEnvironmentVariables.
 */
export function containerVariables(
  store: ApiStore,
  pod: Pod,
  container: Container,
  services: ReadonlyArray<[string, string]>,
): Array<[string, string]> {
  const ns = pod.metadata?.namespace ?? 'default';
  const vars = new Map<string, string>();
  const lookup = (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> => {
    const obj: DataObject | undefined = store.get<Stored<DataObject>>(kind, ns, name);
    if (!obj) return {};
    if (kind === 'ConfigMap') return { ...(obj.data ?? {}) };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj.data ?? {})) out[k] = decodeBase64(v);
    for (const [k, v] of Object.entries(obj.stringData ?? {})) out[k] = v;
    return out;
  };
  for (const src of container.envFrom ?? []) {
    const prefix = src.prefix ?? '';
    const data = src.configMapRef
      ? lookup('ConfigMap', src.configMapRef.name ?? '')
      : src.secretRef
        ? lookup('Secret', src.secretRef.name ?? '')
        : {};
    for (const [k, v] of Object.entries(data)) vars.set(prefix + k, v);
  }
  const serviceMap = new Map(services);
  const expand = (s: string): string =>
    s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
      if (m === '$$') return '$';
      const v = vars.get(name ?? '') ?? serviceMap.get(name ?? '');
      return v ?? m;
    });
  for (const e of container.env ?? []) vars.set(e.name, envValue(e));
  function envValue(e: EnvVar): string {
    if (e.value !== undefined) return expand(e.value);
    const from = e.valueFrom;
    if (from?.fieldRef) return fieldRefValue(pod as FieldPod, from.fieldRef.fieldPath);
    if (from?.configMapKeyRef)
      return lookup('ConfigMap', from.configMapKeyRef.name ?? '')[from.configMapKeyRef.key] ?? '';
    if (from?.secretKeyRef)
      return lookup('Secret', from.secretKeyRef.name ?? '')[from.secretKeyRef.key] ?? '';
    return '';
  }
  return [...vars];
}

/**
 * The environment of a process exec'd into the container (`kubectl exec POD -- env`): PATH,
 * HOSTNAME, TERM with a tty, the image's ENV, the container's variables, the service variables
 * the container started with, HOME.
 */
export function processEnvironment(opts: {
  store: ApiStore;
  pod: Pod;
  container: Container;
  ref: ImageRef | undefined;
  startedAtMs: number;
  tty: boolean;
}): Array<[string, string]> {
  const { store, pod, container, ref, startedAtMs, tty } = opts;
  const services = serviceEnvironment(store, pod, startedAtMs);
  const own = containerVariables(store, pod, container, services);
  const env = new Map<string, string>();
  env.set('PATH', imagePath(ref));
  env.set('HOSTNAME', podHostname(pod));
  if (tty) env.set('TERM', 'xterm');
  for (const [k, v] of imageEnvironment(ref)) env.set(k, v);
  for (const [k, v] of own) env.set(k, v);
  for (const [k, v] of services) if (!env.has(k)) env.set(k, v);
  if (!env.has('HOME')) env.set('HOME', '/root');
  return [...env];
}
