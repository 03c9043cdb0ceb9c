import { describe, expect, test } from 'vitest';
import type { KObject } from '../../api/types';
import type { DeploymentObj, ReplicaSetObj } from '../../controllers/deployment/util';
import { formatTimestamp } from '../../sim/clock';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';
import { rolloutCommand } from './rollout';
import { setCommand } from './set';
import { OPTIONS_TIP, wordWrap } from '../help';

/** The classic lesson's Deployment (../shared/seeds/000_bf168c2108491189.txt). */
const HTTPD2 = `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: httpd2
  name: httpd2
spec:
  replicas: 3
  selector:
    matchLabels:
      app: httpd2
  template:
    metadata:
      labels:
        app: httpd2
    spec:
      containers:
      - image: 3199560936/httpd:v0.4
        name: httpd2
`;

/** A fresh cluster with httpd2 applied and rolled out. */
function withHttpd2(extra = ''): KubectlFixture {
  const k = kubectlFixture();
  const result = k.cluster.apply(HTTPD2 + extra);
  for (const o of result.outcomes) expect(o.ok).toBe(true);
  k.cluster.advance(60_000);
  return k;
}

function deployment(k: KubectlFixture, name = 'httpd2'): DeploymentObj {
  const d = k.cluster.store.get<DeploymentObj>('Deployment', 'default', name);
  if (!d) throw new Error(`no deployment ${name}`);
  return d;
}

function replicaSets(k: KubectlFixture): ReplicaSetObj[] {
  return k.cluster.store
    .list<ReplicaSetObj>('ReplicaSet', { namespace: 'default' })
    .slice()
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
}

const revisionOf = (o: KObject): string | undefined =>
  o.metadata.annotations?.['deployment.kubernetes.io/revision'];

/** Run a line and expect it to succeed with exactly this output. */
function expectOk(k: KubectlFixture, line: string, stdout: string): void {
  expect(k.run(line)).toEqual({ stdout, stderr: '', exitCode: 0 });
}

/** Run a line and expect it to fail with exactly this stderr. */
function expectError(k: KubectlFixture, line: string, stderr: string, stdout = ''): void {
  expect(k.run(line)).toEqual({ stdout, stderr, exitCode: 1 });
}

describe('the classic lesson: set image, history, undo', () => {
  test('transcript (golden) and the cluster it leaves', async () => {
    const k = withHttpd2();
    const lines = [
      'set image deploy/httpd2 httpd2=httpd:v0.4',
      'rollout history deployment httpd2',
      'rollout history deployment httpd2 --revision=2',
      'rollout undo deployment httpd2 --to-revision=1',
      'rollout status deployment/httpd2',
      'rollout history deployment httpd2',
      'rollout history deployment httpd2 --revision=3',
    ];
    let transcript =
      '# kubectl 1.30 output for the rollout part of the classic lesson\n' +
      '# (shared/seeds/000_bf168c2108491189.txt; its --revision block comes from an older kubectl,\n' +
      '# without the Node-Selectors and Tolerations lines 1.30 adds). Tabs are raw, as\n' +
      '# rollout_history.go printTemplate writes them; the history header line ends in a space.\n';
    for (const line of lines) {
      const r = k.run(line);
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toBe('');
      transcript += `$ kubectl ${line}\n${r.stdout}`;
    }
    await expect(transcript).toMatchFileSnapshot('../__golden__/rollout-walkthrough.txt');

    // The ReplicaSet that was revision 1 is revision 3 now; 1 moved to its revision-history.
    const d = deployment(k);
    expect(revisionOf(d)).toBe('3');
    expect(d.spec?.template?.spec?.containers?.[0]?.image).toBe('3199560936/httpd:v0.4');
    const rss = replicaSets(k).map((rs) => ({
      name: rs.metadata.name,
      image: rs.spec?.template?.spec?.containers?.[0]?.image,
      replicas: rs.spec?.replicas,
      revision: revisionOf(rs),
      history: rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'],
    }));
    expect(rss).toEqual([
      {
        name: 'httpd2-57cfc5b586',
        image: 'httpd:v0.4',
        replicas: 0,
        revision: '2',
        history: undefined,
      },
      {
        name: 'httpd2-676b985746',
        image: '3199560936/httpd:v0.4',
        replicas: 3,
        revision: '3',
        history: '1',
      },
    ]);
  });

  test('history right after set image already lists the new revision', () => {
    const k = withHttpd2();
    expectOk(
      k,
      'set image deploy/httpd2 httpd2=httpd:v0.4',
      'deployment.apps/httpd2 image updated\n',
    );
    expectOk(
      k,
      'rollout history deployment httpd2',
      'deployment.apps/httpd2 \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n',
    );
  });
});

