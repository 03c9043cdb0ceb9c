/**
 * Which pods are ingress-nginx controllers (the catalogue knows the image by its whole
 * repository), how their flags are read, and which Ingresses a controller takes as its own
 * (store.go GetIngressClass).
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import type { Ingress } from 'kubernetes-types/networking/v1';
import { newFixture } from '../../testing/fixture';
import { lookupImage } from '../../workloads/catalog';
import { parseImageRef } from '../../workloads/image-ref';
import type { ControllerConfig } from './config';
import { controllerConfig, handlesIngress, isControllerPod } from './config';

const pod = (image: string, args: string[] = []): Pod => ({
  metadata: { name: 'ctl', namespace: 'ingress-nginx' },
  spec: { containers: [{ name: 'controller', image, args }] },
});

describe('the controller image', () => {
  it.each([
    ['registry.k8s.io/ingress-nginx/controller:v1.10.1', 'ingress-nginx-controller'],
    [
      'registry.k8s.io/ingress-nginx/controller:v1.10.1@sha256:e24f39d3eed6bcc239a56f20098878845f62baa34b9f2be2fd2c38ce9fb0f29e',
      'ingress-nginx-controller',
    ],
    // Another repository whose last segment is `controller` is nothing the catalogue knows.
    ['myorg/controller:1.0', undefined],
    ['nginx:1.25.3', 'nginx'],
  ])('%s → %s', (image, id) => {
    const parsed = parseImageRef(image);
    expect(parsed.ok ? lookupImage(parsed.ref)?.id : 'unparsed').toBe(id);
    expect(isControllerPod(pod(image))).toBe(id === 'ingress-nginx-controller');
  });
});

describe('controllerConfig (cmd/nginx/flags.go)', () => {
  const IMAGE = 'registry.k8s.io/ingress-nginx/controller:v1.10.1';
  it.each<[string[], ControllerConfig]>([
    [
      ['/nginx-ingress-controller'],
      { ingressClass: 'nginx', controllerClass: 'k8s.io/ingress-nginx', watchWithoutClass: false },
    ],
    [
      [
        '/nginx-ingress-controller',
        '--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller',
        '--ingress-class=internal',
        '--controller-class',
        'example.com/internal',
        '--watch-ingress-without-class',
      ],
      {
        ingressClass: 'internal',
        controllerClass: 'example.com/internal',
        watchWithoutClass: true,
        publishService: 'ingress-nginx/ingress-nginx-controller',
      },
    ],
    [
      [
        '/nginx-ingress-controller',
        '--publish-status-address=localhost',
        '--watch-ingress-without-class=false',
      ],
      {
        ingressClass: 'nginx',
        controllerClass: 'k8s.io/ingress-nginx',
        watchWithoutClass: false,
        publishStatusAddress: 'localhost',
      },
    ],
  ])('%j', (args, cfg) => {
    expect(controllerConfig(pod(IMAGE, args))).toEqual(cfg);
  });
});

describe('handlesIngress (store.go GetIngressClass)', () => {
  const f = newFixture();
  f.create({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'nginx' },
    spec: { controller: 'k8s.io/ingress-nginx' },
  });
  f.create({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'traefik' },
    spec: { controller: 'traefik.io/ingress-controller' },
  });
  const base: ControllerConfig = {
    ingressClass: 'nginx',
    controllerClass: 'k8s.io/ingress-nginx',
    watchWithoutClass: false,
  };
  const ing = (className?: string, annotation?: string): Ingress => ({
    metadata: annotation ? { annotations: { 'kubernetes.io/ingress.class': annotation } } : {},
    spec: className ? { ingressClassName: className } : {},
  });

  it.each([
    ['ingressClassName nginx', ing('nginx'), false, true],
    ['ingressClassName traefik', ing('traefik'), false, false],
    ['ingressClassName of a missing class', ing('gone'), true, false],
    ['the annotation nginx', ing(undefined, 'nginx'), false, true],
    ['the annotation traefik', ing(undefined, 'traefik'), true, false],
    ['ingressClassName wins over the annotation', ing('traefik', 'nginx'), false, false],
    ['no class', ing(), false, false],
    ['no class, --watch-ingress-without-class', ing(), true, true],
  ])('%s → %s', (_name, ingress, withoutClass, handled) => {
    expect(handlesIngress(f.store, { ...base, watchWithoutClass: withoutClass }, ingress)).toBe(
      handled,
    );
  });
});
