/**
 * `playground addons list|enable|disable`: minikube's shape (help, errors, the bordered table),
 * and the objects the ingress-nginx addon puts into the cluster.
 */
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { createCluster } from '../../cluster';
import type { Cluster } from '../../cluster';
import '../playground-command';
import { addonObjects } from './addon';
import type { StoredPod } from './config';
import { controllerConfig } from './config';

type Obj = KObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

const LIST_DISABLED =
  '|---------------|----------|------------|\n' +
  '|  ADDON NAME   |  STATUS  | MAINTAINER |\n' +
  '|---------------|----------|------------|\n' +
  '| ingress-nginx | disabled | Kubernetes |\n' +
  '|---------------|----------|------------|\n';

const LIST_ENABLED =
  '|---------------|------------|------------|\n' +
  '|  ADDON NAME   |   STATUS   | MAINTAINER |\n' +
  '|---------------|------------|------------|\n' +
  '| ingress-nginx | enabled ✅ | Kubernetes |\n' +
  '|---------------|------------|------------|\n';

const ENABLED =
  '💡  ingress-nginx is an addon maintained by Kubernetes.\n' +
  '    ▪ Using image registry.k8s.io/ingress-nginx/controller:v1.10.1\n' +
  '    ▪ Service ingress-nginx/ingress-nginx-controller is of type NodePort (playground cloud-lb is off)\n' +
  '🔎  Verifying ingress-nginx addon...\n' +
  "🌟  The 'ingress-nginx' addon is enabled\n";

const out = (c: Cluster, cmd: string) => {
  const r = c.shell.run(cmd);
  return [r.stdout, r.stderr, r.exitCode];
};

describe('playground addons', () => {
  it('list, enable (waits until the controller is Ready), list, disable, list', () => {
    const c = createCluster({ seed: 1 });
    expect(out(c, 'playground addons list')).toEqual([LIST_DISABLED, '', 0]);
    const t0 = c.now();
    expect(out(c, 'playground addons enable ingress-nginx')).toEqual([ENABLED, '', 0]);
    // Pull, start, and the readiness probe's 10 s initial delay passed meanwhile.
    expect(c.now() - t0).toBeGreaterThanOrEqual(10_000);
    expect(
      c.shell.run('kubectl get deploy,svc,ingressclass -A -l app.kubernetes.io/name=ingress-nginx')
        .stdout,
    ).toMatch(/deployment\.apps\/ingress-nginx-controller {3}1\/1 /);
    expect(out(c, 'playground addons list')).toEqual([LIST_ENABLED, '', 0]);
    expect(out(c, 'playground addons enable ingress')).toEqual([
      "👍  The 'ingress-nginx' addon is already enabled.\n",
      '',
      0,
    ]);
    expect(out(c, 'playground addons disable ingress-nginx')).toEqual([
      "🌑  The 'ingress-nginx' addon is disabled\n",
      '',
      0,
    ]);
    c.advance(60_000);
    expect(out(c, 'playground addons list')).toEqual([LIST_DISABLED, '', 0]);
    expect(c.store.list('Namespace').map((n) => n.metadata.name)).not.toContain('ingress-nginx');
    expect(out(c, 'playground addons disable ingress-nginx')).toEqual([
      "👍  The 'ingress-nginx' addon is already disabled.\n",
      '',
      0,
    ]);
  });

  it('with the cloud load balancer on, the Service is a LoadBalancer and ADDRESS comes from it', () => {
    const c = createCluster({ seed: 1 });
    c.shell.run('playground cloud-lb on');
    expect(c.shell.run('playground addons enable ingress-nginx').stdout).toContain(
      'is of type LoadBalancer (playground cloud-lb is on)\n',
    );
    const svc = c.store.get<Obj>('Service', 'ingress-nginx', 'ingress-nginx-controller');
    expect([svc?.spec?.type, svc?.spec?.externalTrafficPolicy]).toEqual(['LoadBalancer', 'Local']);
    const pod = c.store.list<StoredPod>('Pod', { namespace: 'ingress-nginx' })[0] as StoredPod;
    expect(controllerConfig(pod)).toEqual({
      ingressClass: 'nginx',
      controllerClass: 'k8s.io/ingress-nginx',
      watchWithoutClass: true,
      publishService: 'ingress-nginx/ingress-nginx-controller',
    });
  });

  it('a learner can inspect what was installed', () => {
    const c = createCluster({ seed: 1 });
    c.shell.run('playground addons enable ingress-nginx');
    expect(c.shell.run('kubectl get ingressclass').stdout).toMatch(
      /^NAME {4}CONTROLLER {13}PARAMETERS {3}AGE\nnginx {3}k8s\.io\/ingress-nginx {3}<none> {7}\d+s\n$/,
    );
    expect(
      addonObjects({ loadBalancer: false }).map((o) => `${o.kind}/${o.metadata.name ?? ''}`),
    ).toEqual([
      'Namespace/ingress-nginx',
      'ServiceAccount/ingress-nginx',
      'ConfigMap/ingress-nginx-controller',
      'Service/ingress-nginx-controller',
      'Deployment/ingress-nginx-controller',
      'IngressClass/nginx',
    ]);
    const logs = c.shell.run(
      'kubectl logs -n ingress-nginx deploy/ingress-nginx-controller',
    ).stdout;
    expect(logs.split('\n').slice(0, 8)).toEqual([
      '-------------------------------------------------------------------------------',
      'NGINX Ingress controller',
      '  Release:       v1.10.1',
      '  Build:         4fb5aac1dd3669daa3a14d9de3e3cdb371b4c518',
      '  Repository:    https://github.com/kubernetes/ingress-nginx',
      '  nginx version: nginx/1.25.3',
      '',
      '-------------------------------------------------------------------------------',
    ]);
  });

  it.each([
    ['playground addons', 0],
    ['playground addons --help', 0],
    ['playground help addons', 0],
  ])('%s prints the help', (cmd, code) => {
    const r = c0().shell.run(cmd);
    expect([r.stdout.split('\n')[0], r.exitCode]).toEqual([
      "addons modifies the playground's addons: optional cluster components such as an ingress",
      code,
    ]);
  });

  it.each([
    [
      'playground addons enable dashboard',
      "🤷  The addon 'dashboard' is not a valid addon packaged with the playground.\n" +
        '💡  To see the list of available addons run:\n    playground addons list\n',
    ],
    [
      'playground addons enable',
      '❌  Exiting due to MK_USAGE: usage: playground addons enable ADDON_NAME\n',
    ],
    ['playground addons list extra', 'usage: playground addons list\n'],
    [
      'playground addons remove ingress-nginx',
      'Error: unknown command "remove" for "playground addons"\nRun \'playground addons --help\' for usage.\n',
    ],
    [
      'playground addons enable ingress-nginx --force',
      "Error: unknown flag: --force\nRun 'playground addons enable --help' for usage.\n",
    ],
  ])('%s fails', (cmd, stderr) => {
    const c = c0();
    expect(out(c, cmd)).toEqual(['', stderr, 1]);
    expect(c.store.get('Namespace', undefined, 'ingress-nginx')).toBe(undefined);
  });

  it('the root help lists addons', () => {
    expect(c0().shell.run('playground --help').stdout).toContain(
      '  addons        Enable or disable a playground addon (ingress-nginx)\n',
    );
  });
});

function c0(): Cluster {
  return createCluster({ seed: 1 });
}