describe('rollout history', () => {
  test('--record fills CHANGE-CAUSE and the revision shows it among the template annotations', () => {
    const k = withHttpd2();
    const r = k.run('set image deploy/httpd2 httpd2=nginx:1.25 --record');
    expect(r).toEqual({
      stdout: 'deployment.apps/httpd2 image updated\n',
      stderr: 'Flag --record has been deprecated, --record will be removed in the future\n',
      exitCode: 0,
    });
    expectOk(
      k,
      'rollout history deploy/httpd2',
      'deployment.apps/httpd2 \n' +
        'REVISION  CHANGE-CAUSE\n' +
        '1         <none>\n' +
        '2         kubectl set image deploy/httpd2 httpd2=nginx:1.25 --record=true\n' +
        '\n',
    );
    const out = k.run('rollout history deploy/httpd2 --revision=2').stdout;
    expect(out.split('\n').slice(0, 5).join('\n')).toBe(
      'deployment.apps/httpd2 with revision #2\n' +
        'Pod Template:\n' +
        '  Labels:\tapp=httpd2\n' +
        `\tpod-template-hash=${replicaSets(k)[1]?.metadata.labels?.['pod-template-hash']}\n` +
        '  Annotations:\tkubernetes.io/change-cause: kubectl set image deploy/httpd2 httpd2=nginx:1.25 --record=true',
    );
  });

  test('a pod template with ports, command, env, resources, probes and volumes', () => {
    const k = kubectlFixture();
    k.cluster.apply(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      serviceAccountName: default
      initContainers:
      - name: init
        image: busybox:1.28.4
        command: [sh, -c, "echo hi"]
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
        - containerPort: 443
        env:
        - name: MODE
          value: prod
        - name: POD
          valueFrom:
            fieldRef: {fieldPath: metadata.name}
        resources:
          limits: {cpu: 500m, memory: 128Mi}
          requests: {cpu: 250m}
        readinessProbe:
          httpGet: {path: /healthz, port: 80}
        volumeMounts:
        - name: cache
          mountPath: /cache
      volumes:
      - name: cache
        emptyDir: {}
      nodeSelector: {disk: ssd}
      tolerations:
      - key: dedicated
        operator: Equal
        value: web
        effect: NoSchedule
`);
    k.cluster.advance(1_000);
    const hash = replicaSets(k)[0]?.metadata.labels?.['pod-template-hash'];
    expectOk(
      k,
      'rollout history deploy/web --revision=1',
      'deployment.apps/web with revision #1\n' +
        'Pod Template:\n' +
        '  Labels:\tapp=web\n' +
        `\tpod-template-hash=${hash}\n` +
        '\ttier=front\n' +
        '  Service Account:\tdefault\n' +
        '  Init Containers:\n' +
        '   init:\n' +
        '    Image:\tbusybox:1.28.4\n' +
        '    Port:\t<none>\n' +
        '    Host Port:\t<none>\n' +
        '    Command:\n' +
        '      sh\n' +
        '      -c\n' +
        '      echo hi\n' +
        '    Environment:\t<none>\n' +
        '    Mounts:\t<none>\n' +
        '  Containers:\n' +
        '   web:\n' +
        '    Image:\tnginx:1.25\n' +
        '    Ports:\t80/TCP, 443/TCP\n' +
        '    Host Ports:\t0/TCP, 0/TCP\n' +
        '    Limits:\n' +
        '      cpu:\t500m\n' +
        '      memory:\t128Mi\n' +
        '    Requests:\n' +
        '      cpu:\t250m\n' +
        '    Readiness:\thttp-get http://:80/healthz delay=0s timeout=1s period=10s #success=1 #failure=3\n' +
        '    Environment:\n' +
        '      MODE:\tprod\n' +
        '      POD:\t (v1:metadata.name)\n' +
        '    Mounts:\n' +
        '      /cache from cache (rw)\n' +
        '  Volumes:\n' +
        '   cache:\n' +
        "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n" +
        '    Medium:\t\n' +
        '    SizeLimit:\t<unset>\n' +
        '  Node-Selectors:\tdisk=ssd\n' +
        '  Tolerations:\tdedicated=web:NoSchedule\n' +
        '\n',
    );
  });

  test('every Deployment of the type, and a DaemonSet (no ControllerRevisions here)', () => {
    const k = withHttpd2();
    expectOk(
      k,
      'rollout history deployments -n kube-system',
      'deployment.apps/coredns \nREVISION  CHANGE-CAUSE\n1         <none>\n\n',
    );
    expectOk(
      k,
      'rollout history ds/kube-proxy -n kube-system',
      'daemonset.apps/kube-proxy \nNo rollout history found.\n',
    );
    expectOk(
      k,
      'rollout history deploy -l app=httpd2',
      'deployment.apps/httpd2 \nREVISION  CHANGE-CAUSE\n1         <none>\n\n',
    );
  });

  test.each([
    [
      'rollout history deploy/httpd2 --revision=7',
      'error: unable to find the specified revision\n',
    ],
    [
      'rollout history deploy/httpd2 --revision=-1',
      'error: revision must be a positive integer: -1\n',
    ],
    ['rollout history', 'error: required resource not specified\n'],
    [
      'rollout history deploy/nope',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    ],
    ['rollout history foo/bar', 'error: the server doesn\'t have a resource type "foo"\n'],
    [
      'rollout history svc/kubernetes',
      'error: error retrieving history for "Service", no visitor method exists for { Service}\n',
    ],
    [
      'rollout history deploy/httpd2 -l app=httpd2',
      'error: name cannot be provided when a selector is specified\n',
    ],
  ])('%s', (line, stderr) => {
    expectError(withHttpd2(), line, stderr);
  });

  test('a kind without history', () => {
    const k = withHttpd2();
    const rs = replicaSets(k)[0]?.metadata.name ?? '';
    expectError(
      k,
      `rollout history rs/${rs}`,
      'error: no history viewer has been implemented for "ReplicaSet.apps"\n',
    );
  });
});

describe('rollout undo', () => {
  test('the default goes back one revision; the Deployment takes the ReplicaSet annotations', () => {
    const k = withHttpd2();
    k.run('set image deploy/httpd2 httpd2=nginx:1.25 --record');
    k.cluster.advance(60_000);
    const before = deployment(k);
    expect(before.metadata.annotations?.['kubernetes.io/change-cause']).toBe(
      'kubectl set image deploy/httpd2 httpd2=nginx:1.25 --record=true',
    );
    expectOk(k, 'rollout undo deploy/httpd2', 'deployment.apps/httpd2 rolled back\n');
    // Revision 1's ReplicaSet had no change-cause, so the Deployment loses its own; the
    // skip-listed annotations (last-applied, revision) are the Deployment's.
    const after = deployment(k);
    expect(Object.keys(after.metadata.annotations ?? {}).sort()).toEqual([
      'deployment.kubernetes.io/revision',
      'kubectl.kubernetes.io/last-applied-configuration',
    ]);
    expect(after.spec?.template?.metadata?.labels).toEqual({ app: 'httpd2' });
    expect(after.spec?.template?.spec?.containers?.[0]?.image).toBe('3199560936/httpd:v0.4');
    k.cluster.advance(60_000);
    expectOk(
      k,
      'rollout history deploy/httpd2',
      'deployment.apps/httpd2 \n' +
        'REVISION  CHANGE-CAUSE\n' +
        '2         kubectl set image deploy/httpd2 httpd2=nginx:1.25 --record=true\n' +
        '3         <none>\n' +
        '\n',
    );
    // And back again: revision 2's change-cause comes back with it.
    expectOk(k, 'rollout undo deploy/httpd2', 'deployment.apps/httpd2 rolled back\n');
    expect(deployment(k).metadata.annotations?.['kubernetes.io/change-cause']).toBe(
      'kubectl set image deploy/httpd2 httpd2=nginx:1.25 --record=true',
    );
  });

  test('to the revision that is already running: skipped', () => {
    const k = withHttpd2();
    k.run('set image deploy/httpd2 httpd2=nginx:1.25');
    k.cluster.advance(0); // the controller's writes for the new template
    const rv = deployment(k).metadata.resourceVersion;
    expectOk(
      k,
      'rollout undo deploy/httpd2 --to-revision=2',
      'deployment.apps/httpd2 skipped rollback (current template already matches revision 2)\n',
    );
    expect(deployment(k).metadata.resourceVersion).toBe(rv);
  });

  test('paused, then resumed', () => {
    const k = withHttpd2();
    k.run('set image deploy/httpd2 httpd2=nginx:1.25');
    k.cluster.advance(10_000);
    expectOk(k, 'rollout pause deploy/httpd2', 'deployment.apps/httpd2 paused\n');
    expectError(
      k,
      'rollout undo deploy/httpd2',
      "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/httpd2' and try again\n",
    );
    expectOk(k, 'rollout resume deploy/httpd2', 'deployment.apps/httpd2 resumed\n');
    expectOk(k, 'rollout undo deploy/httpd2', 'deployment.apps/httpd2 rolled back\n');
  });

  test.each([
    ['rollout undo deploy/httpd2', 'error: no rollout history found for deployment "httpd2"\n'],
    [
      'rollout undo deploy/httpd2 --to-revision=7',
      'error: unable to find specified revision 7 in history\n',
    ],
    [
      'rollout undo deploy/httpd2 --to-revision=-2',
      'error: unable to find specified revision -2 in history\n',
    ],
    ['rollout undo', 'error: required resource not specified\n'],
    [
      'rollout undo deploy/nope',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    ],
    ['rollout undo ds/kube-proxy -n kube-system', 'error: no last revision to roll back to\n'],
    [
      'rollout undo svc/kubernetes',
      'error: error retrieving rollbacker for "Service", no visitor method exists for { Service}\n',
    ],
  ])('%s', (line, stderr) => {
    expectError(withHttpd2(), line, stderr);
  });

  test('a Pod has no rollbacker', () => {
    const k = withHttpd2(`---
apiVersion: v1
kind: Pod
metadata: {name: test}
spec:
  containers: [{name: nginx, image: nginx}]
`);
    expectError(
      k,
      'rollout undo pod/test',
      'error: no rollbacker has been implemented for "Pod"\n',
    );
  });
});

describe('rollout status', () => {
  test('a finished rollout returns at once, without letting time pass', () => {
    const k = withHttpd2();
    const t0 = k.cluster.now();
    expectOk(k, 'rollout status deploy/httpd2', 'deployment "httpd2" successfully rolled out\n');
    expect(k.cluster.now()).toBe(t0);
  });

  test('watches a rolling update to the end, one line per new message', () => {
    const k = withHttpd2();
    k.run('set image deploy/httpd2 httpd2=httpd:2.4');
    const t0 = k.cluster.now();
    expectOk(
      k,
      'rollout status deployment/httpd2',
      'Waiting for deployment "httpd2" rollout to finish: 1 out of 3 new replicas have been updated...\n' +
        'Waiting for deployment "httpd2" rollout to finish: 2 out of 3 new replicas have been updated...\n' +
        'Waiting for deployment "httpd2" rollout to finish: 1 old replicas are pending termination...\n' +
        'deployment "httpd2" successfully rolled out\n',
    );
    const waited = k.cluster.now() - t0;
    expect(waited).toBeGreaterThan(0);
    expect(waited % 100).toBe(0); // whole watch steps
    expect(deployment(k).status?.updatedReplicas).toBe(3);
    expect(deployment(k).status?.availableReplicas).toBe(3);
  });

  test('--watch=false prints the current status once', () => {
    const k = withHttpd2();
    k.run('set image deploy/httpd2 httpd2=httpd:v0.4');
    const t0 = k.cluster.now();
    expectOk(
      k,
      'rollout status deploy/httpd2 --watch=false',
      'Waiting for deployment "httpd2" rollout to finish: 1 out of 3 new replicas have been updated...\n',
    );
    expect(k.cluster.now()).toBe(t0);
  });

  test('--timeout ends the watch after that much virtual time', () => {
    const k = withHttpd2();
    k.run('set image deploy/httpd2 httpd2=nginx:notfound');
    const t0 = k.cluster.now();
    expectError(
      k,
      'rollout status deploy/httpd2 --timeout=30s',
      'error: timed out waiting for the condition\n',
      'Waiting for deployment "httpd2" rollout to finish: 1 out of 3 new replicas have been updated...\n',
    );
    expect(k.cluster.now() - t0).toBe(30_000);
  });

  test('a stuck rollout ends with the progress deadline error', () => {
    const k = withHttpd2();
    k.run('set image deploy/httpd2 httpd2=nginx:notfound');
    const t0 = k.cluster.now();
    expectError(
      k,
      'rollout status deploy/httpd2',
      'error: deployment "httpd2" exceeded its progress deadline\n',
      'Waiting for deployment "httpd2" rollout to finish: 1 out of 3 new replicas have been updated...\n',
    );
    // progressDeadlineSeconds (600) plus the controller's one-second re-check.
    const waited = k.cluster.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(600_000);
    expect(waited).toBeLessThanOrEqual(602_000);
    // Asked again, it fails at once.
    expectError(
      k,
      'rollout status deploy/httpd2',
      'error: deployment "httpd2" exceeded its progress deadline\n',
    );
  });

  test('without a deadline, "forever" is capped at 15 minutes of virtual time', () => {
    const k = kubectlFixture();
    k.cluster.apply(
      HTTPD2.replace('  replicas: 3\n', '  replicas: 1\n  progressDeadlineSeconds: 2147483647\n'),
    );
    k.cluster.advance(60_000);
    k.run('set image deploy/httpd2 httpd2=nginx:notfound');
    const t0 = k.cluster.now();
    const r = k.run('rollout status deploy/httpd2');
    expect(r.stderr).toBe('error: timed out waiting for the condition\n');
    expect(k.cluster.now() - t0).toBe(15 * 60_000);
  });

  test('a Deployment deleted while watched', () => {
    const k = withHttpd2();
    k.run('set image deploy/httpd2 httpd2=nginx:notfound');
    k.cluster.clock.schedule(5_000, 'test', () => {
      k.cluster.store.delete('Deployment', 'default', 'httpd2', { actor: 'test' });
    });
    expectError(
      k,
      'rollout status deploy/httpd2',
      'error: object has been deleted\n',
      'Waiting for deployment "httpd2" rollout to finish: 1 out of 3 new replicas have been updated...\n',
    );
  });

  test('a DaemonSet', () => {
    expectOk(
      withHttpd2(),
      'rollout status ds/kube-proxy -n kube-system',
      'daemon set "kube-proxy" successfully rolled out\n',
    );
  });

  test.each([
    ['rollout status', 'error: required resource not specified\n'],
    [
      'rollout status deploy/httpd2 --revision=5',
      'error: desired revision (5) is different from the running revision (1)\n',
    ],
    [
      'rollout status deploy/httpd2 --revision=-1',
      'error: revision must be a positive integer: -1\n',
    ],
    [
      'rollout status deploy/nope',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    ],
    [
      'rollout status deployments -n kube-system -l k8s-app=nothing',
      'error: rollout status is only supported on individual resources and resource collections - 0 resources were found\n',
    ],
    ['rollout status svc/kubernetes', 'error: no status viewer has been implemented for Service\n'],
    [
      'rollout status deploy/httpd2 --timeout=5',
      'error: invalid argument "5" for "--timeout" flag: time: missing unit in duration "5"\n' +
        "See 'kubectl rollout status --help' for usage.\n",
    ],
  ])('%s', (line, stderr) => {
    expectError(withHttpd2(), line, stderr);
  });

  test('two Deployments at once', () => {
    const k = withHttpd2(
      HTTPD2.replaceAll('httpd2', 'web').replace('apiVersion', '---\napiVersion'),
    );
    expectError(
      k,
      'rollout status deployments',
      'error: rollout status is only supported on individual resources and resource collections - 2 resources were found\n',
    );
  });
});

describe('rollout restart, pause, resume', () => {
  test('restart stamps the template with the virtual time and rolls the pods', () => {
    const k = withHttpd2();
    const now = k.cluster.now();
    expectOk(k, 'rollout restart deploy/httpd2', 'deployment.apps/httpd2 restarted\n');
    expect(
      deployment(k).spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'],
    ).toBe(formatTimestamp(now));
    expect(formatTimestamp(now)).toBe('2024-06-03T08:11:00Z');
    // The same second again changes nothing: kubectl says so, yet prints "restarted".
    expectError(
      k,
      'rollout restart deploy/httpd2',
      'error: failed to create patch for httpd2: empty patch\n',
      'deployment.apps/httpd2 restarted\n',
    );
    expect(k.run('rollout status deploy/httpd2').stdout).toMatch(
      /^Waiting for [^\n]*\n(?:.*\n)*deployment "httpd2" successfully rolled out\n$/,
    );
    expect(replicaSets(k).map(revisionOf).sort()).toEqual(['1', '2']);
  });

  test('pause holds a new template back until resume', () => {
    const k = withHttpd2();
    expectOk(k, 'rollout pause deploy/httpd2', 'deployment.apps/httpd2 paused\n');
    expect(deployment(k).spec?.paused).toBe(true);
    expectError(
      k,
      'rollout pause deploy/httpd2',
      'error: deployments.apps "httpd2" is already paused\n',
    );
    expectError(
      k,
      'rollout restart deploy/httpd2',
      `error: deployments.apps "httpd2" can't restart paused deployment (run rollout resume first)\n`,
    );
    k.run('set image deploy/httpd2 httpd2=httpd:v0.4');
    k.cluster.advance(60_000);
    expect(replicaSets(k)).toHaveLength(1);
    expectOk(k, 'rollout resume deploy/httpd2', 'deployment.apps/httpd2 resumed\n');
    expect(deployment(k).spec?.paused).toBeUndefined();
    expectError(
      k,
      'rollout resume deploy/httpd2',
      'error: deployments.apps "httpd2" is not paused\n',
    );
    k.cluster.advance(60_000);
    expect(replicaSets(k)).toHaveLength(2);
  });

  test('several objects: the errors come after what did change', () => {
    const k = withHttpd2(
      HTTPD2.replaceAll('httpd2', 'web').replace('apiVersion', '---\napiVersion'),
    );
    k.run('rollout pause deploy/httpd2');
    expectError(
      k,
      'rollout pause deploy/httpd2 svc/kubernetes deploy/web',
      'error: deployments.apps "httpd2" is already paused\n' +
        'error: services "kubernetes" pausing is not supported\n',
      'deployment.apps/web paused\n',
    );
  });

  test.each([
    ['rollout pause', 'error: required resource not specified\n'],
    ['rollout resume svc/kubernetes', 'error: services "kubernetes" resuming is not supported\n'],
    [
      'rollout restart svc/kubernetes',
      'error: services "kubernetes" restarting is not supported\n',
    ],
    [
      'rollout restart deploy/nope',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    ],
  ])('%s', (line, stderr) => {
    expectError(withHttpd2(), line, stderr);
  });

  test('restart a DaemonSet, and every Deployment with a label', () => {
    const k = withHttpd2();
    expectOk(
      k,
      'rollout restart ds/kube-proxy -n kube-system',
      'daemonset.apps/kube-proxy restarted\n',
    );
    expectOk(k, 'rollout restart deploy -l app=httpd2', 'deployment.apps/httpd2 restarted\n');
  });
});

