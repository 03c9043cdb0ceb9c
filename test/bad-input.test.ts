/**
 * Bad input gets the real error and changes nothing: typed at the shell, each of these prints
 * what bash or kubectl prints, exits non-zero, and leaves the cluster (every object, every
 * resourceVersion) and the workspace exactly as they were.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../src/engine';
import type { Cluster } from '../src/engine';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

const BROKEN_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: broken
   labels: {}
`;

const UNKNOWN_FIELD = `apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
  - name: c
    image: nginx
    imagePullPolicy: Always
    ports:
    - containerPort: 80
      protocl: TCP
`;

const INVALID = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: Bad_Name
spec:
  selector:
    matchLabels:
      app: x
  template:
    metadata:
      labels:
        app: other
    spec:
      containers:
      - name: c
        image: nginx
`;

function snapshot(c: Cluster): string {
  const kinds = ['Namespace', 'Node', 'Pod', 'Service', 'Deployment', 'ReplicaSet', 'Event'];
  return JSON.stringify({
    rv: c.store.resourceVersion,
    objects: kinds.map((k) => c.store.list(k).map((o) => o.metadata.resourceVersion)),
    files: c.workspace.list().map((f) => [f, c.workspace.read(f)]),
  });
}

describe('bad input gets a clear error and changes nothing', () => {
  const cluster = createCluster({
    seed: 1,
    files: {
      'web.yml': DEPLOYMENT,
      'broken.yml': BROKEN_YAML,
      'typo.yml': UNKNOWN_FIELD,
      'invalid.yml': INVALID,
      'norway.yml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: norway\n  labels:\n    country: n\nspec:\n  containers:\n  - name: c\n    image: nginx\n',
    },
  });
  cluster.shell.run('kubectl apply -f web.yml');
  cluster.settle();

  it.each([
    ['foo', '', 'bash: foo: command not found\n', 127],
    ['kubectl frobnicate', '', 'error: unknown command "frobnicate" for "kubectl"\n', 1],
    [
      'kubectl gett pods',
      '',
      'error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tget\n\tset\n',
      1,
    ],
    [
      'kubectl get pods --foo',
      '',
      "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n",
      1,
    ],
    [
      'kubectl scale deploy/web --replicas=abc',
      '',
      'error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax\n' +
        "See 'kubectl scale --help' for usage.\n",
      1,
    ],
    ['kubectl apply -f nope.yml', '', 'error: the path "nope.yml" does not exist\n', 1],
    ['kubectl get foo', '', 'error: the server doesn\'t have a resource type "foo"\n', 1],
    [
      'kubectl get deploy nope',
      '',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
      1,
    ],
    ['kubectl delete pod nope', '', 'Error from server (NotFound): pods "nope" not found\n', 1],
    [
      'kubectl scale deploy/nope --replicas=3',
      '',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
      1,
    ],
    [
      'kubectl set image deploy/web nope=nginx:1.26',
      '',
      'error: unable to find container named "nope"\n',
      1,
    ],
  ])('%s', (line, stdout, stderr, exitCode) => {
    const before = snapshot(cluster);
    expect(cluster.shell.run(line)).toEqual({ stdout, stderr, exitCode });
    expect(snapshot(cluster)).toBe(before);
  });

  it.each([
    [
      'kubectl apply -f broken.yml',
      /^error: error parsing broken\.yml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context\n$/,
    ],
    [
      'kubectl apply -f typo.yml',
      /^Error from server \(BadRequest\): error when creating "typo\.yml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec\.containers\[0\]\.ports\[0\]\.protocl"\n$/,
    ],
    [
      'kubectl apply -f invalid.yml',
      /^The Deployment "Bad_Name" is invalid: \n\* metadata\.name: Invalid value: "Bad_Name": /,
    ],
    [
      'kubectl apply -f norway.yml',
      // YAML 1.1 (go-yaml v2, as kubectl decodes): a bare `n` is false, not a string.
      /^Error from server \(BadRequest\): error when creating "norway\.yml": Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field ObjectMeta\.metadata\.labels of type string\n$/,
    ],
  ])('%s: the manifest error, and nothing applied', (line, stderr) => {
    const before = snapshot(cluster);
    const r = cluster.shell.run(line);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
    expect(snapshot(cluster)).toBe(before);
  });
});
