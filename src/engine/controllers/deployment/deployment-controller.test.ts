import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Fixture } from '../../testing/fixture';
import { newFixture } from '../../testing/fixture';
import { EPOCH_MS, formatTimestamp } from '../../sim/clock';
import { computeHash } from '../pod-template-hash';
import { startReplicaSetController } from '../replicaset';
import { startDeploymentController } from './deployment-controller';
import type { DeploymentOptions, PodObj } from '../../testing/workload-helpers';
import {
  deploymentObject,
  editDeployment,
  eventsFor,
  getDeployment,
  getReplicaSet,
  isReadyPod,
  isTerminating,
  markPodReady,
  markReady,
  podsOf,
  reapTerminating,
  replicaSetsOf,
  scalingEvents,
  setImage,
  useGracefulPodDeletion,
} from '../../testing/workload-helpers';
import type { ReplicaSetObj } from './util';
import { resolveFenceposts } from './util';

const REVISION = 'deployment.kubernetes.io/revision';
const HISTORY = 'deployment.kubernetes.io/revision-history';

let f: Fixture;

beforeEach(() => {
  f = newFixture();
  useGracefulPodDeletion(f);
  startDeploymentController(f.ctx);
  startReplicaSetController(f.ctx);
});

/** The name the controller gives the ReplicaSet of the Deployment's current template. */
function currentRSName(name: string): string {
  const d = getDeployment(f, name);
  return `${name}-${computeHash(d.spec?.template, d.status?.collisionCount)}`;
}

function create(name: string, opts: DeploymentOptions = {}): void {
  f.create(deploymentObject(name, opts));
  f.settle();
}

/** Make every pending pod of the Deployment ready and let the controllers react, until quiet. */
function rollOut(name: string): void {
  for (let i = 0; i < 50; i++) {
    let changed = 0;
    for (const rs of replicaSetsOf(f, name)) changed += markReady(f, rs.metadata.name ?? '');
    changed += reapTerminating(f);
    f.settle();
    if (changed === 0) {
      // A second passes before the next command, so ReplicaSets differ in creationTimestamp.
      f.advance(1_000);
      return;
    }
  }
  throw new Error('rollout did not finish');
}

function revisions(name: string): Array<[string, string | undefined, string | undefined]> {
  return replicaSetsOf(f, name).map((rs) => [
    rs.metadata.name ?? '',
    rs.metadata.annotations?.[REVISION],
    rs.metadata.annotations?.[HISTORY],
  ]);
}

interface Cond {
  type: string;
  status: string;
  reason: string | undefined;
  message: string | undefined;
}

function conditions(name: string): Cond[] {
  return (getDeployment(f, name).status?.conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
  }));
}

describe('creating a Deployment', () => {
  it('creates <name>-<hash> with the hash in its name, selector, template and pods', () => {
    create('web');
    const name = currentRSName('web');
    const hash = name.slice('web-'.length);
    expect(hash).toMatch(/^[456789bcdf]{8,10}$/);
    const d = getDeployment(f, 'web');
    const rs = getReplicaSet(f, name);
    expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: d.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs.metadata.annotations).toEqual({
      [REVISION]: '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs.spec?.replicas).toBe(3);
    expect(rs.spec?.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(d.metadata.annotations?.[REVISION]).toBe('1');
    const pods = podsOf(f, name);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^${name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    }
    expect(scalingEvents(f, 'web')).toEqual([`Scaled up replica set ${name} to 3`]);
  });

  it('reports status and conditions as the rollout goes (Progressing, Available)', () => {
    create('web');
    const name = currentRSName('web');
    expect(getDeployment(f, 'web').status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      unavailableReplicas: 3,
    });
    expect(conditions('web')).toEqual([
      {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'ReplicaSetUpdated',
        message: `ReplicaSet "${name}" is progressing.`,
      },
    ]);
    rollOut('web');
    const status = getDeployment(f, 'web').status!;
    expect({ ...status, conditions: undefined }).toEqual({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: undefined,
    });
    expect(conditions('web')).toEqual([
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${name}" has successfully progressed.`,
      },
    ]);
    // Progressing has been True since the ReplicaSet was created; times are the virtual clock's.
    const progressing = status.conditions!.find((c) => c.type === 'Progressing')!;
    expect(progressing.lastTransitionTime).toBe(formatTimestamp(EPOCH_MS));
  });

  it('a new Deployment whose pods never become ready times out after progressDeadlineSeconds', () => {
    create('web', { progressDeadlineSeconds: 60 });
    const name = currentRSName('web');
    f.advance(60_000);
    expect(conditions('web')[1]?.reason).toBe('ReplicaSetUpdated');
    f.advance(1_000);
    expect(conditions('web')).toContainEqual({
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${name}" has timed out progressing.`,
    });
  });

  it('warns and does nothing for an empty selector', () => {
    // apps/v1 validation rejects an empty selector; without the API strategies it gets through.
    f = newFixture({ strategies: false });
    startDeploymentController(f.ctx);
    startReplicaSetController(f.ctx);
    const d = deploymentObject('web');
    d.spec!.selector = {};
    f.create(d);
    f.settle();
    expect(replicaSetsOf(f, 'web')).toEqual([]);
    expect(eventsFor(f, 'Deployment', 'web')).toEqual([
      'SelectingAll: This deployment is selecting all pods. A non-empty selector is required.',
    ]);
    expect(getDeployment(f, 'web').status).toEqual({ observedGeneration: 1 });
  });
});

