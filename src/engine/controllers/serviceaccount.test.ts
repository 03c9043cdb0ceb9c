import { describe, expect, it } from 'vitest';
import { newFixture } from '../testing/fixture';
import { startNamespaceController } from './namespace';
import {
  CONTROLLER_MANAGER_SERVICE_ACCOUNTS,
  createControllerManagerServiceAccounts,
  startServiceAccountsController,
} from './serviceaccount';

function setup() {
  const f = newFixture();
  startServiceAccountsController(f.ctx);
  return f;
}

const names = (f: ReturnType<typeof setup>, ns: string) =>
  f.store.list('ServiceAccount', { namespace: ns }).map((sa) => sa.metadata.name);

describe('service-account-controller', () => {
  it('creates the default ServiceAccount of every existing namespace', () => {
    const f = setup();
    f.settle();
    expect(f.writes('service-account-controller')).toEqual([
      'create ServiceAccount default/default',
      'create ServiceAccount kube-system/default',
      'create ServiceAccount kube-public/default',
      'create ServiceAccount kube-node-lease/default',
    ]);
    // Nothing but the name and namespace (no token Secret since v1.24).
    const sa = f.store.get('ServiceAccount', 'default', 'default')!;
    expect(Object.keys(sa).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  it('creates it in a new namespace, and puts a deleted one back', () => {
    const f = setup();
    f.settle();
    f.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    f.settle();
    expect(names(f, 'team')).toEqual(['default']);
    f.store.delete('ServiceAccount', 'team', 'default', { actor: 'kubectl' });
    f.settle();
    expect(names(f, 'team')).toEqual(['default']);
    expect(f.writes('service-account-controller').slice(-2)).toEqual([
      'create ServiceAccount team/default',
      'create ServiceAccount team/default',
    ]);
  });

  it('leaves other accounts alone and does nothing in a terminating namespace', () => {
    const f = setup();
    startNamespaceController(f.ctx);
    f.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    f.create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder', namespace: 'team' },
    });
    f.settle();
    f.store.delete('ServiceAccount', 'team', 'builder', { actor: 'kubectl' });
    f.store.delete('Namespace', undefined, 'team', { actor: 'kubectl' });
    f.settle();
    expect(f.store.get('Namespace', undefined, 'team')).toBeUndefined();
    expect(f.writes('service-account-controller')).not.toContain(
      'create ServiceAccount team/builder',
    );
    expect(f.writes('service-account-controller').filter((w) => w.includes('team/'))).toEqual([
      'create ServiceAccount team/default',
    ]);
  });

  it('kube-controller-manager creates one account per controller in kube-system', () => {
    const f = setup();
    createControllerManagerServiceAccounts(f.store);
    createControllerManagerServiceAccounts(f.store); // idempotent
    f.settle();
    expect(CONTROLLER_MANAGER_SERVICE_ACCOUNTS).toHaveLength(34);
    expect(names(f, 'kube-system').sort()).toEqual(
      [...CONTROLLER_MANAGER_SERVICE_ACCOUNTS, 'default'].sort(),
    );
    expect(f.writes('kube-controller-manager')).toHaveLength(34);
  });
});
