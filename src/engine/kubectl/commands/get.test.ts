/**
 * `kubectl get` end to end: a default cluster (seed 1), manifests applied through the API, and
 * kubectl lines run against it. Transcripts are golden files under __golden__/get/, written as
 * a terminal shows them (stdout, then stderr); a reviewer should recognise a real cluster's
 * output in them, modulo names and addresses. Errors and exit codes are checked inline.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { KubectlFixture } from '../testing';
import { kubectlFixture } from '../testing';

const here = dirname(fileURLToPath(import.meta.url));
const walkthrough = (file: string): string =>
  readFileSync(join(here, '../../../../examples/walkthrough', file), 'utf8');
const golden = (name: string): string => join(here, '../__golden__/get', name);

/** Run steps like a terminal session: a string is a kubectl line, a number lets seconds pass. */
function session(k: KubectlFixture, steps: ReadonlyArray<string | number>): string {
  let out = '';
  for (const step of steps) {
    if (typeof step === 'number') {
      k.cluster.advance(step * 1000);
      out += `[root@master test]# sleep ${step}\n`;
      continue;
    }
    const r = k.run(step);
    out += `[root@master test]# kubectl ${step}\n${r.stdout}${r.stderr}`;
  }
  return out;
}

/** The classic lesson's objects: Deployment httpd2 + Service, Pod test (3 containers), Pod sb + NodePort Service nginx. */
function withWalkthrough(): KubectlFixture {
  const k = kubectlFixture();
  for (const f of ['deployment.yml', 'test.yml', 'service.yml']) {
    const { outcomes } = k.cluster.apply(walkthrough(f));
    expect(outcomes.every((o) => o.ok)).toBe(true);
  }
  return k;
}

const OTHER_KINDS = `
apiVersion: v1
kind: Secret
metadata: {name: db-pass}
type: Opaque
data: {password: cGFzcw==, user: YWRtaW4=}
---
apiVersion: v1
kind: Secret
metadata: {name: web-tls}
type: kubernetes.io/tls
data: {tls.crt: Y2VydA==, tls.key: a2V5}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, labels: {app: web}}
data: {index.html: hello, nginx.conf: "server {}"}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: web-tls}]
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
  - host: api.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: catch-all}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx:1.25, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {type: ExternalName, externalName: db.example.com}
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec: {containers: [{name: c, image: busybox, command: [sh, -c, "exit 1"]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: typo}
spec: {containers: [{name: web, image: "nginx:1.161"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: pending}
spec: {nodeSelector: {disk: ssd}, containers: [{name: app, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: once}
spec: {restartPolicy: Never, containers: [{name: c, image: busybox, command: [sh, -c, "echo hi"]}]}
`;

describe('kubectl get: tables of a fresh cluster', () => {
  test('nodes, namespaces and the kube-system workloads, normal and wide', async () => {
    const k = kubectlFixture();
    const text = session(k, [
      'get nodes',
      'get no -o wide',
      'get nodes --show-labels',
      'get ns',
      'get namespaces -o wide',
      'get pods',
      'get pods -A',
      'get po -A -o wide',
      'get svc -A',
      'get services -A -o wide',
      'get ep -A',
      'get endpointslice -A',
      'get ds -A',
      'get daemonsets -A -o wide',
      'get deploy -A',
      'get deployments.apps -n kube-system -o wide',
      'get rs -A',
      'get rs -n kube-system -o wide',
      'get cm -A',
      'get pods -n kube-system -l k8s-app=kube-dns --show-labels',
      'get pods -n kube-system --field-selector spec.nodeName=master',
      'get pods -A --sort-by=.metadata.name --no-headers',
    ]);
    await expect(text).toMatchFileSnapshot(golden('fresh-cluster.txt'));
  });
});

describe('kubectl get: the walkthrough objects', () => {
  test('pods, several types, all, names, selectors, sorting', async () => {
    const k = withWalkthrough();
    const text = session(k, [
      1,
      'get pods',
      15,
      'get pods',
      'get pods -o wide',
      'get deploy,pod,svc',
      'get all',
      'get all -o wide',
      'get pod test sb',
      'get pod/test svc/nginx deploy/httpd2',
      'get deployment httpd2 -o wide',
      'get rs -o wide',
      'get svc -o wide',
      'get ep',
      'get endpointslices',
      'get pods -l app=httpd2',
      "get pods -l 'app in (sb1314,test01)' --show-labels",
      'get pods -l app!=httpd2,app -L app',
      'get pods --field-selector spec.nodeName=node1',
      'get pods --field-selector status.phase=Running,metadata.name!=sb',
      'get pods --sort-by=.status.podIP',
      'get pods --sort-by={.metadata.creationTimestamp} -o wide',
      'get pods --no-headers',
      'get deploy,svc --no-headers',
      'get pods --show-kind',
    ]);
    await expect(text).toMatchFileSnapshot(golden('walkthrough.txt'));
  });

  test('events: key order per object, oldest first, normal and wide', async () => {
    const k = withWalkthrough();
    k.cluster.advance(16_000);
    const text = session(k, [
      'get events',
      'get ev --field-selector involvedObject.kind=Deployment',
      'get events --field-selector involvedObject.name=test -o wide',
      'get events -n kube-system --field-selector reason=ScalingReplicaSet',
    ]);
    await expect(text).toMatchFileSnapshot(golden('events.txt'));
  });
});

