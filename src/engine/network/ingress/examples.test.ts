/**
 * Golden output: the two Ingress examples as transcript tests (examples/ingress-fanout and
 * examples/ingress-virtual-hosts, each script run against a fresh default cluster with its
 * directory's manifests as the workspace), and kubectl's Ingress and IngressClass output for an
 * Ingress with every part `describe` prints (TLS with and without a secret, annotations, a
 * defaultBackend whose Service is missing, a rule without host, a backend without endpoints).
 * Read the goldens as a Kubernetes user would: kubectl v1.30 and ingress-nginx v1.10 print this.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../cluster';
import { runScript } from '../../transcript';
import '../playground-command';
import '../trace/tools';

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');

describe.each([
  ['ingress-fanout', 'fanout'],
  ['ingress-virtual-hosts', 'virtual-hosts'],
])('examples/%s', (dir, name) => {
  it('prints the golden transcript', async () => {
    const path = join(EXAMPLES, dir);
    const files = Object.fromEntries(
      readdirSync(path)
        .filter((f) => f.endsWith('.yml'))
        .map((f) => [f, readFileSync(join(path, f), 'utf8')]),
    );
    const script = readFileSync(join(path, `${name}.sh`), 'utf8');
    const cluster = createCluster({ seed: 1, files });
    const transcript = runScript(cluster.shell, script) + '\n';
    await expect(transcript).toMatchFileSnapshot(join(path, `${name}.transcript.txt`));
  });
});

const EVERYTHING = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: everything
  labels: {team: shop}
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "false"
spec:
  defaultBackend:
    service: {name: missing, port: {number: 80}}
  tls:
  - hosts: [shop.example.com, www.example.com]
    secretName: shop-tls
  - hosts: [api.example.com]
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
      - {path: /empty, pathType: Exact, backend: {service: {name: empty, port: {name: web}}}}
  - http:
      paths:
      - {path: /, pathType: ImplementationSpecific, backend: {service: {name: cart, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: many-hosts
spec:
  ingressClassName: nginx
  rules:
  - {host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}}
  - {host: b.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}}
  - {host: c.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}}
  - {host: d.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart}
spec:
  replicas: 2
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers:
      - {name: app, image: "hashicorp/http-echo:1.0", args: ["-text=cart"]}
---
apiVersion: v1
kind: Service
metadata: {name: cart}
spec:
  selector: {app: cart}
  ports: [{port: 80, targetPort: 5678}]
---
apiVersion: v1
kind: Service
metadata: {name: empty}
spec:
  selector: {app: nobody}
  ports: [{name: web, port: 8080}]
`;

describe('kubectl get/describe ingress and ingressclass', () => {
  const c = createCluster({ seed: 1, files: { 'everything.yml': EVERYTHING } });
  c.shell.run('playground addons enable ingress-nginx');
  c.shell.run('kubectl apply -f everything.yml');
  c.advance(90_000);

  it.each([
    ['get-ingress.txt', 'kubectl get ingress'],
    ['get-ingress-wide.txt', 'kubectl get ing -A -o wide'],
    ['describe-ingress.txt', 'kubectl describe ingress everything'],
    ['get-ingressclass.txt', 'kubectl get ingressclass'],
    ['describe-ingressclass.txt', 'kubectl describe ingressclass nginx'],
    ['get-all-ingress-nginx.txt', 'kubectl get all -n ingress-nginx'],
  ])('%s: %s', async (file, cmd) => {
    const r = c.shell.run(cmd);
    expect(r.stderr).toBe('');
    await expect(`$ ${cmd}\n${r.stdout}`).toMatchFileSnapshot(`__golden__/${file}`);
  });
});
