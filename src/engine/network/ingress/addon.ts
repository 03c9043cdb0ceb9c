/**
 * The ingress-nginx addon: the objects `playground addons enable ingress-nginx` creates, as
 * ordinary API objects a learner can `kubectl get` and `describe`, and removes again on disable.
 *
 * Models ingress-nginx's deploy manifests for controller-v1.10.1
 * (deploy/static/provider/baremetal/deploy.yaml: a NodePort Service, nodes' addresses as the
 * Ingresses' ADDRESS; deploy/static/provider/cloud/deploy.yaml when the playground's cloud load
 * balancer is on: a LoadBalancer Service with externalTrafficPolicy Local, and
 * `--publish-service` so that ADDRESS is the load balancer's IP), with two changes minikube's
 * ingress addon makes too: the IngressClass `nginx` is the cluster's default
 * (`ingressclass.kubernetes.io/is-default-class: "true"`, so Ingresses without a class get it) and
 * the controller runs with `--watch-ingress-without-class=true`.
 *
 * Trimmed, because the simulation has no use for them: the RBAC objects (Roles, ClusterRoles and
 * their bindings: the API server here authorizes everything), and the validating admission
 * webhook — its Service `ingress-nginx-controller-admission`, the two `kube-webhook-certgen`
 * Jobs, the ValidatingWebhookConfiguration, the controller's `--validating-webhook*` flags, its
 * port 8443 and the `webhook-cert` volume. So an Ingress that real ingress-nginx would refuse at
 * admission is stored here; the controller then ignores what it cannot serve.
 */
import type { KObject } from '../../api/types';
import type { ClusterContext } from '../../context';
import { DEFAULT_CONTROLLER_CLASS, DEFAULT_INGRESS_CLASS, isControllerPod } from './config';
import type { StoredPod } from './config';
import { isPodReady } from '../../controllers/pod-util';
import { ApiError } from '../../api/errors';

export const ADDON_NAME = 'ingress-nginx';
export const ADDON_NAMESPACE = 'ingress-nginx';
export const CONTROLLER_NAME = 'ingress-nginx-controller';
export const CONTROLLER_VERSION = '1.10.1';
/** The image as the v1.10.1 manifests pin it (tag and digest). */
export const CONTROLLER_IMAGE =
  'registry.k8s.io/ingress-nginx/controller:v1.10.1@sha256:e24f39d3eed6bcc239a56f20098878845f62baa34b9f2be2fd2c38ce9fb0f29e';
const ACTOR = 'playground';

const SELECTOR = {
  'app.kubernetes.io/component': 'controller',
  'app.kubernetes.io/instance': 'ingress-nginx',
  'app.kubernetes.io/name': 'ingress-nginx',
};
const LABELS = {
  ...SELECTOR,
  'app.kubernetes.io/part-of': 'ingress-nginx',
  'app.kubernetes.io/version': CONTROLLER_VERSION,
};

const meta = (name: string, labels: Record<string, string>, namespaced = true) => ({
  name,
  ...(namespaced ? { namespace: ADDON_NAMESPACE } : {}),
  labels: { ...labels },
});

const probe = (failureThreshold: number) => ({
  failureThreshold,
  httpGet: { path: '/healthz', port: 10254, scheme: 'HTTP' },
  initialDelaySeconds: 10,
  periodSeconds: 10,
  successThreshold: 1,
  timeoutSeconds: 1,
});

