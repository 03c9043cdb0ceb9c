/**
 * Defaulting: the fields the API server fills in before it validates and stores an object, so
 * that `kubectl get -o yaml` shows `imagePullPolicy: Always`, `restartPolicy: Always`,
 * `strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}` and the
 * rest of what a learner did not write.
 *
 * Models, for v1.30:
 *  - pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec, _Pod, _Container, _Probe, _HTTPGetAction,
 *    _Service, _Secret, _Volume and the volume sources, _Namespace, _NamespaceStatus, _Endpoints,
 *    _ObjectFieldSelector) plus the `+default=` markers of the types (ContainerPort.protocol TCP);
 *  - pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment, _ReplicaSet, _DaemonSet);
 *  - pkg/apis/discovery/v1/defaults.go (EndpointPort name "" and protocol TCP);
 *  - pkg/apis/networking/v1/defaults.go (IngressClass parameters scope);
 *  - the admission plugins that mutate every Pod: ServiceAccount (serviceAccountName `default`),
 *    DefaultTolerationSeconds (not-ready / unreachable NoExecute for 300 s), Priority (priority 0
 *    or the system class value, preemptionPolicy PreemptLowerPriority) and DefaultIngressClass;
 *  - the registry strategies' PrepareForCreate status resets (Pod `Pending` + qosClass, Namespace
 *    `Active`, empty status for workloads, `loadBalancer: {}` for Services and Ingresses).
 *
 * Deliberately left to others: ClusterIP/NodePort allocation and the ipFamilies/ipFamilyPolicy
 * initialisation that goes with it (service-allocation.ts); the ServiceAccount admission's
 * account lookup and projected token volume `kube-api-access-xxxxx`
 * (serviceaccount-admission.ts); InPlacePodVerticalScaling's resizePolicy (alpha, off).
 *
 * Defaulting is idempotent and runs on create and on update, so re-applying an unchanged manifest
 * produces the stored object again and the store sees a no-op.
 */
import { utf8Bytes } from '../sim/utf8';
import type { ApiStore } from './store';
import { tryParseQuantity } from './quantity';
import type { KObject } from './types';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object at `o[k]`, created when absent (only if `o[k]` is not something else). */
function child(o: Obj, k: string): Obj | undefined {
  const v = o[k];
  if (v === undefined || v === null) {
    const fresh: Obj = {};
    o[k] = fresh;
    return fresh;
  }
  return isObj(v) ? v : undefined;
}