describe('RollingUpdate (§6.3)', () => {
  it('rolls 3 replicas over one step at a time, within maxSurge and maxUnavailable', () => {
    create('web', { replicas: 3 });
    rollOut('web');
    const v1 = currentRSName('web');

    // Every unit of loop work must keep: available ≥ 3 − 0 and live (not Terminating) ≤ 3 + 1.
    const violations: string[] = [];
    f.ctx.loop.onUnit = () => {
      const pods = replicaSetsOf(f, 'web')
        .flatMap((rs) => podsOf(f, rs.metadata.name ?? ''))
        .filter((p) => !isTerminating(p));
      const available = pods.filter(isReadyPod).length;
      if (available < 3) violations.push(`available ${available}`);
      if (pods.length > 4) violations.push(`total ${pods.length}`);
    };

    setImage(f, 'web', 'nginx:1.16');
    f.settle();
    const v2 = currentRSName('web');
    expect(v2).not.toBe(v1);
    const steps: string[][] = [scalingEvents(f, 'web').slice(1)];
    for (let i = 0; i < 3; i++) {
      const before = scalingEvents(f, 'web').length;
      markReady(f, v2);
      reapTerminating(f);
      f.settle();
      steps.push(scalingEvents(f, 'web').slice(before));
    }
    f.ctx.loop.onUnit = undefined;

    expect(steps).toEqual([
      [`Scaled up replica set ${v2} to 1`],
      [`Scaled down replica set ${v1} to 2 from 3`, `Scaled up replica set ${v2} to 2 from 1`],
      [`Scaled down replica set ${v1} to 1 from 2`, `Scaled up replica set ${v2} to 3 from 2`],
      [`Scaled down replica set ${v1} to 0 from 1`],
    ]);
    expect(violations).toEqual([]);
    reapTerminating(f);
    f.settle();
    expect(podsOf(f, v1)).toEqual([]);
    expect(revisions('web')).toEqual([
      [v1, '1', undefined],
      [v2, '2', undefined],
    ]);
    expect(getDeployment(f, 'web').metadata.annotations?.[REVISION]).toBe('2');
    expect(conditions('web')[1]?.reason).toBe('NewReplicaSetAvailable');
    expect(getDeployment(f, 'web').status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
    });
  });

  it('maxUnavailable lets old pods go before new ones are ready (4 replicas: 1/1)', () => {
    create('web', { replicas: 4 });
    rollOut('web');
    const v1 = currentRSName('web');
    setImage(f, 'web', 'nginx:1.16');
    f.settle();
    const v2 = currentRSName('web');
    expect(scalingEvents(f, 'web').slice(1)).toEqual([
      `Scaled up replica set ${v2} to 1`,
      `Scaled down replica set ${v1} to 3 from 4`,
      `Scaled up replica set ${v2} to 2 from 1`,
    ]);
  });

  it('a template change in the middle of a rollout scales down the unhealthy ReplicaSet first', () => {
    create('web', { replicas: 3 });
    rollOut('web');
    const v1 = currentRSName('web');
    setImage(f, 'web', 'nginx:broken');
    f.settle();
    const broken = currentRSName('web');
    f.advance(1_000);
    setImage(f, 'web', 'nginx:1.16');
    f.settle();
    const v3 = currentRSName('web');
    expect(scalingEvents(f, 'web').slice(1)).toEqual([
      `Scaled up replica set ${broken} to 1`,
      `Scaled down replica set ${broken} to 0 from 1`,
      // Created at 0 (no room under maxSurge), then scaled once the broken one made room.
      `Scaled up replica set ${v3} to 1 from 0`,
    ]);
    rollOut('web');
    expect(getReplicaSet(f, v1).spec?.replicas).toBe(0);
    expect(getReplicaSet(f, v3).spec?.replicas).toBe(3);
    expect(revisions('web').map(([, r]) => r)).toEqual(['1', '2', '3']);
  });
});

