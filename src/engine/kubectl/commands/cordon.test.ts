import { describe, expect, test } from 'vitest';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';

const ok = (stdout: string, stderr = '') => ({ stdout, stderr, exitCode: 0 });
const fail = (stderr: string, stdout = '') => ({ stdout, stderr, exitCode: 1 });

const unschedulable = (k: KubectlFixture, node: string) =>
  (k.cluster.store.get('Node', undefined, node)?.spec as { unschedulable?: boolean }).unschedulable;

describe('kubectl cordon / uncordon', () => {
  test('cordon, already cordoned, uncordon, already uncordoned', () => {
    const k = kubectlFixture();
    expect(k.run('cordon node1')).toEqual(ok('node/node1 cordoned\n'));
    expect(unschedulable(k, 'node1')).toBe(true);
    expect(k.run('cordon node1')).toEqual(ok('node/node1 already cordoned\n'));
    expect(k.run('uncordon node1')).toEqual(ok('node/node1 uncordoned\n'));
    // Uncordoning removes the field (Unschedulable is omitempty).
    expect(unschedulable(k, 'node1')).toBeUndefined();
    expect(k.run('uncordon node/node1')).toEqual(ok('node/node1 already uncordoned\n'));
  });

  test('several nodes, -l, dry runs', () => {
    const k = kubectlFixture();
    expect(k.run('cordon node1 node2')).toEqual(ok('node/node1 cordoned\nnode/node2 cordoned\n'));
    expect(k.run('uncordon -l kubernetes.io/os=linux')).toEqual(
      ok('node/master already uncordoned\nnode/node1 uncordoned\nnode/node2 uncordoned\n'),
    );
    expect(k.run('cordon node1 --dry-run=client')).toEqual(ok('node/node1 cordoned (dry run)\n'));
    expect(k.run('cordon node1 --dry-run=server')).toEqual(
      ok('node/node1 cordoned (server dry run)\n'),
    );
    expect(unschedulable(k, 'node1')).toBeUndefined();
  });

  test('a cordoned node gets no new pods', () => {
    const k = kubectlFixture();
    k.run('cordon node1');
    k.run('run a --image=nginx');
    k.run('run b --image=nginx');
    k.cluster.settle();
    const nodes = k.cluster.store
      .list('Pod', { namespace: 'default' })
      .map((p) => (p.spec as { nodeName?: string }).nodeName);
    expect(nodes).toEqual(['node2', 'node2']);
  });

  test.each([
    [
      'cordon',
      "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n",
    ],
    [
      'uncordon',
      "error: USAGE: uncordon NODE [flags]\nSee 'kubectl uncordon -h' for help and examples\n",
    ],
    [
      'cordon node1 -l a=b',
      "error: cannot specify both a node name and a --selector option\nSee 'kubectl cordon -h' for help and examples\n",
    ],
    ['cordon nope', 'Error from server (NotFound): nodes "nope" not found\n'],
    ['cordon pod/x', 'error: expected resource of type node, got "/v1, Resource=pods"\n'],
  ])('%s', (line, stderr) => {
    expect(kubectlFixture().run(line)).toEqual(fail(stderr));
  });
});
