import { describe, expect, test } from 'vitest';
import type { KObject } from '../../api/types';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';

const OBJECTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    team: blue
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: multi
spec:
  replicas: 1
  selector:
    matchLabels:
      app: multi
  template:
    metadata:
      labels:
        app: multi
    spec:
      containers:
      - name: a
        image: nginx
        ports:
        - containerPort: 80
        - containerPort: 443
      - name: b
        image: redis
        ports:
        - containerPort: 6379
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: noport
spec:
  replicas: 1
  selector:
    matchLabels:
      app: noport
  template:
    metadata:
      labels:
        app: noport
    spec:
      containers:
      - name: httpd
        image: httpd
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: expr
spec:
  replicas: 1
  selector:
    matchExpressions:
    - key: app
      operator: In
      values: [expr]
  template:
    metadata:
      labels:
        app: expr
    spec:
      containers:
      - name: httpd
        image: httpd
---
apiVersion: v1
kind: Pod
metadata:
  name: sb
  labels:
    app: sb1314
spec:
  containers:
  - image: nginx
    name: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: nolabels
spec:
  containers:
  - image: nginx
    name: nginx
`;

function fixture(): KubectlFixture {
  const k = kubectlFixture();
  for (const o of k.cluster.apply(OBJECTS).outcomes) expect(o.ok).toBe(true);
  k.cluster.advance(30_000);
  return k;
}

const service = (k: KubectlFixture, name: string): KObject => {
  const s = k.cluster.store.get('Service', 'default', name);
  if (!s) throw new Error(`no service ${name}`);
  return s;
};
const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string) => ({ stdout: '', stderr, exitCode: 1 });

describe('kubectl expose', () => {
  test('a deployment: selector from matchLabels, labels from the deployment, unnamed port', () => {
    const k = fixture();
    expect(k.run('expose deployment web --port=80')).toEqual(ok('service/web exposed\n'));
    const s = service(k, 'web');
    expect(s.metadata.labels).toEqual({ app: 'web', team: 'blue' });
    expect(s.spec).toMatchObject({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
    });
    expect((s.spec as { ports: Array<{ name?: string }> }).ports[0]!.name).toBeUndefined();
  });

  test('the port comes from the object when --port is not given; several become port-N', () => {
    const k = fixture();
    expect(k.run('expose deploy web')).toEqual(ok('service/web exposed\n'));
    expect((service(k, 'web').spec as { ports: unknown }).ports).toEqual([
      { port: 80, protocol: 'TCP', targetPort: 80 },
    ]);
    expect(k.run('expose deploy multi')).toEqual(ok('service/multi exposed\n'));
    expect((service(k, 'multi').spec as { ports: unknown }).ports).toEqual([
      { name: 'port-1', port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'port-2', port: 443, protocol: 'TCP', targetPort: 443 },
      { name: 'port-3', port: 6379, protocol: 'TCP', targetPort: 6379 },
    ]);
  });

  test('--target-port (number or name), --type, --name, --protocol, -l, --selector', () => {
    const k = fixture();
    expect(
      k.run(
        'expose deployment/web --port=8080 --target-port=80 --type=NodePort --name=web-np -l x=y --protocol=TCP',
      ),
    ).toEqual(ok('service/web-np exposed\n'));
    const s = service(k, 'web-np');
    expect(s.metadata.labels).toEqual({ x: 'y' });
    const spec = s.spec as { type: string; ports: Array<Record<string, unknown>> };
    expect(spec.type).toBe('NodePort');
    expect(spec.ports[0]).toMatchObject({ port: 8080, targetPort: 80, protocol: 'TCP' });
    expect(typeof spec.ports[0]!.nodePort).toBe('number');
    expect(
      k.run('expose deploy web --port=80 --target-port=http --name=named --selector=app=other'),
    ).toEqual(ok('service/named exposed\n'));
    expect(service(k, 'named').spec).toMatchObject({
      selector: { app: 'other' },
      ports: [{ port: 80, targetPort: 'http' }],
    });
  });

  test('a pod (its labels are the selector), a service, a replica set', () => {
    const k = fixture();
    expect(k.run('expose pod sb --port=80 --type=NodePort --name=nginx')).toEqual(
      ok('service/nginx exposed\n'),
    );
    expect(service(k, 'nginx').spec).toMatchObject({ selector: { app: 'sb1314' } });
    expect(k.run('expose service nginx --port=443 --target-port=8443 --name=nginx-https')).toEqual(
      ok('service/nginx-https exposed\n'),
    );
    expect(service(k, 'nginx-https').spec).toMatchObject({
      selector: { app: 'sb1314' },
      ports: [{ port: 443, targetPort: 8443 }],
      type: 'ClusterIP',
    });
    const rs = k.cluster.store
      .list('ReplicaSet', { namespace: 'default' })
      .find((r) => r.metadata.name?.startsWith('web-'))!;
    const hash = rs.metadata.labels?.['pod-template-hash'];
    expect(k.run(`expose rs ${rs.metadata.name} --name=from-rs`)).toEqual(
      ok('service/from-rs exposed\n'),
    );
    expect(service(k, 'from-rs').spec).toMatchObject({
      selector: { app: 'web', 'pod-template-hash': hash },
    });
  });

  test('--dry-run=client -o yaml', () => {
    const k = fixture();
    expect(k.run('expose deployment web --port=80 --dry-run=client -o yaml')).toEqual(
      ok(`apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
    team: blue
  name: web
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: web
status:
  loadBalancer: {}
`),
    );
    expect(k.cluster.store.get('Service', 'default', 'web')).toBeUndefined();
    expect(k.run('expose deployment web --port=80 --dry-run=client')).toEqual(
      ok('service/web exposed (dry run)\n'),
    );
    expect(k.run('expose deployment web --port=80 -o name')).toEqual(ok('service/web\n'));
  });

  test.each([
    [
      'expose',
      "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
    ],
    ['expose deployment', 'error: resource(s) were provided, but no name was specified\n'],
    [
      'expose deployment nope --port=80',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    ],
    ['expose deployment noport', "error: couldn't find port via --port flag or introspection\n"],
    [
      'expose pod nolabels --port=80',
      "error: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed\n",
    ],
    [
      'expose deployment expr --port=80',
      'error: couldn\'t retrieve selectors via --selector flag or introspection: couldn\'t convert expressions - "[{Key:app Operator:In Values:[expr]}]" to map-based selector format\n',
    ],
    ['expose node node1 --port=80', 'error: cannot expose a Node\n'],
    ['expose ds kube-proxy -n kube-system --port=80', 'error: cannot expose a DaemonSet.apps\n'],
    ['expose deployment web --port=http', 'error: strconv.Atoi: parsing "http": invalid syntax\n'],
    [
      'expose deployment web --port=80 --session-affinity=Sticky',
      'error: unknown session affinity: Sticky\n',
    ],
    ['expose deployment web --port=80 --selector=app', 'error: unexpected label spec: app\n'],
    [
      'expose deployment web --port=80 --type=nodeport',
      'The Service "web" is invalid: spec.type: Unsupported value: "nodeport": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"\n',
    ],
  ])('%s', (line, stderr) => {
    const k = fixture();
    expect(k.run(line)).toEqual(fail(stderr));
  });

  test('a second expose under the same name is refused by the API server', () => {
    const k = fixture();
    k.run('expose deployment web --port=80');
    expect(k.run('expose deployment web --port=81')).toEqual(
      fail('Error from server (AlreadyExists): services "web" already exists\n'),
    );
  });
});