describe('Recreate', () => {
  it('scales the old ReplicaSet to zero, waits for its pods to go, then scales up the new one', () => {
    create('web', { replicas: 3, strategy: { type: 'Recreate' } });
    rollOut('web');
    const v1 = currentRSName('web');
    setImage(f, 'web', 'nginx:1.16');
    f.settle();
    const v2 = currentRSName('web');
    expect(scalingEvents(f, 'web').slice(1)).toEqual([`Scaled down replica set ${v1} to 0 from 3`]);
    // Old pods are Terminating: the new ReplicaSet does not exist yet.
    expect(podsOf(f, v1).filter(isTerminating)).toHaveLength(3);
    expect(f.store.get('ReplicaSet', 'default', v2)).toBeUndefined();

    reapTerminating(f);
    f.settle();
    expect(scalingEvents(f, 'web').slice(2)).toEqual([`Scaled up replica set ${v2} to 3`]);
    expect(podsOf(f, v2)).toHaveLength(3);
    rollOut('web');
    expect(getDeployment(f, 'web').status).toMatchObject({ replicas: 3, availableReplicas: 3 });
  });
});

describe('proportional scaling (§6.3)', () => {
  it('10 → 15 mid-rollout with ReplicaSets at 8 and 5 adds 3 to the old and 2 to the new', () => {
    create('web', {
      replicas: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
    });
    rollOut('web');
    const v1 = currentRSName('web');
    setImage(f, 'web', 'nginx:does-not-exist'); // its pods never become ready
    f.settle();
    reapTerminating(f);
    f.settle();
    const v2 = currentRSName('web');
    expect([getReplicaSet(f, v1).spec?.replicas, getReplicaSet(f, v2).spec?.replicas]).toEqual([
      8, 5,
    ]);

    const before = scalingEvents(f, 'web').length;
    editDeployment(f, 'web', (d) => {
      d.spec!.replicas = 15;
    });
    f.settle();
    expect(scalingEvents(f, 'web').slice(before)).toEqual([
      `Scaled up replica set ${v1} to 11 from 8`,
      `Scaled up replica set ${v2} to 7 from 5`,
    ]);
    for (const rs of [v1, v2]) {
      expect(getReplicaSet(f, rs).metadata.annotations).toMatchObject({
        'deployment.kubernetes.io/desired-replicas': '15',
        'deployment.kubernetes.io/max-replicas': '18',
      });
    }
    // A resize is not a rollout: no new revision.
    expect(getDeployment(f, 'web').metadata.annotations?.[REVISION]).toBe('2');
  });

  it('scaling a settled Deployment scales its one ReplicaSet', () => {
    create('web', { replicas: 3 });
    rollOut('web');
    const v1 = currentRSName('web');
    editDeployment(f, 'web', (d) => {
      d.spec!.replicas = 5;
    });
    f.settle();
    editDeployment(f, 'web', (d) => {
      d.spec!.replicas = 2;
    });
    f.settle();
    expect(scalingEvents(f, 'web')).toEqual([
      `Scaled up replica set ${v1} to 3`,
      `Scaled up replica set ${v1} to 5 from 3`,
      `Scaled down replica set ${v1} to 2 from 5`,
    ]);
    expect(replicaSetsOf(f, 'web')).toHaveLength(1);
  });
});

