import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../engine';
import type { Cluster, InspectionRecord } from '../../engine';
import type { StoryStep } from './story';
import {
  GROUP_CAP,
  MAX_OBJECTS,
  QUIET_MS,
  StoryBuilder,
  clusterStoryEnv,
  diffLines,
  laneLabel,
  laneOf,
  receiversText,
  schedulerWhy,
} from './story';

const read = (f: string) =>
  readFileSync(new URL(`../../../examples/walkthrough/${f}`, import.meta.url), 'utf8');
const FILES = { 'deployment.yml': read('deployment.yml'), 'service.yml': read('service.yml') };

/** Runs `command` on a cluster and builds its story over `ms` of virtual time. */
function storyOf(c: Cluster, command: string, ms = 60_000): StoryBuilder {
  let b: StoryBuilder | undefined;
  const off = c.inspect((r: InspectionRecord) => {
    if (!b && r.type === 'write' && r.actor === 'kubectl')
      b = new StoryBuilder(clusterStoryEnv(c), r.at);
    b?.add(r);
  });
  c.shell.run(command);
  c.advance(ms);
  off();
  if (!b) throw new Error('no kubectl write');
  return b;
}

const line = (s: StoryStep) => `${s.from} -> ${s.to}: ${s.what}`;

describe('the story of applying the lesson', () => {
  const c = createCluster({ seed: 1, files: FILES });
  const dep = storyOf(c, 'kubectl apply -f deployment.yml');
  const svc = storyOf(c, 'kubectl apply -f service.yml');
  const lines = dep.steps.map(line);

  it('starts at kubectl, through kube-apiserver to etcd, then the watchers that care', () => {
    expect(lines.slice(0, 3)).toEqual([
      'kubectl -> kube-apiserver: kubectl sent create Deployment default/httpd2',
      expect.stringMatching(
        /^kube-apiserver -> etcd: kube-apiserver stored Deployment default\/httpd2, resourceVersion \d+$/,
      ),
      'kube-apiserver -> deployment-controller: watch: ADDED Deployment default/httpd2 sent to deployment controller',
    ]);
    expect(dep.steps[5]).toMatchObject({
      to: 'endpointslice-controller',
      also: ['kube-proxy/master', 'kube-proxy/node1', 'kube-proxy/node2'],
      what: 'watch: ADDED Service default/httpd2 sent to endpointslice controller, kube-proxy on master, node1, node2',
    });
  });

  it('goes deployment → replicaset → scheduler → kubelet, with the real events', () => {
    const rs = lines.findIndex((l) =>
      /^deployment-controller -> kube-apiserver: deployment-controller created ReplicaSet default\/httpd2-[a-z0-9]+ with 3 replicas$/.test(
        l,
      ),
    );
    const pods = lines.filter((l) =>
      /^replicaset-controller -> kube-apiserver: replicaset-controller created Pod default\/httpd2-/.test(
        l,
      ),
    );
    const bind = lines.findIndex((l) =>
      /^default-scheduler -> kube-apiserver: kube-scheduler bound Pod default\/httpd2-\S+ to node[12]$/.test(
        l,
      ),
    );
    const pulling = lines.findIndex((l) =>
      /^kubelet\/node[12] -> kube-apiserver: kubelet on node[12] recorded Event Pulling for Pod/.test(
        l,
      ),
    );
    expect(rs).toBeGreaterThan(0);
    expect(pods).toHaveLength(3);
    expect(bind).toBeGreaterThan(rs);
    expect(pulling).toBeGreaterThan(bind);
    expect(dep.steps[bind]!.detail).toEqual([
      '2 of 3 nodes passed the filters.',
      'master: rejected by TaintToleration: node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
      expect.stringMatching(/^Scores: node[12] \d+, node[12] \d+\.$/),
      expect.stringMatching(
        /^(node[12] scored highest\.|2 nodes tied at \d+: node[12] was picked at random among them\.)$/,
      ),
    ]);
    expect(dep.steps[pulling]!.detail).toEqual(['Pulling image "3199560936/httpd:v0.4"']);
    const reasons = dep.steps
      .filter((s) => s.from.startsWith('kubelet/') && s.what.includes('recorded Event'))
      .map((s) => /Event (\w+)/.exec(s.what)![1]);
    expect(reasons.filter((r) => r === 'Pulling')).toHaveLength(3);
    expect(reasons.filter((r) => r === 'Pulled')).toHaveLength(3);
    expect(reasons.filter((r) => r === 'Created')).toHaveLength(3);
    expect(reasons.filter((r) => r === 'Started')).toHaveLength(3);
  });

  it('shows why the pod is reachable only after Ready: the slice marks it ready, then kube-proxy adds its KUBE-SEP', () => {
    const ready = lines.findIndex((l) => / reported Pod default\/httpd2-\S+ Ready$/.test(l));
    const slice = lines.findIndex(
      (l, i) =>
        i > ready &&
        /endpointslice-controller updated EndpointSlice default\/httpd2-[a-z0-9]+: 1 of 3 endpoints ready$/.test(
          l,
        ),
    );
    const sync = dep.steps.findIndex((s, i) => i > slice && s.from === 'kube-proxy/node1');
    expect(ready).toBeGreaterThan(0);
    expect(slice).toBeGreaterThan(ready);
    expect(sync).toBeGreaterThan(slice);
    // No rules before any pod is ready.
    expect(dep.steps.slice(0, ready).some((s) => s.diff)).toBe(false);
    const step = dep.steps[sync]!;
    expect(step.to).toBe('rules/node1');
    expect(step.what).toBe('kube-proxy on node1 rewrote its rules: +7 −0 lines');
    const ip = /(10\.244\.\d+\.\d+) ready/.exec(dep.steps[slice]!.detail!.join('\n'))![1]!;
    expect(step.diff).toContainEqual({
      op: '+',
      text: expect.stringMatching(
        new RegExp(
          `^-A KUBE-SEP-[A-Z0-9]{16} -p tcp -m comment --comment "default/httpd2" -m tcp -j DNAT --to-destination ${ip.replace(/\./g, '\\.')}:80$`,
        ),
      ),
    });
    // Every node's kube-proxy does the same.
    expect(dep.steps.filter((s) => s.diff && s.what.includes('+7 −0')).map((s) => s.from)).toEqual([
      'kube-proxy/master',
      'kube-proxy/node1',
      'kube-proxy/node2',
    ]);
  });

  it('filters the noise: no leases, heartbeats, Endpoints or status bookkeeping', () => {
    const all = [...dep.steps, ...svc.steps].map((s) => s.what).join('\n');
    expect(all).not.toMatch(/Lease|Node |Endpoints |updated the status of/);
    expect(dep.records).toBeGreaterThan(dep.steps.length * 3);
  });

  it('service.yml: the NodePort service gets KUBE-NODEPORTS and KUBE-SEP rules after sb is Ready', () => {
    const s = svc.steps.map(line);
    expect(s.slice(0, 2)).toEqual([
      'kubectl -> kube-apiserver: kubectl sent create Pod default/sb',
      expect.stringMatching(
        /^kube-apiserver -> etcd: kube-apiserver stored Pod default\/sb, resourceVersion \d+$/,
      ),
    ]);
    const sync = svc.steps.find((st) => st.from === 'kube-proxy/node2' && st.diff)!;
    expect(sync.what).toBe('kube-proxy on node2 rewrote its rules: +11 −0 lines');
    const added = sync.diff!.map((d) => d.op + d.text);
    expect(added.filter((l) => l.startsWith('+-A KUBE-SEP-'))).toHaveLength(2);
    expect(
      added.some((l) =>
        /^\+-A KUBE-NODEPORTS -p tcp -m comment --comment "default\/nginx" -m tcp --dport \d+ -j KUBE-EXT-/.test(
          l,
        ),
      ),
    ).toBe(true);
  });

  it('ends when the cluster is quiet', () => {
    expect(dep.done(dep.lastStepAt + QUIET_MS - 1)).toBe(false);
    expect(dep.done(dep.lastStepAt + QUIET_MS)).toBe(true);
  });
});

