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

  it('requests sent from the page are replayed: the next request picks the same pod', () => {
    const storage = memoryStorage();
    const a = new PlaygroundHost({ files: FILES, storage });
    a.run('kubectl apply -f web.yml');
    a.run('kubectl expose deployment web --port 80');
    a.cluster.advance(30_000);
    const ip = (a.cluster.store.get('Service', 'default', 'web')?.spec as { clusterIP: string })
      .clusterIP;
    const send = (h: PlaygroundHost) =>
      h.request({ from: { kind: 'node', name: 'master' }, url: `http://${ip}/` });
    const picks = Array.from({ length: 5 }, () => send(a).server?.pod);
    a.save();
    const b = new PlaygroundHost({ files: FILES, storage });
    expect(fingerprint(b)).toBe(fingerprint(a));
    // The random DNAT draws continue where they were: the same pods answer from here on.
    const next = (h: PlaygroundHost) => Array.from({ length: 8 }, () => send(h).server?.pod);
    expect(next(b)).toEqual(next(a));
    expect(new Set(picks).size).toBeGreaterThan(0);
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

describe('sleep at the terminal plays as a fast-forward', () => {
  /** requestAnimationFrame driven by hand: each frame() is 16 ms later. */
  function frames() {
    let t = 0;
    let queued: ((t: number) => void) | undefined;
    const g = globalThis as unknown as Record<string, unknown>;
    const saved = { raf: g.requestAnimationFrame, caf: g.cancelAnimationFrame };
    g.requestAnimationFrame = (cb: (t: number) => void) => {
      queued = cb;
      return 1;
    };
    g.cancelAnimationFrame = () => {
      queued = undefined;
    };
    return {
      frame() {
        t += 16;
        const cb = queued;
        queued = undefined;
        cb?.(t);
      },
      restore() {
        g.requestAnimationFrame = saved.raf;
        g.cancelAnimationFrame = saved.caf;
      },
    };
  }

  it('a lone sleep comes back at once with the time to play, which the frames let pass', async () => {
    const f = frames();
    try {
      const host = new PlaygroundHost({ files: FILES });
      host.start();
      const start = host.cluster.now();
      const r = host.run('sleep 60');
      expect(r).toEqual({ stdout: '', stderr: '', exitCode: 0, sleepMs: 60_000 });
      expect(host.cluster.now()).toBe(start);
      let done = false;
      void host.fastForward(r.sleepMs!).then(() => (done = true));
      let n = 0;
      while (!done && n < 1_000) {
        f.frame();
        n++;
        await Promise.resolve();
      }
      expect(done).toBe(true);
      expect(host.cluster.now()).toBe(start + 60_000);
      // About FAST_FORWARD_MS (1.5 s) of frames, whatever the length of the sleep.
      expect(n).toBeGreaterThan(80);
      expect(n).toBeLessThan(110);
      // Not lone: the time passes inside the command, as in scripts.
      expect(host.run('sleep 5; date +%s').sleepMs).toBeUndefined();
      expect(host.cluster.now()).toBe(start + 65_000);
      expect(host.run('sleep x')).toMatchObject({ exitCode: 1 });
      host.stop();
    } finally {
      f.restore();
    }
  });

  it('Step 1 s lets one virtual second pass while paused; Settle runs until nothing is left', () => {
    const f = frames();
    try {
      const host = new PlaygroundHost({ files: FILES });
      host.start();
      host.setPaused(true);
      f.frame();
      const start = host.cluster.now();
      host.stepTime(1000);
      for (let i = 0; i < 5; i++) f.frame();
      expect(host.cluster.now()).toBe(start + 1000);

      host.run('kubectl apply -f web.yml');
      host.settleSoon();
      expect(host.settling).toBe(true);
      let n = 0;
      while (host.settling && n < 2_000) {
        f.frame();
        n++;
      }
      expect(host.settling).toBe(false);
      const pods = host.cluster.store.list('Pod', { namespace: 'default' });
      expect(pods.map((p) => (p.status as { phase?: string } | undefined)?.phase)).toEqual([
        'Running',
        'Running',
      ]);
      // Still paused: nothing more passes.
      const after = host.cluster.now();
      for (let i = 0; i < 5; i++) f.frame();
      expect(host.cluster.now()).toBe(after);
      host.stop();
    } finally {
      f.restore();
    }
  });

  it('Ctrl+C stops it where it is, and a reload replays the time that passed', async () => {
    const f = frames();
    try {
      const storage = memoryStorage();
      const a = new PlaygroundHost({ files: FILES, storage });
      a.start();
      a.run('kubectl apply -f web.yml');
      const start = a.cluster.now();
      const r = a.run('sleep 300');
      let done = false;
      void a.fastForward(r.sleepMs!).then(() => (done = true));
      for (let i = 0; i < 20; i++) f.frame();
      a.interruptFastForward();
      await Promise.resolve();
      expect(done).toBe(true);
      const passed = a.cluster.now() - start;
      expect(passed).toBeGreaterThan(0);
      expect(passed).toBeLessThan(300_000);
      for (let i = 0; i < 3; i++) f.frame(); // back to 1 s per second
      expect(a.cluster.now() - start - passed).toBeLessThan(100);
      a.stop();
      a.save();
      const b = new PlaygroundHost({ files: FILES, storage });
      expect(fingerprint(b)).toBe(fingerprint(a));
    } finally {
      f.restore();
    }
  });
});
