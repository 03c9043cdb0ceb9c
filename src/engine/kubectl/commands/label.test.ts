import { describe, expect, test } from 'vitest';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';

/** A pod with a label, a deployment without labels, a node. */
const OBJECTS = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: db
  labels:
    app: db
spec:
  containers:
  - name: redis
    image: redis
---
apiVersion: v1
kind: Pod
metadata:
  name: bare
spec:
  containers:
  - name: nginx
    image: nginx
`;

function fixture(): KubectlFixture {
  const k = kubectlFixture();
  for (const o of k.cluster.apply(OBJECTS).outcomes) expect(o.ok).toBe(true);
  k.cluster.settle();
  return k;
}

const labelsOf = (k: KubectlFixture, name: string) =>
  k.cluster.store.get('Pod', 'default', name)?.metadata.labels;
const annotationsOf = (k: KubectlFixture, name: string) => {
  const a = { ...k.cluster.store.get('Pod', 'default', name)?.metadata.annotations };
  delete a['kubectl.kubernetes.io/last-applied-configuration'];
  return a;
};

const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, stdout = '') => ({ stdout, stderr, exitCode: 1 });

describe('kubectl label', () => {
  test('adds, refuses to overwrite, overwrites, reports no change', () => {
    const k = fixture();
    expect(k.run('label pod web tier=frontend')).toEqual(ok('pod/web labeled\n'));
    expect(labelsOf(k, 'web')).toEqual({ app: 'web', tier: 'frontend' });
    expect(k.run('label pod web app=x')).toEqual(
      fail("error: 'app' already has a value (web), and --overwrite is false\n"),
    );
    // Even the same value needs --overwrite (label.go validateNoOverwrites).
    expect(k.run('label pod web app=web')).toEqual(
      fail("error: 'app' already has a value (web), and --overwrite is false\n"),
    );
    expect(k.run('label pod web app=x --overwrite')).toEqual(ok('pod/web labeled\n'));
    expect(k.run('label --overwrite pods web app=x')).toEqual(ok('pod/web not labeled\n'));
    expect(labelsOf(k, 'web')).toEqual({ app: 'x', tier: 'frontend' });
  });

  test('several conflicting keys print one line each, without error:', () => {
    const k = fixture();
    k.run('label pod web tier=a');
    expect(k.run('label pod web app=1 tier=2')).toEqual(
      fail(
        "'app' already has a value (web), and --overwrite is false\n" +
          "'tier' already has a value (a), and --overwrite is false\n",
      ),
    );
  });

  test('removal: unlabeled, missing keys reported, empty label maps', () => {
    const k = fixture();
    expect(k.run('label pod web app- nope-')).toEqual(
      ok('label "nope" not found.\npod/web unlabeled\n'),
    );
    expect(labelsOf(k, 'web')).toBeUndefined();
    // Removing with --overwrite says "labeled" (updateDataChangeMsg only says unlabeled without it).
    k.run('label pod db tier=x');
    expect(k.run('label pod db tier- --overwrite')).toEqual(ok('pod/db labeled\n'));
    // An object with no labels at all: kubectl sets an empty map, so the JSON grows: "labeled".
    expect(k.run('label pod bare nope-')).toEqual(
      ok('label "nope" not found.\npod/bare labeled\n'),
    );
    // An object with labels that lacks the key: nothing changes.
    expect(k.run('label pod db nope-')).toEqual(
      ok('label "nope" not found.\npod/db not labeled\n'),
    );
  });

  test('TYPE/NAME, several names, -l, --all, -A', () => {
    const k = fixture();
    expect(k.run('label pod/web pod/db x=1')).toEqual(ok('pod/web labeled\npod/db labeled\n'));
    expect(k.run('label pods web db y=2')).toEqual(ok('pod/web labeled\npod/db labeled\n'));
    expect(k.run('label pods -l app=web z=3')).toEqual(ok('pod/web labeled\n'));
    expect(k.run('label pods --all w=4')).toEqual(
      ok('pod/bare labeled\npod/db labeled\npod/web labeled\n'),
    );
    expect(k.run('label pods -l app=nothing z=3')).toEqual(ok(''));
    expect(k.run('label pods -l app=web -n kube-system z=3')).toEqual(ok(''));
    expect(k.run('label pods -A -l app=web v=5')).toEqual(ok('pod/web labeled\n'));
    expect(labelsOf(k, 'web')).toEqual({ app: 'web', v: '5', w: '4', x: '1', y: '2', z: '3' });
  });

  test('nodes are cluster-scoped', () => {
    const k = fixture();
    expect(k.run('label node node1 disktype=ssd')).toEqual(ok('node/node1 labeled\n'));
    expect(k.cluster.store.get('Node', undefined, 'node1')?.metadata.labels?.disktype).toBe('ssd');
  });

  test('missing objects are reported after the others', () => {
    const k = fixture();
    expect(k.run('label pods web nope a=b')).toEqual(
      fail('Error from server (NotFound): pods "nope" not found\n', 'pod/web labeled\n'),
    );
    expect(k.run('label pods nope1 nope2 a=b')).toEqual(
      fail(
        'Error from server (NotFound): pods "nope1" not found\n' +
          'Error from server (NotFound): pods "nope2" not found\n',
      ),
    );
  });

  test('--record', () => {
    const k = fixture();
    expect(k.run('label pod web a=b --record')).toEqual({
      stdout: 'pod/web labeled\n',
      stderr: 'Flag --record has been deprecated, --record will be removed in the future\n',
      exitCode: 0,
    });
    expect(annotationsOf(k, 'web')).toEqual({
      'kubernetes.io/change-cause': 'kubectl label pod web a=b --record=true',
    });
    k.run('annotate pod db x=1 --record');
    expect(annotationsOf(k, 'db')).toEqual({
      x: '1',
      'kubernetes.io/change-cause': 'kubectl annotate pod db x=1 --record=true',
    });
  });

  test('--list', () => {
    const k = fixture();
    expect(k.run('label pod web --list')).toEqual(ok('app=web\n'));
    expect(k.run('label pods --all --list')).toEqual(
      ok(
        'Listing labels for Pod./bare:\n' +
          'Listing labels for Pod./db:\n app=db\n' +
          'Listing labels for Pod./web:\n app=web\n',
      ),
    );
  });

  test('--dry-run and --resource-version', () => {
    const k = fixture();
    expect(k.run('label pod web a=b --dry-run=client')).toEqual(ok('pod/web labeled (dry run)\n'));
    expect(k.run('label pod web a=b --dry-run=server')).toEqual(
      ok('pod/web labeled (server dry run)\n'),
    );
    expect(labelsOf(k, 'web')).toEqual({ app: 'web' });
    expect(k.run('label pod web a=b --resource-version=1')).toEqual(
      fail(
        'Error from server (Conflict): Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again\n',
      ),
    );
    const rv = k.cluster.store.get('Pod', 'default', 'web')?.metadata.resourceVersion ?? '';
    expect(k.run(`label pod web a=b --resource-version=${rv}`)).toEqual(ok('pod/web labeled\n'));
    expect(k.run('label pods web db a=c --resource-version=1')).toEqual(
      fail('error: --resource-version may only be used with a single resource\n'),
    );
  });

  test.each([
    ['label pod web', 'error: at least one label update is required\n'],
    [
      'label a=b',
      'error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n',
    ],
    ['label pod web a=b c', 'error: all resources must be specified before label changes: c\n'],
    ['label pod web a=b=c', 'error: invalid label spec: a=b=c\n'],
    ['label pod web a=b a-', 'error: can not both modify and remove a label in the same command\n'],
    [
      'label pods --all -l app=web a=b',
      'error: cannot set --all and --selector at the same time\n',
    ],
    ['label pods a=b', 'error: resource(s) were provided, but no name was specified\n'],
    [
      'label pods web -l app=web a=b',
      'error: name cannot be provided when a selector is specified\n',
    ],
    ['label foos web a=b', 'error: the server doesn\'t have a resource type "foos"\n'],
    [
      'label pod web --dry-run=maybe a=b',
      'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n',
    ],
    [
      'label pod web a=-x',
      "error: invalid label value: \"a=-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
    ],
  ])('%s', (line, stderr) => {
    const k = fixture();
    expect(k.run(line)).toEqual(fail(stderr));
  });

  test('the API server validates keys', () => {
    const k = fixture();
    expect(k.run('label pod web -bad=x')).toEqual(
      fail("error: unknown shorthand flag: 'b' in -bad=x\nSee 'kubectl label --help' for usage.\n"),
    );
    const r = k.run('label pod web bad_key/x=1');
    expect(r.exitCode).toBe(1);
    expect(
      r.stderr.startsWith('The Pod "web" is invalid: metadata.labels: Invalid value: "bad_key/x"'),
    ).toBe(true);
  });
});

describe('kubectl annotate', () => {
  test('adds, refuses changes without --overwrite, allows the same value', () => {
    const k = fixture();
    expect(k.run('annotate pod web note=hello')).toEqual(ok('pod/web annotated\n'));
    expect(k.run('annotate pod web note=hello')).toEqual(ok('pod/web annotated\n'));
    expect(k.run('annotate pod web note=bye other=1')).toEqual(
      fail(
        "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (hello)\n",
      ),
    );
    expect(k.run('annotate pod web note=bye --overwrite')).toEqual(ok('pod/web annotated\n'));
    expect(annotationsOf(k, 'web')).toEqual({ note: 'bye' });
  });

  test('values may hold = and spaces; change-cause is always overwritable; removal', () => {
    const k = fixture();
    expect(k.run("annotate pod web description='my frontend' q=a=b")).toEqual(
      ok('pod/web annotated\n'),
    );
    k.run('annotate pod web kubernetes.io/change-cause=one');
    expect(k.run('annotate pod web kubernetes.io/change-cause=two')).toEqual(
      ok('pod/web annotated\n'),
    );
    expect(k.run('annotate pod web q- nothing-')).toEqual(ok('pod/web annotated\n'));
    expect(annotationsOf(k, 'web')).toEqual({
      description: 'my frontend',
      'kubernetes.io/change-cause': 'two',
    });
  });

  test('playground faults are set and healed with annotate', () => {
    const k = fixture();
    expect(k.run('annotate node node2 playground/fault=down')).toEqual(
      ok('node/node2 annotated\n'),
    );
    expect(k.run('annotate node node2 playground/fault-')).toEqual(ok('node/node2 annotated\n'));
    expect(
      k.cluster.store.get('Node', undefined, 'node2')?.metadata.annotations?.['playground/fault'],
    ).toBeUndefined();
  });

  test('--list', () => {
    const k = fixture();
    k.run('annotate pod web b=2 a=1');
    expect(k.run('annotate pod db --list')).toEqual(
      ok(
        `kubectl.kubernetes.io/last-applied-configuration=${k.cluster.store.get('Pod', 'default', 'db')?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']}\n`,
      ),
    );
  });

  test.each([
    ['annotate pod web', 'error: at least one annotation update is required\n'],
    [
      'annotate pod web a=1 a-',
      'error: can not both modify and remove the following annotation(s) in the same command: a\n',
    ],
    [
      'annotate pod web a=1 x',
      'error: all resources must be specified before annotation changes: x\n',
    ],
    ['annotate pod nope a=1', 'Error from server (NotFound): pods "nope" not found\n'],
  ])('%s', (line, stderr) => {
    const k = fixture();
    expect(k.run(line)).toEqual(fail(stderr));
  });
});
