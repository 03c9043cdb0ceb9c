/**
 * The API strategies wired into the store: the order decode → default → admit → validate, the
 * update path that keeps server-set fields so re-applies are no-ops, and the composition with the
 * other strategies of a full cluster.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../cluster';
import { newFixture } from '../testing/fixture';
import { installApiStrategies } from './api-strategies';
import { ApiError, isApiError, kubectlMessage } from './errors';
import type { KObject } from './types';
import { deepClone } from './types';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function apiOnly() {
  const f = newFixture({ strategies: false });
  installApiStrategies(f.ctx);
  return f;
}

const podManifest = (): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
});

describe('installApiStrategies', () => {
  it('covers every served kind except Event', () => {
    const f = apiOnly();
    const withUnknownField = (kind: string, apiVersion: string): string => {
      try {
        f.store.create(
          { apiVersion, kind, metadata: { name: 'x', namespace: 'default' }, bogus: 1 },
          { actor: 't' },
        );
        return 'accepted';
      } catch (e) {
        return isApiError(e) ? e.reason : 'threw';
      }
    };
    expect(withUnknownField('ConfigMap', 'v1')).toBe('BadRequest');
    expect(withUnknownField('ServiceAccount', 'v1')).toBe('BadRequest');
    expect(withUnknownField('EndpointSlice', 'discovery.k8s.io/v1')).toBe('BadRequest');
    expect(withUnknownField('Event', 'v1')).toBe('accepted');
  });

  it('decode errors are 400 BadRequest with the kind and name for kubectl', () => {
    const f = apiOnly();
    const m = podManifest() as Obj;
    m.spec.containers[0].ports = [{ containerport: 80 }];
    let err: unknown;
    try {
      f.store.create(m as KObject, { actor: 'kubectl' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect([e.reason, e.code, e.details]).toEqual([
      'BadRequest',
      400,
      { kind: 'Pod', name: 'web' },
    ]);
    expect(kubectlMessage(e)).toBe(
      'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].ports[0].containerport"',
    );
  });
});

describe('updates', () => {
  it('a pod resubmitted without what the scheduler and admission set is unchanged', () => {
    const f = apiOnly();
    const created = f.store.create(podManifest(), { actor: 'kubectl' });
    const bound = deepClone(created) as Obj;
    bound.spec.nodeName = 'node1';
    const stored = f.store.update(bound as KObject, { actor: 'scheduler' }) as Obj;
    expect(stored.spec.nodeName).toBe('node1');
    const rv = stored.metadata.resourceVersion;
    // The user's manifest again, as a full replacement.
    const again = { ...podManifest(), metadata: { ...stored.metadata } } as KObject;
    const after = f.store.update(again, { actor: 'kubectl' }) as Obj;
    expect(after).toBe(stored);
    expect(after.metadata.resourceVersion).toBe(rv);
  });

  it('defaults run again on update, so an edit that drops defaulted fields is a no-op', () => {
    const f = apiOnly();
    const created = f.store.create(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx' }] },
          },
        },
      },
      { actor: 'kubectl' },
    ) as Obj;
    const bare = deepClone(created) as Obj;
    delete bare.spec.strategy;
    delete bare.spec.replicas;
    delete bare.spec.template.spec.containers[0].imagePullPolicy;
    delete bare.spec.template.spec.dnsPolicy;
    expect(f.store.update(bare as KObject, { actor: 'kubectl' })).toBe(created);
    // A real change still goes through, defaulted.
    bare.spec.template.spec.containers[0].image = 'nginx:1.26';
    const changed = f.store.update(bare as KObject, { actor: 'kubectl' }) as Obj;
    expect(changed.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(changed.spec.strategy.type).toBe('RollingUpdate');
    expect(changed.metadata.generation).toBe(2);
  });

  it('body-unchanged updates still check the metadata and the binding', () => {
    const f = apiOnly();
    const created = f.store.create(podManifest(), { actor: 'kubectl' });
    const message = (edit: (p: Obj) => void): string => {
      const next = deepClone(created) as Obj;
      edit(next);
      try {
        f.store.update(next as KObject, { actor: 't' });
        return 'updated';
      } catch (e) {
        return isApiError(e) ? kubectlMessage(e) : 'threw';
      }
    };
    expect(message((p) => (p.spec.nodeName = 'Node_1'))).toBe(
      `The Pod "web" is invalid: spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    expect(message((p) => (p.metadata.labels = { app: 'a b' }))).toMatch(
      /^The Pod "web" is invalid: metadata.labels: Invalid value: "a b": a valid label must be/,
    );
    expect(message((p) => (p.metadata.lables = { app: 'x' }))).toBe(
      'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.lables"',
    );
    expect(message((p) => (p.spec = 'nothing'))).toBe(
      'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec',
    );
    expect(message((p) => (p.spec.nodeName = 7))).toBe(
      'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field PodSpec.spec.nodeName of type string',
    );
    expect(message((p) => (p.metadata.labels = { app: 'web' }))).toBe('updated');
  });

  it('status writes skip the strategies', () => {
    const f = apiOnly();
    const created = f.store.create(podManifest(), { actor: 'kubectl' });
    const withStatus = { ...created, status: { phase: 'Running', podIP: '10.244.1.5' } };
    const stored = f.store.updateStatus(withStatus, { actor: 'kubelet/node1' }) as Obj;
    expect(stored.status).toEqual({ phase: 'Running', podIP: '10.244.1.5' });
  });
});

describe('in a full cluster', () => {
  it('the kubeadm bootstrap objects pass validation and keep their fields', () => {
    const cluster = createCluster({ seed: 1, bootstrapMs: 0 });
    const coredns = cluster.store.get('Deployment', 'kube-system', 'coredns') as Obj;
    expect(coredns.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' },
    });
    expect(coredns.spec.template.spec.dnsPolicy).toBe('Default');
    const proxy = cluster.store.get('DaemonSet', 'kube-system', 'kube-proxy') as Obj;
    expect(proxy.spec.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: 0 });
    const apiserver = cluster.store.get('Pod', 'kube-system', 'kube-apiserver-master') as Obj;
    expect(apiserver.spec.priority).toBe(2000001000);
    expect(apiserver.spec.tolerations).toEqual([{ operator: 'Exists', effect: 'NoExecute' }]);
    const ns = cluster.store.get('Namespace', undefined, 'kube-system') as Obj;
    expect(ns.status).toEqual({ phase: 'Active' });
  });

  it('composes with allocation: defaults, then validation, then a ClusterIP', () => {
    const f = newFixture();
    const svc = f.store.create(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
      { actor: 'kubectl' },
    ) as Obj;
    expect(svc.spec.externalTrafficPolicy).toBe('Cluster');
    expect(svc.spec.ports[0].protocol).toBe('TCP');
    expect(svc.spec.ports[0].targetPort).toBe(80);
    expect(typeof svc.spec.clusterIP).toBe('string');
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    expect(svc.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    // Invalid objects never reach the allocator.
    let message = '';
    try {
      f.store.create(
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'bad' },
          spec: { type: 'NodePort', ports: [{ port: 70000 }] },
        },
        { actor: 'kubectl' },
      );
    } catch (e) {
      if (isApiError(e)) message = kubectlMessage(e);
    }
    expect(message).toBe(
      'The Service "bad" is invalid: \n* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n* spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
  });
});