describe('rollback renumbering (§6.5)', () => {
  it('undo to revision 1 makes that ReplicaSet revision 3, with revision-history 1', () => {
    create('web', { replicas: 2, image: 'nginx:1.14' });
    rollOut('web');
    const v1 = currentRSName('web');
    setImage(f, 'web', 'nginx:1.16');
    f.settle();
    rollOut('web');
    const v2 = currentRSName('web');
    expect(revisions('web')).toEqual([
      [v1, '1', undefined],
      [v2, '2', undefined],
    ]);

    // What `kubectl rollout undo` does: copy revision 1's template back into the Deployment.
    setImage(f, 'web', 'nginx:1.14');
    f.settle();
    expect(currentRSName('web')).toBe(v1);
    rollOut('web');
    expect(revisions('web')).toEqual([
      [v1, '3', '1'],
      [v2, '2', undefined],
    ]);
    expect(getDeployment(f, 'web').metadata.annotations?.[REVISION]).toBe('3');
    expect(replicaSetsOf(f, 'web')).toHaveLength(2);
    expect(getReplicaSet(f, v1).spec?.replicas).toBe(2);
    expect(getReplicaSet(f, v2).spec?.replicas).toBe(0);
    expect(scalingEvents(f, 'web')).toContain(`Scaled up replica set ${v1} to 1 from 0`);

    // And back again: revision 2's ReplicaSet becomes 4.
    setImage(f, 'web', 'nginx:1.16');
    f.settle();
    rollOut('web');
    expect(revisions('web')).toEqual([
      [v1, '3', '1'],
      [v2, '4', '2'],
    ]);
    expect(getDeployment(f, 'web').metadata.annotations?.[REVISION]).toBe('4');
  });
});

describe('revisionHistoryLimit', () => {
  it('deletes the oldest revisions once they are scaled to zero, keeping the limit', () => {
    create('web', { replicas: 1, revisionHistoryLimit: 2 });
    rollOut('web');
    for (const tag of ['1.15', '1.16', '1.17', '1.18']) {
      setImage(f, 'web', `nginx:${tag}`);
      f.settle();
      rollOut('web');
    }
    const rss = replicaSetsOf(f, 'web');
    expect(rss.map((rs) => rs.metadata.annotations?.[REVISION])).toEqual(['3', '4', '5']);
    expect(rss.map((rs) => rs.spec?.template?.spec?.containers[0]?.image)).toEqual([
      'nginx:1.16',
      'nginx:1.17',
      'nginx:1.18',
    ]);
    expect(
      f.writes('deployment-controller').filter((w) => w.startsWith('remove ReplicaSet')),
    ).toHaveLength(2);
  });

  it('revisionHistoryLimit 0 keeps no old ReplicaSet', () => {
    create('web', { replicas: 1, revisionHistoryLimit: 0 });
    rollOut('web');
    setImage(f, 'web', 'nginx:1.16');
    f.settle();
    rollOut('web');
    expect(replicaSetsOf(f, 'web').map((rs: ReplicaSetObj) => rs.metadata.name)).toEqual([
      currentRSName('web'),
    ]);
  });
});

describe('paused Deployments', () => {
  it('do not roll out, but still scale; resuming starts the rollout', () => {
    create('web', { replicas: 3 });
    rollOut('web');
    const v1 = currentRSName('web');
    editDeployment(f, 'web', (d) => {
      d.spec!.paused = true;
    });
    f.settle();
    expect(conditions('web')).toContainEqual({
      type: 'Progressing',
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    });

    setImage(f, 'web', 'nginx:1.16');
    f.settle();
    expect(replicaSetsOf(f, 'web').map((rs) => rs.metadata.name)).toEqual([v1]);
    expect(getDeployment(f, 'web').status?.updatedReplicas).toBeUndefined();

    editDeployment(f, 'web', (d) => {
      d.spec!.replicas = 5;
    });
    f.settle();
    expect(getReplicaSet(f, v1).spec?.replicas).toBe(5);
    expect(scalingEvents(f, 'web').at(-1)).toBe(`Scaled up replica set ${v1} to 5 from 3`);

    editDeployment(f, 'web', (d) => {
      delete d.spec!.paused;
    });
    f.settle();
    const v2 = currentRSName('web');
    // 5 replicas: surge 2, so the new ReplicaSet starts at 2; one of v1's two unready pods
    // (cleanupUnhealthyReplicas) makes room for a third.
    expect(scalingEvents(f, 'web').slice(-3)).toEqual([
      `Scaled up replica set ${v2} to 2`,
      `Scaled down replica set ${v1} to 4 from 5`,
      `Scaled up replica set ${v2} to 3 from 2`,
    ]);
    rollOut('web');
    expect(getReplicaSet(f, v2).spec?.replicas).toBe(5);
    expect(conditions('web')[1]?.reason).toBe('NewReplicaSetAvailable');
  });

  it('a Deployment created paused creates no ReplicaSet', () => {
    create('web', { paused: true });
    expect(replicaSetsOf(f, 'web')).toEqual([]);
    expect(conditions('web')[0]?.reason).toBe('DeploymentPaused');
  });
});