/** The addon's objects, in the order the manifest lists (and kubectl applies) them. */
export function addonObjects(opts: { loadBalancer: boolean }): KObject[] {
  const args = [
    '/nginx-ingress-controller',
    ...(opts.loadBalancer ? ['--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller'] : []),
    '--election-id=ingress-nginx-leader',
    `--controller-class=${DEFAULT_CONTROLLER_CLASS}`,
    `--ingress-class=${DEFAULT_INGRESS_CLASS}`,
    '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller',
    '--watch-ingress-without-class=true',
    '--enable-metrics=false',
  ];
  const controllerLabels = { ...LABELS };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(
        ADDON_NAMESPACE,
        {
          'app.kubernetes.io/instance': 'ingress-nginx',
          'app.kubernetes.io/name': 'ingress-nginx',
        },
        false,
      ),
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta('ingress-nginx', controllerLabels),
      automountServiceAccountToken: true,
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(CONTROLLER_NAME, controllerLabels),
      data: { 'allow-snippet-annotations': 'false' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(CONTROLLER_NAME, controllerLabels),
      spec: {
        ...(opts.loadBalancer ? { externalTrafficPolicy: 'Local' } : {}),
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        ports: [
          { appProtocol: 'http', name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
          { appProtocol: 'https', name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' },
        ],
        selector: { ...SELECTOR },
        type: opts.loadBalancer ? 'LoadBalancer' : 'NodePort',
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(CONTROLLER_NAME, controllerLabels),
      spec: {
        minReadySeconds: 0,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { ...SELECTOR } },
        strategy: { rollingUpdate: { maxUnavailable: 1 }, type: 'RollingUpdate' },
        template: {
          metadata: { labels: { ...LABELS } },
          spec: {
            containers: [
              {
                args,
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                  { name: 'LD_PRELOAD', value: '/usr/local/lib/libmimalloc.so' },
                ],
                image: CONTROLLER_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                lifecycle: { preStop: { exec: { command: ['/wait-shutdown'] } } },
                livenessProbe: probe(5),
                name: 'controller',
                ports: [
                  { containerPort: 80, name: 'http', protocol: 'TCP' },
                  { containerPort: 443, name: 'https', protocol: 'TCP' },
                ],
                readinessProbe: probe(3),
                resources: { requests: { cpu: '100m', memory: '90Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
                  readOnlyRootFilesystem: false,
                  runAsNonRoot: true,
                  runAsUser: 101,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
              },
            ],
            dnsPolicy: 'ClusterFirst',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            serviceAccountName: 'ingress-nginx',
            terminationGracePeriodSeconds: 300,
          },
        },
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        ...meta(DEFAULT_INGRESS_CLASS, controllerLabels, false),
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
      spec: { controller: DEFAULT_CONTROLLER_CLASS },
    },
  ];
}

/** Enabled: its controller Deployment exists (what `playground addons list` shows). */
export function addonEnabled(ctx: ClusterContext): boolean {
  return ctx.store.get('Deployment', ADDON_NAMESPACE, CONTROLLER_NAME) !== undefined;
}

/** Whether a controller pod of the addon is Ready (what enabling waits for). */
export function addonReady(ctx: ClusterContext): boolean {
  return ctx.store
    .list<StoredPod>('Pod', { namespace: ADDON_NAMESPACE })
    .some((p) => isControllerPod(p) && !p.metadata.deletionTimestamp && isPodReady(p));
}

/**
 * Create what is missing of the addon's objects, as `kubectl apply` of the manifest would
 * (objects that exist are left as they are). Returns the objects created.
 */
export function installAddon(ctx: ClusterContext, opts: { loadBalancer: boolean }): KObject[] {
  const created: KObject[] = [];
  for (const obj of addonObjects(opts)) {
    const ns = obj.metadata.namespace;
    if (ctx.store.get(obj.kind, ns, obj.metadata.name ?? '')) continue;
    created.push(ctx.store.create(obj, { actor: ACTOR, transfer: true }));
  }
  return created;
}

/**
 * Delete the addon's objects, as `kubectl delete -f` of the manifest would, in the manifest's
 * order: the Namespace first (the namespace controller then empties it), each object (its
 * dependents go with the garbage collector), the IngressClass last. Returns how many were deleted.
 */
export function uninstallAddon(ctx: ClusterContext): number {
  let n = 0;
  for (const obj of addonObjects({ loadBalancer: false })) {
    try {
      ctx.store.delete(obj.kind, obj.metadata.namespace, obj.metadata.name ?? '', {
        actor: ACTOR,
      });
      n++;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
  }
  return n;
}
