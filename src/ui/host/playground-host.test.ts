import { describe, expect, it } from 'vitest';
import { PlaygroundHost } from './playground-host';
import { SESSION_KEY } from './session-log';

const FILES = {
  'web.yml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`,
};

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    map: m,
  };
}

/** What a learner would compare: every object's name and resourceVersion, and the files. */
function fingerprint(host: PlaygroundHost): string {
  const c = host.cluster;
  return JSON.stringify({
    now: c.now(),
    rv: c.store.resourceVersion,
    pods: c.store.list('Pod').map((p) => `${p.metadata.name}@${p.metadata.resourceVersion}`),
    files: c.workspace.list().map((f) => [f, c.workspace.read(f)]),
  });
}

describe('PlaygroundHost sessions', () => {
  it('a reload replays the session into the same cluster', () => {
    const storage = memoryStorage();
    const a = new PlaygroundHost({ files: FILES, storage });
    a.run('kubectl apply -f web.yml');
    a.cluster.advance(7_000);
    // An edit from the editor (outside the shell), then a command that reads it.
    a.cluster.workspace.write('web.yml', FILES['web.yml'].replace('replicas: 2', 'replicas: 3'));
    a.cluster.advance(1_500);
    a.run('kubectl apply -f web.yml');
    a.run('cat > extra.txt <<EOF\nhello\nEOF');
    a.cluster.advance(12_345);
    a.save();

    const b = new PlaygroundHost({ files: FILES, storage });
    expect(fingerprint(b)).toBe(fingerprint(a));
    expect(b.cluster.store.list('Pod', { namespace: 'default' })).toHaveLength(3);
    expect(b.cluster.workspace.read('extra.txt')).toBe('hello\n');
  });

  it('the editor’s Apply (runOnMaster) is replayed on the master while the terminal is elsewhere', () => {
    const storage = memoryStorage();
    const a = new PlaygroundHost({ files: FILES, storage });
    a.run('ssh node1');
    expect(a.runOnMaster('kubectl apply -f web.yml').stdout).toBe('deployment.apps/web created\n');
    a.cluster.advance(5_000);
    a.save();
    const b = new PlaygroundHost({ files: FILES, storage });
    expect(fingerprint(b)).toBe(fingerprint(a));
    expect(b.cluster.store.get('Deployment', 'default', 'web')).toBeDefined();
    expect(b.prompt()).toBe('[root@node1 ~]# ');
  });

  it('the shell’s own file writes are replayed through their command, not logged twice', () => {
    const storage = memoryStorage();
    const a = new PlaygroundHost({ files: FILES, storage });
    a.run('echo hi > note.txt');
    const saved = JSON.parse(storage.map.get(SESSION_KEY) ?? '{}') as { log: unknown[] };
    expect(saved.log).toEqual([{ at: a.cluster.now(), op: 'run', input: 'echo hi > note.txt' }]);
  });

  it('reset forgets the session and starts from the default workspace', () => {
    const storage = memoryStorage();
    const a = new PlaygroundHost({ files: FILES, storage });
    a.run('kubectl apply -f web.yml');
    a.cluster.workspace.remove('web.yml');
    a.reset();
    expect(storage.map.has(SESSION_KEY)).toBe(false);
    expect(a.cluster.workspace.list()).toEqual(['web.yml']);
    expect(a.cluster.store.list('Deployment', { namespace: 'default' })).toEqual([]);
  });

  it('a corrupt saved session is ignored', () => {
    const storage = memoryStorage();
    storage.setItem(SESSION_KEY, '{not json');
    const a = new PlaygroundHost({ files: FILES, storage });
    expect(a.cluster.workspace.list()).toEqual(['web.yml']);
  });
});
