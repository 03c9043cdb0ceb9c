import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../cluster';
import { newFixture } from '../testing/fixture';
import type { ApiError } from './errors';
import { kubectlMessage } from './errors';
import type { KObject } from './types';
import { deepClone, deepFreeze } from './types';

type StoredPod = Pod & KObject;

/** What the plugin adds, as `kubectl get pod -o yaml` shows it (keys in the API's order). */
const tokenVolume = (name: string) => ({
  name,
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [
            { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
          ],
        },
      },
    ],
  },
});
const tokenMount = (name: string) => ({
  name,
  readOnly: true,
  mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
});

function setup() {
  const f = newFixture();
  const pod = (
    name: string,
    spec: Record<string, unknown> = {},
    meta: Record<string, unknown> = {},
  ) =>
    f.create<StoredPod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, ...meta },
      spec: { containers: [{ name: 'web', image: 'nginx' }], ...spec },
    });
  const sa = (name: string, extra: Record<string, unknown> = {}) =>
    f.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, ...extra });
  const error = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return kubectlMessage(e as ApiError);
    }
    return '';
  };
  return { f, pod, sa, error };
}

const volumeName = (p: StoredPod) => p.spec!.volumes![p.spec!.volumes!.length - 1]!.name;

describe('ServiceAccount admission: the token volume', () => {
  it('mounts kube-api-access-xxxxx into every container, init containers first', () => {
    const { pod } = setup();
    const p = pod('web', {
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [
        { name: 'web', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/data' }] },
        { name: 'side', image: 'busybox' },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
    });
    const name = volumeName(p);
    expect(name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(p.spec!.volumes).toEqual([{ name: 'data', emptyDir: {} }, tokenVolume(name)]);
    expect(p.spec!.initContainers![0]!.volumeMounts).toEqual([tokenMount(name)]);
    expect(p.spec!.containers.map((c) => c.volumeMounts)).toEqual([
      [{ name: 'data', mountPath: '/data' }, tokenMount(name)],
      [tokenMount(name)],
    ]);
    expect(JSON.stringify(p.spec!.volumes![1])).toBe(JSON.stringify(tokenVolume(name)));
    expect(p.spec!.serviceAccountName).toBe('default');
  });

  it('gives each pod its own name, from a seeded stream', () => {
    const a = setup();
    const b = setup();
    const names = (s: ReturnType<typeof setup>) => ['a', 'b', 'c'].map((n) => volumeName(s.pod(n)));
    const first = names(a);
    expect(new Set(first).size).toBe(3);
    expect(names(b)).toEqual(first);
  });

  it.each([
    ['the pod opts out', { automountServiceAccountToken: false }, {}],
    ['the account opts out', {}, { automountServiceAccountToken: false }],
  ])('mounts nothing when %s', (_, podSpec, saFields) => {
    const { pod, sa } = setup();
    sa('quiet', saFields);
    const p = pod('web', { serviceAccountName: 'quiet', ...podSpec });
    expect(p.spec!.volumes).toBeUndefined();
    expect(p.spec!.containers[0]!.volumeMounts).toBeUndefined();
  });

  it('the pod’s choice wins over the account’s', () => {
    const { pod, sa } = setup();
    sa('quiet', { automountServiceAccountToken: false });
    const p = pod('web', { serviceAccountName: 'quiet', automountServiceAccountToken: true });
    expect(p.spec!.volumes).toHaveLength(1);
  });

  it('keeps a mount the pod already has at the token path, and reuses a token volume', () => {
    const { pod } = setup();
    const p = pod('copy', {
      containers: [
        {
          name: 'web',
          image: 'nginx',
          volumeMounts: [tokenMount('kube-api-access-abcde')],
        },
      ],
      volumes: [tokenVolume('kube-api-access-abcde')],
    });
    expect(p.spec!.volumes).toEqual([tokenVolume('kube-api-access-abcde')]);
    expect(p.spec!.containers[0]!.volumeMounts).toEqual([tokenMount('kube-api-access-abcde')]);
  });

  it('copies the account’s imagePullSecrets to a pod that has none', () => {
    const { pod, sa } = setup();
    sa('puller', { imagePullSecrets: [{ name: 'regcred' }] });
    expect(pod('a', { serviceAccountName: 'puller' }).spec!.imagePullSecrets).toEqual([
      { name: 'regcred' },
    ]);
    expect(
      pod('b', { serviceAccountName: 'puller', imagePullSecrets: [{ name: 'mine' }] }).spec!
        .imagePullSecrets,
    ).toEqual([{ name: 'mine' }]);
  });

  it('leaves mirror pods alone', () => {
    const { pod } = setup();
    const p = pod(
      'etcd-master',
      {},
      {
        namespace: 'kube-system',
        annotations: { 'kubernetes.io/config.mirror': 'etcd' },
      },
    );
    expect(p.spec!.volumes).toBeUndefined();
  });
});

describe('ServiceAccount admission: the account lookup', () => {
  it('refuses a pod whose account does not exist (by its generateName when it has one)', () => {
    const { f, pod, error } = setup();
    expect(error(() => pod('web', { serviceAccountName: 'builder' }))).toBe(
      'Error from server (Forbidden): pods "web" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found',
    );
    expect(
      error(() => pod('', { serviceAccountName: 'builder' }, { generateName: 'web-7d4b9c-' })),
    ).toBe(
      'Error from server (Forbidden): pods "web-7d4b9c-" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found',
    );
    expect(f.store.list('Pod')).toEqual([]);
  });

  it('takes a missing `default` as created by the controller within the plugin’s retries', () => {
    const { pod } = setup();
    expect(pod('web').spec!.volumes).toHaveLength(1);
  });

  it('pods stamped from one template spec get their own volume and share the rest', () => {
    const { f } = setup();
    const spec = deepFreeze({ containers: [{ name: 'web', image: 'nginx:1.25' }] });
    const make = (name: string, s: StoredPod['spec'] & object, transfer: boolean) =>
      f.store.create<StoredPod>(
        { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: s },
        { actor: 'rs', transfer },
      );
    const a = make('a', spec, true);
    const b = make('b', spec, true);
    const plain = make('c', deepClone(spec), false);
    expect(volumeName(a)).not.toBe(volumeName(b));
    expect(a.spec!.tolerations).toBe(b.spec!.tolerations); // shared, frozen
    const renamed = (p: StoredPod, to: string) =>
      JSON.parse(JSON.stringify(p.spec).replaceAll(volumeName(p), to)) as unknown;
    expect(renamed(a, 'X')).toEqual(renamed(plain, 'X'));
    expect(JSON.stringify(renamed(a, 'X'))).toBe(JSON.stringify(renamed(plain, 'X')));
    expect(spec).toEqual({ containers: [{ name: 'web', image: 'nginx:1.25' }] });
  });

  it('the same pod manifest applied again leaves the pod unchanged', () => {
    const cluster = createCluster({ seed: 3, bootstrapMs: 0 });
    const manifest: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    };
    const first = cluster.applyObjects([manifest]);
    expect(first.map((r) => r.ok && r.action)).toEqual(['created']);
    cluster.advance(10_000);
    const again = cluster.applyObjects([manifest]);
    expect(again.map((r) => r.ok && r.action)).toEqual(['unchanged']);
  });
});
