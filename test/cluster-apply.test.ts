/** The facade's apply(): YAML text in, objects created / configured / unchanged, errors per document. */
import { describe, expect, it } from 'vitest';
import { createCluster, kubectlMessage } from '../src/engine';
// The classic lesson's manifests, byte for byte as examples/walkthrough holds them.
import manifest from '../examples/walkthrough/deployment.yml?raw';

describe('cluster.apply', () => {
  it('creates, then reports unchanged, then configured, as kubectl apply does', () => {
    const cluster = createCluster({ seed: 1 });
    const first = cluster.apply(manifest);
    expect(first.parsed.errors).toEqual([]);
    expect(
      first.outcomes.map((o) =>
        o.ok ? `${o.object.kind}/${o.object.metadata.name} ${o.action}` : o.error.message,
      ),
    ).toEqual(['Deployment/httpd2 created', 'Service/httpd2 created']);
    cluster.settle();
    expect(cluster.apply(manifest).outcomes.map((o) => (o.ok ? o.action : 'error'))).toEqual([
      'unchanged',
      'unchanged',
    ]);
    const scaled = cluster.apply(manifest.replace('replicas: 3', 'replicas: 5'));
    expect(scaled.outcomes.map((o) => (o.ok ? o.action : 'error'))).toEqual([
      'configured',
      'unchanged',
    ]);
    cluster.settle();
    const pods = cluster.store.list('Pod', { namespace: 'default' });
    expect(pods.length).toBe(5);
    expect(pods.every((p) => (p.status as { phase?: string }).phase === 'Running')).toBe(true);
  });

  it('applies the valid documents of a file that has a bad one', () => {
    const cluster = createCluster({ seed: 1, bootstrapMs: 0 });
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: good
data:
  a: "1"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: Web_1
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: also-good
spec:
  containers:
  - name: c
    image: nginx
`;
    const r = cluster.apply(text);
    const lines = r.outcomes.map((o) =>
      o.ok ? `${o.object.metadata.name} ${o.action}` : kubectlMessage(o.error),
    );
    expect(lines[0]).toBe('good created');
    expect(lines[1]).toMatch(
      /^The Deployment "Web_1" is invalid: \n\* metadata\.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain/,
    );
    expect(lines[1]).toContain('* spec.selector: Required value');
    expect(lines[2]).toBe('also-good created');
    expect(r.parsed.documents.map((d) => [d.range.startLine, d.range.endLine])).toEqual([
      [1, 6],
      [8, 17],
      [19, 26],
    ]);
  });
});
