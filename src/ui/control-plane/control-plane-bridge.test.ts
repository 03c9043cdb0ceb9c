import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlaygroundHost } from '../host/playground-host';
import { useTraceStore } from '../trace/trace-store';
import { bindControlPlane, listening } from './control-plane-bridge';
import { useControlPlaneStore } from './control-plane-store';
import { QUIET_MS } from './story';

const read = (f: string) =>
  readFileSync(new URL(`../../../examples/walkthrough/${f}`, import.meta.url), 'utf8');

describe('bindControlPlane', () => {
  let host: PlaygroundHost;
  let unbind: () => void;
  beforeEach(() => {
    host = new PlaygroundHost({ files: { 'deployment.yml': read('deployment.yml') } });
    useControlPlaneStore.setState({ enabled: true, story: undefined, step: undefined });
    useTraceStore.getState().setSideTab('inspector');
    unbind = bindControlPlane(host);
  });
  afterEach(() => unbind());

  it('listens only while a story is told: not when idle, not after a read-only command', () => {
    expect(listening(host)).toBe(false);
    host.run('kubectl get pods');
    expect(listening(host)).toBe(false);
    expect(useControlPlaneStore.getState().story).toBe(undefined);
  });

  it('an apply starts a story, brings the tab up, and lets go of the stream once settled', () => {
    host.run('kubectl apply -f deployment.yml');
    expect(listening(host)).toBe(true);
    expect(useTraceStore.getState().sideTab).toBe('control-plane');
    const first = useControlPlaneStore.getState().story!;
    expect(first.command).toBe('kubectl apply -f deployment.yml');
    expect(first.steps[0]!.what).toBe('kubectl sent create Deployment default/httpd2');
    expect(first.nodes).toEqual(['master', 'node1', 'node2']);
    expect(useControlPlaneStore.getState().step).toBe(0);

    host.cluster.advance(10_000);
    expect(useControlPlaneStore.getState().story!.collecting).toBe(true);
    host.cluster.advance(QUIET_MS);
    const done = useControlPlaneStore.getState().story!;
    expect(done.collecting).toBe(false);
    expect(done.steps.some((s) => s.from === 'kube-proxy/node2' && s.diff)).toBe(true);
    expect(listening(host)).toBe(false);
  });

  it('a fault button’s annotate tells its story without taking the Inspector away', () => {
    host.run('kubectl apply -f deployment.yml');
    host.cluster.advance(60_000);
    useTraceStore.getState().setSideTab('inspector');
    host.runOnMaster('kubectl annotate node node1 playground/fault=down --overwrite');
    expect(useControlPlaneStore.getState().story!.command).toBe(
      'kubectl annotate node node1 playground/fault=down --overwrite',
    );
    expect(useTraceStore.getState().sideTab).toBe('inspector');
  });

  it('a new kubectl write starts a new story', () => {
    host.run('kubectl apply -f deployment.yml');
    const a = useControlPlaneStore.getState().story!.id;
    host.run('kubectl scale deployment httpd2 --replicas=1');
    const b = useControlPlaneStore.getState().story!;
    expect(b.id).toBe(a + 1);
    expect(b.steps[0]!.what).toBe('kubectl sent update Deployment default/httpd2');
  });

  it('switched off: nothing listens, no story', () => {
    useControlPlaneStore.getState().setEnabled(false);
    host.run('kubectl apply -f deployment.yml');
    expect(listening(host)).toBe(false);
    expect(useControlPlaneStore.getState().story).toBe(undefined);
  });

  it('switching off mid-story stops listening', () => {
    host.run('kubectl apply -f deployment.yml');
    useControlPlaneStore.getState().setEnabled(false);
    expect(listening(host)).toBe(false);
    expect(useControlPlaneStore.getState().story!.collecting).toBe(false);
  });

  it('host.onBeforeCommand hears a command before it runs', () => {
    const seen: Array<[string, boolean]> = [];
    const off = host.onBeforeCommand((input) =>
      seen.push([input, host.cluster.store.get('Deployment', 'default', 'httpd2') !== undefined]),
    );
    host.runOnMaster('kubectl apply -f deployment.yml');
    off();
    host.run('kubectl get pods');
    expect(seen).toEqual([['kubectl apply -f deployment.yml', false]]);
  });
});