describe('help', () => {
  test('`kubectl rollout` alone and --help print the group help', () => {
    const k = kubectlFixture();
    // Alone, a group prints its help on stderr and exits 1 (cmdutil.DefaultSubCommandRun).
    expect(k.run('rollout')).toEqual({ stdout: '', stderr: rolloutCommand.help, exitCode: 1 });
    expectOk(k, 'rollout --help', rolloutCommand.help);
    expect(k.run('set')).toEqual({ stdout: '', stderr: setCommand.help, exitCode: 1 });
    expect(rolloutCommand.help.split('\n').slice(0, 7)).toEqual([
      'Manage the rollout of one or many resources.',
      '        ',
      ' Valid resource types include:',
      '',
      '  *  deployments',
      '  *  daemonsets',
      '  *  statefulsets',
    ]);
  });

  const subcommands = [
    ...(rolloutCommand.subcommands ?? []).map((c) => ['rollout', c.name, c] as const),
    ...(setCommand.subcommands ?? []).map((c) => ['set', c.name, c] as const),
  ];
  test.each(subcommands)('%s %s --help', (group, _name, cmd) => {
    const k = kubectlFixture();
    expectOk(k, `${group} ${cmd.name} --help`, cmd.help);
    expectOk(k, `${group} ${cmd.name} -h`, cmd.help);
    // cobra's layout: Examples, Options (every visible flag, sorted, pflag's format), Usage.
    const help = cmd.help;
    expect(help.endsWith(`[options]\n\n${OPTIONS_TIP}`)).toBe(true);
    const options = help.slice(help.indexOf('\nOptions:\n'), help.indexOf('\nUsage:\n'));
    const listed = [...options.matchAll(/^ {4}(?:-(\w), )?--([\w-]+)=/gm)].map((m) => m[2]);
    const visible = cmd.flags.filter((f) => !f.deprecated).map((f) => f.name);
    expect(listed).toEqual([...visible].sort());
    for (const f of cmd.flags.filter((x) => !x.deprecated)) {
      // A string default is quoted; a Go duration prints bare (`--timeout=0s`).
      const quoted = f.type === 'string';
      const def = quoted
        ? `'${String(f.default ?? '')}'`
        : String(f.default ?? (f.type === 'bool' ? false : 0));
      const head = f.short ? `    -${f.short}, --${f.name}=${def}:` : `    --${f.name}=${def}:`;
      // The usage as the help wraps it (110 columns, each line after a tab).
      expect(options).toContain(`${head}\n\t${wordWrap(f.usage, 110).replaceAll('\n', '\n\t')}\n`);
    }
  });
});
