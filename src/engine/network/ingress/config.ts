/**
 * What an ingress-nginx controller is, as the rest of the simulation finds it: a pod whose
 * container runs `registry.k8s.io/ingress-nginx/controller` (the workloads catalogue's
 * `ingress-nginx-controller`), configured by its command-line flags, and the Ingresses it takes
 * as its own.
 *
 * Models ingress-nginx v1.10 cmd/nginx/flags.go (the flags read here, with their defaults) and
 * internal/ingress/controller/store/store.go GetIngressClass: an Ingress belongs to this
 * controller when its `spec.ingressClassName` names an IngressClass whose `spec.controller` is
 * the controller's `--controller-class`; else when its legacy `kubernetes.io/ingress.class`
 * annotation equals `--ingress-class`; else, having no class at all, only with
 * `--watch-ingress-without-class`. The controller's nginx serves them in the order of their
 * creation (store.go's sortIngressSlice: creationTimestamp, then namespace/name), which decides
 * which of two Ingresses claiming the same host and path wins.
 *
 * Left out: `--watch-namespace` (every namespace is watched), `--ingress-class-by-name`.
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1';
import type { ApiStore } from '../../api/store';
import type { KObject } from '../../api/types';
import { lookupImage } from '../../workloads/catalog';
import { parseImageRef } from '../../workloads/image-ref';

export type StoredIngress = Ingress & KObject;
export type StoredPod = Pod & KObject;

/** The catalogue entry of the controller image. */
export const CONTROLLER_IMAGE_ID = 'ingress-nginx-controller';
/** `--controller-class`'s default, and what the addon's IngressClass names. */
export const DEFAULT_CONTROLLER_CLASS = 'k8s.io/ingress-nginx';
export const DEFAULT_INGRESS_CLASS = 'nginx';
/** The legacy annotation that predates spec.ingressClassName. */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The controller's flags that shape what it serves and publishes. */
export interface ControllerConfig {
  /** `--ingress-class`: the legacy annotation value it answers to. */
  ingressClass: string;
  /** `--controller-class`: the IngressClass `spec.controller` it implements. */
  controllerClass: string;
  /** `--watch-ingress-without-class`. */
  watchWithoutClass: boolean;
  /** `--publish-service` (`namespace/name`), its `$(POD_NAMESPACE)` expanded. */
  publishService?: string;
  /** `--publish-status-address`. */
  publishStatusAddress?: string;
}

/** Whether a container image is the ingress-nginx controller (cheap test first: every pod passes here). */
function isControllerImage(image: string | undefined): boolean {
  if (!image || !image.includes('ingress-nginx/controller')) return false;
  const parsed = parseImageRef(image);
  return parsed.ok && lookupImage(parsed.ref)?.id === CONTROLLER_IMAGE_ID;
}

/** The pod's container that runs the controller, if any. */
export function controllerContainer(
  pod: Pod,
): NonNullable<Pod['spec']>['containers'][number] | undefined {
  for (const c of pod.spec?.containers ?? []) if (isControllerImage(c.image)) return c;
  return undefined;
}

export function isControllerPod(pod: Pod): boolean {
  return controllerContainer(pod) !== undefined;
}

/**
 * The controller's flags, from its container's args (command + args as the kubelet runs them;
 * `$(POD_NAMESPACE)` and `$(POD_NAME)` expanded as the kubelet expands them from the env).
 * Go's flag package: `--name=value`, `--name value`, and bare `--name` for booleans.
 */
export function controllerConfig(pod: Pod): ControllerConfig {
  const c = controllerContainer(pod);
  const argv = [...(c?.command ?? []), ...(c?.args ?? [])].map((a) =>
    a
      .replace(/\$\(POD_NAMESPACE\)/g, pod.metadata?.namespace ?? 'default')
      .replace(/\$\(POD_NAME\)/g, pod.metadata?.name ?? ''),
  );
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i] ?? '');
    if (!m) continue;
    const name = m[1] ?? '';
    if (m[2] !== undefined) flags.set(name, m[2]);
    else if (name === 'watch-ingress-without-class') flags.set(name, 'true');
    else if (argv[i + 1] !== undefined && !(argv[i + 1] ?? '').startsWith('-'))
      flags.set(name, argv[++i] ?? '');
    else flags.set(name, 'true');
  }
  const cfg: ControllerConfig = {
    ingressClass: flags.get('ingress-class') || DEFAULT_INGRESS_CLASS,
    controllerClass: flags.get('controller-class') || DEFAULT_CONTROLLER_CLASS,
    watchWithoutClass: flags.get('watch-ingress-without-class') === 'true',
  };
  const publish = flags.get('publish-service');
  if (publish) cfg.publishService = publish;
  const address = flags.get('publish-status-address');
  if (address) cfg.publishStatusAddress = address;
  return cfg;
}

/**
 * Whether the controller takes this Ingress as its own.
 * Models internal/ingress/controller/store/store.go GetIngressClass.
 */
export function handlesIngress(store: ApiStore, cfg: ControllerConfig, ing: Ingress): boolean {
  const className = ing.spec?.ingressClassName;
  if (className) {
    const ic = store.get<IngressClass & KObject>('IngressClass', undefined, className);
    return ic?.spec?.controller === cfg.controllerClass;
  }
  const annotation = ing.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (annotation !== undefined) return annotation === cfg.ingressClass;
  return cfg.watchWithoutClass;
}

/** store.go sortIngressSlice: oldest first, then by namespace/name. */
export function compareIngresses(a: Ingress, b: Ingress): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
  const kb = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The Ingresses this controller serves, in the order its nginx configuration lists them. */
export function ingressesOf(store: ApiStore, cfg: ControllerConfig): StoredIngress[] {
  return store
    .list<StoredIngress>('Ingress')
    .filter((ing) => !ing.metadata.deletionTimestamp && handlesIngress(store, cfg, ing))
    .sort(compareIngresses);
}