function objectsIn(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** Set `o[k] = value` when it is unset (undefined, null or the empty string, as Go's zero value). */
function def(o: Obj, k: string, value: unknown): void {
  const v = o[k];
  if (v === undefined || v === null || v === '') o[k] = value;
}

// -------------------------------------------------------------------------------- containers

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
/** distribution/reference's grammar, enough to tell a tag from a digest from garbage. */
const IMAGE_RE = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?` +
    `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*` +
    '(?::([\\w][\\w.-]{0,127}))?' +
    '(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}))?$',
);

/**
 * The tag kubelet's parsers.ParseImageName would report: `latest` when neither tag nor digest is
 * given, '' for a digest-only or unparsable reference.
 */
export function imageTag(image: string): string {
  const m = IMAGE_RE.exec(image);
  if (!m) return '';
  const tag = m[1] ?? '';
  const digest = m[2] ?? '';
  return tag === '' && digest === '' ? 'latest' : tag;
}

function defaultHTTPGet(h: unknown): void {
  if (!isObj(h)) return;
  def(h, 'path', '/');
  def(h, 'scheme', 'HTTP');
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  // Go's zero value means unset: 0 is replaced too.
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHTTPGet(p.httpGet);
  if (isObj(p.grpc)) def(p.grpc, 'service', '');
}

function defaultLifecycle(l: unknown): void {
  if (!isObj(l)) return;
  for (const k of ['postStart', 'preStop']) if (isObj(l[k])) defaultHTTPGet((l[k] as Obj).httpGet);
}

function defaultEnv(env: unknown): void {
  for (const e of objectsIn(env)) {
    const from = e.valueFrom;
    if (isObj(from) && isObj(from.fieldRef)) def(from.fieldRef, 'apiVersion', 'v1');
  }
}

/** SetDefaults_Container plus what its nested types default. */
export function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) {
    c.imagePullPolicy =
      imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  def(c, 'terminationMessagePath', '/dev/termination-log');
  def(c, 'terminationMessagePolicy', 'File');
  for (const p of objectsIn(c.ports)) def(p, 'protocol', 'TCP');
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycle(c.lifecycle);
  defaultEnv(c.env);
  // A non-pointer struct upstream: it always serialises, as `resources: {}` when empty.
  if (c.resources === undefined || c.resources === null) c.resources = {};
}

function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
  if (sources.length === 0) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    if (isObj(v[k])) def(v[k] as Obj, 'defaultMode', 420); // 0644
  }
  if (isObj(v.hostPath)) def(v.hostPath, 'type', '');
  if (isObj(v.downwardAPI)) {
    for (const item of objectsIn(v.downwardAPI.items))
      if (isObj(item.fieldRef)) def(item.fieldRef, 'apiVersion', 'v1');
  }
  if (isObj(v.projected)) {
    for (const src of objectsIn(v.projected.sources)) {
      if (isObj(src.serviceAccountToken)) def(src.serviceAccountToken, 'expirationSeconds', 3600);
      if (isObj(src.downwardAPI))
        for (const item of objectsIn(src.downwardAPI.items))
          if (isObj(item.fieldRef)) def(item.fieldRef, 'apiVersion', 'v1');
    }
  }
}

/**
 * SetDefaults_PodSpec and everything nested. Applies to Pods and to every pod template; the
 * Pod-only defaults are in defaultPod.
 */
export function defaultPodSpec(spec: Obj): void {
  def(spec, 'dnsPolicy', 'ClusterFirst');
  def(spec, 'restartPolicy', 'Always');
  if (spec.securityContext === undefined || spec.securityContext === null)
    spec.securityContext = {};
  if (
    spec.terminationGracePeriodSeconds === undefined ||
    spec.terminationGracePeriodSeconds === null
  )
    spec.terminationGracePeriodSeconds = 30;
  def(spec, 'schedulerName', 'default-scheduler');
  // v1 conversion keeps the deprecated serviceAccount mirrored with serviceAccountName.
  if (spec.serviceAccountName && !spec.serviceAccount)
    spec.serviceAccount = spec.serviceAccountName;
  else if (spec.serviceAccount && !spec.serviceAccountName)
    spec.serviceAccountName = spec.serviceAccount;
  for (const c of objectsIn(spec.containers)) defaultContainer(c);
  for (const c of objectsIn(spec.initContainers)) defaultContainer(c);
  for (const c of objectsIn(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of objectsIn(spec.volumes)) defaultVolume(v);
}

function defaultTemplate(spec: Obj): void {
  const template = child(spec, 'template');
  if (!template) return;
  const podSpec = child(template, 'spec');
  if (podSpec) defaultPodSpec(podSpec);
}

// -------------------------------------------------------------------------------- pods

/** SetDefaults_Pod: the defaults that only materialise on Pods, not on templates. */
export function defaultPod(pod: KObject): void {
  const spec = child(pod, 'spec');
  if (!spec) return;
  defaultPodSpec(spec);
  for (const key of ['containers', 'initContainers']) {
    for (const c of objectsIn(spec[key])) {
      // Limits without requests: the requests default to the limits.
      const res = c.resources;
      if (!isObj(res) || !isObj(res.limits)) continue;
      const requests = child(res, 'requests');
      if (!requests) continue;
      for (const [name, q] of Object.entries(res.limits))
        if (!Object.hasOwn(requests, name)) requests[name] = q;
    }
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null)
    spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers'])
      for (const c of objectsIn(spec[key]))
        for (const p of objectsIn(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
  }
}

/** plugin/pkg/admission/defaulttolerationseconds: 300 s for not-ready and unreachable. */
const DEFAULT_TOLERATIONS = [
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
] as const;

export function admitDefaultTolerationSeconds(spec: Obj): void {
  const list = objectsIn(spec.tolerations);
  const tolerates = (key: string): boolean =>
    list.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  const add = DEFAULT_TOLERATIONS.filter((k) => !tolerates(k));
  if (add.length === 0) return;
  const existing = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  spec.tolerations = [
    ...existing,
    ...add.map((key) => ({
      key,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 300,
    })),
  ];
}

/** The two PriorityClasses every cluster has (pkg/apis/scheduling SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/**
 * plugin/pkg/admission/priority on create: resolve priorityClassName to a number. Returns the
 * reason to refuse the pod (the plugin's Forbidden text), or undefined.
 * Simplified: PriorityClass objects are not served, so only the system classes exist and there
 * is no globalDefault class.
 */
export function admitPriority(spec: Obj): string | undefined {
  const className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  let priority = 0;
  if (className) {
    const p = Object.hasOwn(SYSTEM_PRIORITY_CLASSES, className)
      ? SYSTEM_PRIORITY_CLASSES[className]
      : undefined;
    if (p === undefined) return `no PriorityClass with name ${className} was found`;
    priority = p;
  }
  if (typeof spec.priority === 'number' && spec.priority !== priority) {
    return `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`;
  }
  spec.priority = priority;
  def(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  return undefined;
}

/** plugin/pkg/admission/serviceaccount: every pod runs as a service account, `default` if none. */
export function admitServiceAccount(spec: Obj): void {
  if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
  if (!spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
}

/** pkg/apis/core/helper/qos GetPodQOS (requests already defaulted from limits). */
export function podQOSClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...objectsIn(spec.containers), ...objectsIn(spec.initContainers)];
  let anyRequest = false;
  let guaranteed = true;
  for (const c of containers) {
    const res = isObj(c.resources) ? c.resources : {};
    const requests = isObj(res.requests) ? res.requests : {};
    const limits = isObj(res.limits) ? res.limits : {};
    const relevant = (m: Obj): string[] =>
      Object.keys(m).filter((k) => k === 'cpu' || k === 'memory' || k.startsWith('hugepages-'));
    const isZero = (q: unknown): boolean => tryParseQuantity(q)?.nanos === 0n;
    for (const k of relevant(requests)) if (!isZero(requests[k])) anyRequest = true;
    for (const k of relevant(limits)) if (!isZero(limits[k])) anyRequest = true;
    for (const k of ['cpu', 'memory']) {
      const l = tryParseQuantity(limits[k]);
      const r = tryParseQuantity(requests[k]);
      if (!l || !r || l.nanos !== r.nanos) guaranteed = false;
    }
  }
  if (!anyRequest) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// -------------------------------------------------------------------------------- workloads

function intOrStringUnset(v: unknown): boolean {
  return v === undefined || v === null;
}

/** apps/v1 SetDefaults_Deployment. */
export function defaultDeployment(obj: KObject): void {
  const spec = child(obj, 'spec');
  if (!spec) return;
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  const strategy = child(spec, 'strategy');
  if (strategy) {
    def(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        if (intOrStringUnset(ru.maxUnavailable)) ru.maxUnavailable = '25%';
        if (intOrStringUnset(ru.maxSurge)) ru.maxSurge = '25%';
      }
    }
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null)
    spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null)
    spec.progressDeadlineSeconds = 600;
  defaultTemplate(spec);
}

/** apps/v1 SetDefaults_ReplicaSet. */
export function defaultReplicaSet(obj: KObject): void {
  const spec = child(obj, 'spec');
  if (!spec) return;
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultTemplate(spec);
}

/** apps/v1 SetDefaults_DaemonSet. */
export function defaultDaemonSet(obj: KObject): void {
  const spec = child(obj, 'spec');
  if (!spec) return;
  const strategy = child(spec, 'updateStrategy');
  if (strategy) {
    def(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        if (intOrStringUnset(ru.maxUnavailable)) ru.maxUnavailable = 1;
        if (intOrStringUnset(ru.maxSurge)) ru.maxSurge = 0;
      }
    }
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null)
    spec.revisionHistoryLimit = 10;
  defaultTemplate(spec);
}

// -------------------------------------------------------------------------------- services

/** service.ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs. */
export function externallyAccessible(spec: Obj): boolean {
  return (
    spec.type === 'LoadBalancer' ||
    spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0)
  );
}

/** core/v1 SetDefaults_Service. ClusterIPs, NodePorts and IP families are allocation's. */
export function defaultService(obj: KObject): void {
  const spec = child(obj, 'spec');
  if (!spec) return;
  def(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    const clientIP = isObj(cfg) ? cfg.clientIP : undefined;
    const timeout = isObj(clientIP) ? clientIP.timeoutSeconds : undefined;
    if (timeout === undefined || timeout === null)
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  def(spec, 'type', 'ClusterIP');
  for (const p of objectsIn(spec.ports)) {
    def(p, 'protocol', 'TCP');
    // intstr.FromInt32(0) and FromString("") both count as unset.
    if (
      p.targetPort === undefined ||
      p.targetPort === null ||
      p.targetPort === 0 ||
      p.targetPort === ''
    )
      p.targetPort = p.port;
  }
  if (externallyAccessible(spec)) def(spec, 'externalTrafficPolicy', 'Cluster');
  if (
    (spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) &&
    (spec.type === 'ClusterIP' || spec.type === 'NodePort' || spec.type === 'LoadBalancer')
  )
    spec.internalTrafficPolicy = 'Cluster';
  if (
    spec.type === 'LoadBalancer' &&
    (spec.allocateLoadBalancerNodePorts === undefined ||
      spec.allocateLoadBalancerNodePorts === null)
  )
    spec.allocateLoadBalancerNodePorts = true;
}

// -------------------------------------------------------------------------------- the rest

/** SetDefaults_Namespace: the `kubernetes.io/metadata.name` label, re-added on every write. */
export function defaultNamespace(obj: KObject): void {
  const name = obj.metadata?.name;
  if (!name) return;
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
}

/** SetDefaults_Secret, and the v1 conversion that folds write-only `stringData` into `data`. */
export function defaultSecret(obj: KObject): void {
  def(obj, 'type', 'Opaque');
  if (isObj(obj.stringData)) {
    const data = isObj(obj.data) ? obj.data : {};
    for (const [k, v] of Object.entries(obj.stringData))
      if (typeof v === 'string') data[k] = base64Encode(v);
    obj.data = data;
    delete obj.stringData;
  }
}

export function defaultEndpoints(obj: KObject): void {
  for (const ss of objectsIn(obj.subsets))
    for (const p of objectsIn(ss.ports)) def(p, 'protocol', 'TCP');
}

export function defaultEndpointSlice(obj: KObject): void {
  for (const p of objectsIn(obj.ports)) {
    if (p.name === undefined || p.name === null) p.name = '';
    def(p, 'protocol', 'TCP');
  }
}

export function defaultIngressClass(obj: KObject): void {
  const spec = obj.spec;
  if (isObj(spec) && isObj(spec.parameters)) def(spec.parameters, 'scope', 'Cluster');
}

/**
 * plugin/pkg/admission/network/defaultingressclass: an Ingress without a class gets the
 * IngressClass annotated `ingressclass.kubernetes.io/is-default-class: "true"` (the newest, if
 * several are). The legacy `kubernetes.io/ingress.class` annotation opts out.
 */
export function admitDefaultIngressClass(obj: KObject, store: ApiStore | undefined): void {
  if (!store) return;
  const spec = child(obj, 'spec');
  if (!spec || spec.ingressClassName) return;
  if (obj.metadata.annotations?.['kubernetes.io/ingress.class'] !== undefined) return;
  let chosen: KObject | undefined;
  for (const ic of store.list('IngressClass')) {
    if (ic.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] !== 'true')
      continue;
    if (
      !chosen ||
      (ic.metadata.creationTimestamp ?? '') > (chosen.metadata.creationTimestamp ?? '')
    )
      chosen = ic;
  }
  if (chosen?.metadata.name) spec.ingressClassName = chosen.metadata.name;
}

/** Defaulting shared by create and update (the scheme's defaulters run on every decode). */
export function applyDefaults(obj: KObject): void {
  switch (obj.kind) {
    case 'Pod':
      defaultPod(obj);
      break;
    case 'Deployment':
      defaultDeployment(obj);
      break;
    case 'ReplicaSet':
      defaultReplicaSet(obj);
      break;
    case 'DaemonSet':
      defaultDaemonSet(obj);
      break;
    case 'Service':
      defaultService(obj);
      break;
    case 'Namespace':
      defaultNamespace(obj);
      break;
    case 'Secret':
      defaultSecret(obj);
      break;
    case 'Endpoints':
      defaultEndpoints(obj);
      break;
    case 'EndpointSlice':
      defaultEndpointSlice(obj);
      break;
    case 'IngressClass':
      defaultIngressClass(obj);
      break;
  }
}

// -------------------------------------------------------------------------------- base64

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 of the UTF-8 bytes of `s` (what Go's []byte JSON encoding writes). */
export function base64Encode(s: string): string {
  const bytes = utf8Bytes(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += B64[a >> 2]!;
    out += B64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    out += b === undefined ? '=' : B64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    out += c === undefined ? '=' : B64[c & 63]!;
  }
  return out;
}

/**
 * The offset encoding/base64 (StdEncoding) reports in `illegal base64 data at input byte N` for the
 * first problem in `s`, or -1 if it decodes. Newlines, which Go skips, are not counted here.
 */
export function base64ErrorOffset(s: string): number {
  const clean = s.replace(/[\r\n]/g, '');
  const len = clean.length;
  let i = 0;
  while (i < len && clean[i] !== '=') {
    if (!B64.includes(clean[i]!)) return i;
    i++;
  }
  const rem = i % 4;
  if (i === len) return rem === 0 ? -1 : i - rem; // a short final quantum needs its padding
  if (rem === 0 || rem === 1) return i; // padding where none can be
  if (rem === 2) {
    if (i + 1 >= len) return len; // "==" expected, one given
    if (clean[i + 1] !== '=') return i;
    i += 2;
  } else {
    i += 1;
  }
  return i < len ? i : -1; // anything after the padding
}
