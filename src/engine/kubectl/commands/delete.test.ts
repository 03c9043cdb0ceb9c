/**
 * `kubectl delete` end to end (staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go): messages,
 * errors, grace periods, waiting until objects are gone, cascading through the garbage
 * collector. Transcripts are golden files under __golden__/delete/.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { KubectlFixture } from '../testing';
import { kubectlFixture } from '../testing';
import { deleteCommand } from './delete';

const here = dirname(fileURLToPath(import.meta.url));
const walkthrough = (file: string): string =>
  readFileSync(join(here, '../../../../examples/walkthrough', file), 'utf8');
const golden = (name: string): string => join(here, '../__golden__/delete', name);

const FILES = {
  'deployment.yml': walkthrough('deployment.yml'),
  'test.yml': walkthrough('test.yml'),
  'service.yml': walkthrough('service.yml'),
  'ns.yml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n',
};

/** The walkthrough's objects, running for a minute. */
function running(): KubectlFixture {
  const k = kubectlFixture({ files: FILES });
  for (const f of ['deployment.yml', 'test.yml', 'service.yml', 'ns.yml']) {
    const { outcomes } = k.cluster.apply(FILES[f as keyof typeof FILES]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  }
  k.cluster.advance(60_000);
  return k;
}

/** A terminal session: kubectl lines and `sleep N`. */
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

describe('kubectl delete', () => {
  test('a session: pods, waiting, cascading, files, selectors', async () => {
    const k = running();
    const text = session(k, [
      'get pods',
      'delete pod test',
      'delete pod sb --wait=false',
      'get pods',
      'delete pod sb --now',
      'delete deployment httpd2',
      2,
      'get deploy,rs,pods',
      40,
      'get pods',
      'delete -f service.yml',
      'delete -f deployment.yml',
      'delete ns dev -n default',
      'run bb --image=busybox:1.28.4 -- sleep 9000',
      10,
      'delete pod bb --force',
      'get pods',
      'delete pods -l app=nope',
      'delete pods --all',
    ]);
    await expect(text).toMatchFileSnapshot(golden('session.txt'));
  });

  test('errors and flag checks', async () => {
    const k = running();
    const text = session(k, [
      'delete',
      'delete pods',
      'delete pod nope',
      'delete pod nope --ignore-not-found',
      'delete pod,svc nope gone',
      'delete foo x',
      'delete deploy/httpd2 pod',
      'delete -f service.yml pod',
      'delete -f nope.yml',
      'delete -l app=sb1314',
      'delete pod sb -l app=sb1314',
      'delete pod/sb --all',
      'delete pods --all -l app=sb1314',
      'delete pod test -A',
      'delete pod test -o yaml',
      'delete pod test --now --grace-period=5',
      'delete pod test --force --grace-period=5',
      'delete pod test --cascade=maybe',
      'delete pod test --dry-run=maybe',
      'delete pod test --timeout=soon',
    ]);
    await expect(text).toMatchFileSnapshot(golden('errors.txt'));
    // Nothing above deleted anything.
    expect(k.cluster.store.list('Pod', { namespace: 'default' }).length).toBe(5);
    expect(k.cluster.store.list('Service', { namespace: 'default' }).length).toBe(3);
  });

  test('a selector the API server cannot parse', () => {
    const r = running().run('delete pods -l app=x,,');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(
      r.stderr.startsWith(
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "app=x,,", field selector "": ',
      ),
    ).toBe(true);
  });

  test('delete waits until the pod is gone: busybox ignores SIGTERM, so the whole grace period', () => {
    const k = kubectlFixture();
    k.run('run bb --image=busybox:1.28.4 -- sleep 9000');
    k.cluster.advance(20_000);
    const t0 = k.cluster.now();
    expect(k.run('delete pod bb')).toEqual({
      stdout: 'pod "bb" deleted\n',
      stderr: '',
      exitCode: 0,
    });
    expect(k.cluster.store.get('Pod', 'default', 'bb')).toBeUndefined();
    expect(k.cluster.now() - t0).toBe(30_000);
  });

  test('--grace-period=0 without --force becomes 1; with --force it removes the pod at once', () => {
    const k = kubectlFixture();
    k.run('run bb --image=busybox:1.28.4 -- sleep 9000');
    k.run('run cc --image=busybox:1.28.4 -- sleep 9000');
    k.cluster.advance(20_000);
    let t0 = k.cluster.now();
    expect(k.run('delete pod bb --grace-period=0')).toEqual({
      stdout: 'pod "bb" deleted\n',
      stderr: '',
      exitCode: 0,
    });
    expect(k.cluster.now() - t0).toBe(1_000);
    t0 = k.cluster.now();
    expect(k.run('delete pod cc --grace-period=0 --force')).toEqual({
      stdout: 'pod "cc" force deleted\n',
      stderr:
        'warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
      exitCode: 0,
    });
    expect(k.cluster.now() - t0).toBe(0);
  });

  test('a deployment cascades in the background; --cascade=orphan keeps its replica sets', () => {
    const k = running();
    expect(k.run('delete deploy httpd2').stdout).toBe('deployment.apps "httpd2" deleted\n');
    k.cluster.settle();
    expect(k.cluster.store.list('ReplicaSet', { namespace: 'default' })).toEqual([]);
    expect(
      k.cluster.store.list('Pod', { namespace: 'default' }).map((p) => p.metadata.name),
    ).toEqual(['test', 'sb']);

    const j = running();
    expect(j.run('delete deploy httpd2 --cascade=orphan').exitCode).toBe(0);
    j.cluster.settle();
    const rs = j.cluster.store.list('ReplicaSet', { namespace: 'default' });
    expect(rs.length).toBe(1);
    expect(rs[0]!.metadata.ownerReferences).toBeUndefined();
  });

  test.each([
    [
      'delete pods --all --dry-run=client',
      'pod "sb" deleted (dry run)\npod "test" deleted (dry run)\n',
    ],
    [
      'delete pod sb test --dry-run=server',
      'pod "sb" deleted (server dry run)\npod "test" deleted (server dry run)\n',
    ],
    ['delete pod sb test -o name --wait=false', 'pod/sb\npod/test\n'],
  ])('%s', (line, stdout) => {
    const k = running();
    k.run('delete deploy httpd2 --cascade=orphan');
    k.run('delete rs --all --cascade=orphan');
    for (const p of k.cluster.store.list('Pod', { namespace: 'default' }))
      if (p.metadata.name?.startsWith('httpd2-'))
        k.cluster.store.delete('Pod', 'default', p.metadata.name, {
          actor: 'test',
          gracePeriodSeconds: 0,
        });
    expect(k.run(line)).toEqual({ stdout, stderr: '', exitCode: 0 });
    const left = k.cluster.store.list('Pod', { namespace: 'default' }).length;
    expect(left).toBe(2);
  });

  test('--help', async () => {
    await expect(deleteCommand.help).toMatchFileSnapshot(golden('help.txt'));
  });
});