describe('kubectl get: every other kind and pod status', () => {
  test('secrets, service accounts, configmaps, ingresses, service types, failing pods, cordoned node', async () => {
    const k = kubectlFixture();
    const { outcomes } = k.cluster.apply(OTHER_KINDS);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.error.message)).toEqual([]);
    const text = session(k, [
      5,
      'get pods',
      60,
      'get pods',
      'get pods -o wide',
      'get secret',
      'get secrets -o wide',
      'get sa',
      'get serviceaccounts -A',
      'get cm',
      'get configmaps --show-labels',
      'get ing',
      'get ingress -o wide',
      'get ingressclass',
      'get ingressclasses -o wide',
      'get svc',
      'get svc -o wide',
      'get ep',
      'get endpointslice',
    ]);
    // Cordon node2 as `kubectl cordon` would.
    const node = k.cluster.store.get('Node', undefined, 'node2')!;
    k.cluster.store.update(
      { ...node, spec: { ...(node.spec as object), unschedulable: true } },
      { actor: 'kubectl' },
    );
    const tail = session(k, ['get nodes', 'get nodes --field-selector spec.unschedulable=true']);
    await expect(text + tail).toMatchFileSnapshot(golden('other-kinds.txt'));
  });
});

describe('kubectl get: output formats', () => {
  test('yaml, json, name, jsonpath, custom columns', async () => {
    const k = withWalkthrough();
    k.cluster.advance(16_000);
    const text = session(k, [
      'get pod sb -o yaml',
      'get svc nginx -o json',
      'get deploy httpd2 -o yaml',
      'get pods -l app=sb1314 -o yaml',
      'get svc/nginx pod/sb -o name',
      'get deploy,rs,pods,svc -o name',
      'get pods -l app=nothing -o yaml',
      'get pods -l app=nothing -o json',
      'get pods -l app=nothing -o name',
      "get pods -o jsonpath='{.items[*].metadata.name}'",
      'get pod test -o jsonpath=\'{range .status.containerStatuses[*]}{.name}{"\\t"}{.ready}{"\\n"}{end}\'',
      'get nodes -o jsonpath=\'{.items[*].status.addresses[?(@.type=="InternalIP")].address}\'',
      'get pod sb -o jsonpath=\'{.status.conditions[?(@.type=="Ready")].status}\'',
      'get svc nginx -o jsonpath={.spec.ports[0].nodePort}',
      'get pods -o jsonpath=\'{range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\n"}{end}\' --sort-by=.spec.nodeName',
      'get pods -o custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,IP:.status.podIP',
      'get svc -o custom-columns=NAME:.metadata.name,NODEPORT:.spec.ports[0].nodePort --no-headers',
    ]);
    await expect(text).toMatchFileSnapshot(golden('output-formats.txt'));
  });

  test('a single named object prints as itself; several as a List', () => {
    const k = withWalkthrough();
    k.cluster.settle();
    const one = k.run('get pod sb -o json');
    expect(JSON.parse(one.stdout)).toMatchObject({ kind: 'Pod', metadata: { name: 'sb' } });
    const two = k.run('get pod sb test -o json');
    const list = JSON.parse(two.stdout) as {
      kind: string;
      items: Array<{ metadata: { name: string } }>;
    };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.metadata.name)).toEqual(['sb', 'test']);
    expect(k.run('get pods -l app=nothing -o yaml').stdout).toBe(
      'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    );
  });
});