describe('annotations copied to ReplicaSets (§6.4)', () => {
  it('copies kubernetes.io/change-cause but not last-applied or the revision annotations', () => {
    create('web', {
      annotations: {
        'kubernetes.io/change-cause': 'kubectl create --filename=web.yaml --record=true',
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
      },
    });
    const v1 = currentRSName('web');
    expect(getReplicaSet(f, v1).metadata.annotations).toEqual({
      'kubernetes.io/change-cause': 'kubectl create --filename=web.yaml --record=true',
      [REVISION]: '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    editDeployment(f, 'web', (d) => {
      d.metadata.annotations!['kubernetes.io/change-cause'] =
        'kubectl set image deployment/web web=nginx:1.16 --record=true';
      d.spec!.template.spec!.containers[0]!.image = 'nginx:1.16';
    });
    f.settle();
    const v2 = currentRSName('web');
    expect(getReplicaSet(f, v2).metadata.annotations?.['kubernetes.io/change-cause']).toBe(
      'kubectl set image deployment/web web=nginx:1.16 --record=true',
    );
    expect(getReplicaSet(f, v1).metadata.annotations?.['kubernetes.io/change-cause']).toBe(
      'kubectl create --filename=web.yaml --record=true',
    );
  });
});

describe('defaults and determinism', () => {
  it('a Deployment without strategy or replicas gets apps/v1 defaults (1 replica, 25%/25%)', () => {
    const d = deploymentObject('web');
    delete (d.spec as { replicas?: number }).replicas;
    f.create(d);
    f.settle();
    const rs = getReplicaSet(f, currentRSName('web'));
    expect(rs.spec?.replicas).toBe(1);
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas']).toBe('2');
  });

  it('the same scenario gives the same writes twice', () => {
    const run = (): string[] => {
      f = newFixture({ seed: 7 });
      useGracefulPodDeletion(f);
      startDeploymentController(f.ctx);
      startReplicaSetController(f.ctx);
      create('web', { replicas: 3 });
      rollOut('web');
      setImage(f, 'web', 'nginx:1.16');
      f.settle();
      rollOut('web');
      return f.writes();
    };
    expect(run()).toEqual(run());
  });
});

describe('rolling-update invariants (property)', () => {
  const intOrPercent = fc.oneof(
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('0%', '25%', '50%', '100%'),
  );
  const images = fc.constantFrom('nginx:1.14', 'nginx:1.16', 'httpd:2.4', 'redis:7');

  it('available ≥ replicas − maxUnavailable and live ≤ replicas + maxSurge at every step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        intOrPercent,
        intOrPercent,
        fc.array(fc.tuple(images, fc.array(fc.nat(), { maxLength: 6 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (replicas, maxSurge, maxUnavailable, updates) => {
          f = newFixture();
          useGracefulPodDeletion(f);
          startDeploymentController(f.ctx);
          startReplicaSetController(f.ctx);
          try {
            f.create(
              deploymentObject('web', {
                replicas,
                strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } },
              }),
            );
          } catch {
            return; // both 0: rejected by validation, as the API server does
          }
          f.settle();
          rollOut('web');
          const [s, u] = resolveFenceposts(maxSurge, maxUnavailable, replicas);
          const live = (): PodObj[] =>
            replicaSetsOf(f, 'web')
              .flatMap((rs) => podsOf(f, rs.metadata.name ?? ''))
              .filter((p) => !isTerminating(p));
          f.ctx.loop.onUnit = () => {
            const pods = live();
            expect(pods.filter(isReadyPod).length).toBeGreaterThanOrEqual(replicas - u);
            expect(pods.length).toBeLessThanOrEqual(replicas + s);
          };
          for (const [image, picks] of updates) {
            setImage(f, 'web', image);
            f.settle();
            // Pods become ready one at a time, in an arbitrary order, between syncs.
            for (const pick of picks) {
              const pending = live().filter((p) => !isReadyPod(p));
              if (pending.length === 0) break;
              markPodReady(f, pending[pick % pending.length]!);
              reapTerminating(f);
              f.settle();
            }
          }
          rollOut('web');
          f.ctx.loop.onUnit = undefined;
          const want = updates.at(-1)![0];
          const pods = live();
          expect(pods).toHaveLength(replicas);
          expect(pods.every((p) => p.spec?.containers[0]?.image === want && isReadyPod(p))).toBe(
            true,
          );
          expect(getDeployment(f, 'web').status).toMatchObject({
            replicas,
            updatedReplicas: replicas,
            availableReplicas: replicas,
          });
        },
      ),
      { numRuns: 40 },
    );
  }, 30_000);
});
