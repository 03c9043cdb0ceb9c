import type { ConfigMap } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { newFixture } from '../testing/fixture';
import { clusterCACertificate, startRootCACertPublisher } from './root-ca-publisher';

type Cm = ConfigMap & KObject;

const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

function setup() {
  const f = newFixture();
  startRootCACertPublisher(f.ctx);
  f.settle();
  const cm = (ns: string) => f.store.get<Cm>('ConfigMap', ns, 'kube-root-ca.crt');
  return { f, cm };
}

describe('root-ca-cert-publisher', () => {
  it('publishes kube-root-ca.crt in every namespace, the same certificate in each', () => {
    const { f, cm } = setup();
    expect(f.writes('root-ca-cert-publisher')).toEqual([
      'create ConfigMap default/kube-root-ca.crt',
      'create ConfigMap kube-system/kube-root-ca.crt',
      'create ConfigMap kube-public/kube-root-ca.crt',
      'create ConfigMap kube-node-lease/kube-root-ca.crt',
    ]);
    const ca = clusterCACertificate(f.ctx.config.seed);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      expect(cm(ns)!.data).toEqual({ 'ca.crt': ca });
      expect(cm(ns)!.metadata.annotations).toEqual({ 'kubernetes.io/description': DESCRIPTION });
    }
  });

  it('looks like kubeadm’s CA: a PEM certificate of 777 DER bytes in 64-column lines', () => {
    const ca = clusterCACertificate(1);
    const lines = ca.split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.slice(-2)).toEqual(['-----END CERTIFICATE-----', '']);
    const body = lines.slice(1, -2);
    expect(body.slice(0, -1).every((l) => l.length === 64)).toBe(true);
    // SEQUENCE of 0x305 bytes, TBSCertificate of 0x1ed, v3, an 8-byte serial.
    expect(body[0]!.startsWith('MIIDBTCCAe2gAwIBAgII')).toBe(true);
    expect(body.join('').length).toBe(Math.ceil(777 / 3) * 4);
    expect(clusterCACertificate(1)).toBe(ca);
    expect(clusterCACertificate(2)).not.toBe(ca);
  });

  it('publishes in new namespaces, and restores an edited or deleted ConfigMap', () => {
    const { f, cm } = setup();
    const ca = clusterCACertificate(f.ctx.config.seed);
    f.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    f.settle();
    expect(cm('team')!.data).toEqual({ 'ca.crt': ca });

    const edited = deepClone(cm('team')!);
    edited.data = { 'ca.crt': 'nope', extra: 'x' };
    edited.metadata.annotations = { mine: 'yes' };
    f.store.update(edited, { actor: 'kubectl' });
    f.settle();
    expect(cm('team')!.data).toEqual({ 'ca.crt': ca });
    expect(cm('team')!.metadata.annotations).toEqual({
      mine: 'yes',
      'kubernetes.io/description': DESCRIPTION,
    });

    f.store.delete('ConfigMap', 'team', 'kube-root-ca.crt', { actor: 'kubectl' });
    f.settle();
    expect(cm('team')!.data).toEqual({ 'ca.crt': ca });
    expect(f.writes('root-ca-cert-publisher').slice(-3)).toEqual([
      'create ConfigMap team/kube-root-ca.crt',
      'update ConfigMap team/kube-root-ca.crt',
      'create ConfigMap team/kube-root-ca.crt',
    ]);
  });

  it('ignores other ConfigMaps', () => {
    const { f } = setup();
    f.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' } });
    f.store.delete('ConfigMap', 'default', 'cfg', { actor: 'kubectl' });
    f.settle();
    expect(f.writes('root-ca-cert-publisher')).toHaveLength(4);
  });
});