describe('kubectl get: errors and empty results', () => {
  const k = withWalkthrough();
  k.cluster.settle();

  test.each<[string, string, string, number]>([
    ['get pod nope', '', 'Error from server (NotFound): pods "nope" not found\n', 1],
    ['get deploy nope', '', 'Error from server (NotFound): deployments.apps "nope" not found\n', 1],
    ['get pod nope -o yaml', '', 'Error from server (NotFound): pods "nope" not found\n', 1],
    ['get pod nope --ignore-not-found', '', '', 0],
    ['get secrets', '', 'No resources found in default namespace.\n', 0],
    ['get pods -n kube-public', '', 'No resources found in kube-public namespace.\n', 0],
    ['get pods -n nowhere', '', 'No resources found in nowhere namespace.\n', 0],
    ['get secrets -A', '', 'No resources found\n', 0],
    ['get nodes -l disk=ssd', '', 'No resources found\n', 0],
    ['get ingress,secrets', '', 'No resources found in default namespace.\n', 0],
    ['get pods -l app=nothing -o name', '', '', 0],
    [
      'get pods -o foo',
      '',
      'error: unable to match a printer suitable for the output format "foo", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n',
      1,
    ],
    ['get pods -o jsonpath', '', 'error: template format specified but no template given\n', 1],
    [
      "get pods -o jsonpath='{.items[0'",
      '',
      'error: error parsing jsonpath {.items[0, unclosed array expect ]\n',
      1,
    ],
    [
      'get pods -o jsonpath={.items[9].metadata.name}',
      '',
      'error: error executing jsonpath "{.items[9].metadata.name}": Error executing template: array index out of bounds: index 9, length 5. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.items[9].metadata.name}\n',
      1,
    ],
    [
      'get pods -o custom-columns=NAME',
      '',
      'error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n',
      1,
    ],
    [
      'get pods --show-labels -o yaml',
      '',
      'error: --show-labels option cannot be used with yaml printer\n',
      1,
    ],
    ['get foo', '', 'error: the server doesn\'t have a resource type "foo"\n', 1],
    ['get pods,foo', '', 'error: the server doesn\'t have a resource type "foo"\n', 1],
    [
      'get pod sb -A',
      '',
      'error: a resource cannot be retrieved by name across all namespaces\n',
      1,
    ],
    [
      'get pod sb -l app=sb1314',
      '',
      'error: name cannot be provided when a selector is specified\n',
      1,
    ],
    [
      'get pods --field-selector status.hostIP=192.168.100.11',
      '',
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "status.hostIP=192.168.100.11": field label not supported: status.hostIP\n',
      1,
    ],
    [
      'get deploy --field-selector spec.replicas=3',
      '',
      'Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that match label selector "", field selector "spec.replicas=3": "spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"\n',
      1,
    ],
    [
      'get pods --field-selector spec.nodeName',
      '',
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.nodeName": invalid selector: \'spec.nodeName\'; can\'t understand \'spec.nodeName\'\n',
      1,
    ],
    [
      'get pods --sort-by=.spec.nothing',
      '',
      'error: couldn\'t find any field with path "{.spec.nothing}" in the list of objects\n',
      1,
    ],
    ['get pods --foo', '', "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n", 1],
  ])('%s', (line, stdout, stderr, exitCode) => {
    expect(k.run(line)).toEqual({ stdout, stderr, exitCode });
  });

  test('no type at all', () => {
    expect(k.run('get')).toEqual({
      stdout: '',
      stderr:
        'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n' +
        'error: Required resource not specified.\n' +
        'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\n' +
        "See 'kubectl get -h' for help and examples\n",
      exitCode: 1,
    });
  });

  test('several names: the rows found, then an error per missing name', () => {
    const r = k.run('get pods sb nope test gone');
    expect(r.stdout).toBe(
      'NAME   READY   STATUS    RESTARTS   AGE\n' +
        'sb     1/1     Running   0          ' +
        r.stdout.split('\n')[1]!.split(/\s+/)[4] +
        '\n' +
        'test   3/3     Running   0          ' +
        r.stdout.split('\n')[2]!.split(/\s+/)[4] +
        '\n',
    );
    expect(r.stderr).toBe(
      'Error from server (NotFound): pods "nope" not found\nError from server (NotFound): pods "gone" not found\n',
    );
    expect(r.exitCode).toBe(1);
  });

  test('several names with -o name: the names found, then the errors', () => {
    expect(k.run('get pod/sb svc/nope -o name')).toEqual({
      stdout: 'pod/sb\n',
      stderr: 'Error from server (NotFound): services "nope" not found\n',
      exitCode: 1,
    });
  });

  test('--help prints the help', async () => {
    const r = k.run('get --help');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    await expect(r.stdout).toMatchFileSnapshot(golden('help.txt'));
  });

  test('TYPE.VERSION.GROUP names the same resource', () => {
    expect(k.run('get deployments.v1.apps -o name')).toEqual({
      stdout: 'deployment.apps/httpd2\n',
      stderr: '',
      exitCode: 0,
    });
    expect(k.run('get deployment.v1.apps/httpd2 -o name').stdout).toBe('deployment.apps/httpd2\n');
    expect(k.run('get deployments.v2.apps').stderr).toBe(
      'error: the server doesn\'t have a resource type "deployments.v2.apps"\n',
    );
  });

  test('several types with one name: each type is asked for that name', () => {
    const r = k.run('get deploy,svc httpd2');
    expect(r.stdout.split('\n').map((l) => l.split(/\s+/)[0])).toEqual([
      'NAME',
      'deployment.apps/httpd2',
      '',
      'NAME',
      'service/httpd2',
      '',
    ]);
    expect(r.exitCode).toBe(0);
  });
});

describe('kubectl get: several kinds in one table run', () => {
  test('kind prefixes appear whenever several types were asked for, even if one is empty', () => {
    const k = kubectlFixture();
    expect(k.run('get deploy,svc').stdout).toBe(
      'NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n' +
        'service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   10m\n',
    );
    expect(k.run('get all').stdout).toBe(
      'NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n' +
        'service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   10m\n',
    );
  });
});