describe('large and repeated', () => {
  it('caps steps of one sort and summarises the rest', () => {
    const c = createCluster({ seed: 2 });
    const b = storyOf(c, 'kubectl create deployment big --image=nginx --replicas=20', 30_000);
    const created = b.steps.filter((s) => s.what.startsWith('replicaset-controller created Pod'));
    expect(created).toHaveLength(GROUP_CAP);
    expect(b.steps.map((s) => s.what)).toContain(
      `… and ${20 - GROUP_CAP} more like this: replicaset-controller created Pod`,
    );
  });

  it('skips an apply of more than MAX_OBJECTS objects, and says why', () => {
    const c = createCluster({ seed: 3 });
    const docs = Array.from(
      { length: MAX_OBJECTS + 1 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm${i}\ndata:\n  a: b\n`,
    ).join('---\n');
    c.workspace.write('many.yml', docs);
    const b = storyOf(c, 'kubectl apply -f many.yml', 1_000);
    expect(b.skipped).toBe(
      `Not animated: this command wrote more than ${MAX_OBJECTS} objects. Large applies are summarised to keep the page responsive.`,
    );
    expect(b.done(b.startedAt)).toBe(true);
  });
});

describe('helpers', () => {
  it.each([
    [
      ['a', 'b', 'c'],
      ['a', 'c', 'd'],
      ['-b', '+d'],
    ],
    [['x', 'x'], ['x'], ['-x']],
    [[], ['y'], ['+y']],
    [['same'], ['same'], []],
  ])('diffLines(%j, %j)', (before, after, out) => {
    expect(diffLines(before, after).map((d) => d.op + d.text)).toEqual(out);
  });

  it.each([
    ['kubectl', 'kubectl', 'kubectl'],
    ['deployment-controller', 'deployment-controller', 'deployment controller'],
    ['default-scheduler', 'default-scheduler', 'kube-scheduler'],
    ['job-controller', 'kube-controller-manager', 'other controllers'],
    ['kubelet/node1', 'kubelet/node1', 'kubelet on node1'],
    ['kube-proxy/node2', 'kube-proxy/node2', 'kube-proxy on node2'],
  ])('laneOf(%s)', (actor, lane, label) => {
    expect(laneOf(actor)).toBe(lane);
    expect(laneLabel(lane)).toBe(label);
  });

  it('receiversText groups node agents', () => {
    expect(
      receiversText([
        'endpointslice-controller',
        'kube-proxy/master',
        'kube-proxy/node1',
        'kubelet/node2',
        'default-scheduler',
      ]),
    ).toBe(
      'endpointslice controller, kube-proxy on master, node1, kubelet on node2, kube-scheduler',
    );
  });

  it('schedulerWhy without a decision, and with one feasible node', () => {
    expect(schedulerWhy(undefined, 'node1')).toEqual(['Bound to node1.']);
    expect(
      schedulerWhy(
        {
          podUid: 'u',
          pod: 'default/p',
          attempt: 1,
          at: 0,
          nodes: [
            { node: 'node1', passed: true },
            {
              node: 'node2',
              passed: false,
              plugin: 'NodeResourcesFit',
              reasons: ['Insufficient cpu'],
            },
          ],
          scores: [],
          selectedNode: 'node1',
        },
        'node1',
      ),
    ).toEqual([
      '1 of 2 nodes passed the filters.',
      'node2: rejected by NodeResourcesFit: Insufficient cpu',
      'Only node1 fits, so there was nothing to score.',
    ]);
  });
});
