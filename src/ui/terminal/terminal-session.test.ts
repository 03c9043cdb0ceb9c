import { describe, expect, it } from 'vitest';
import { PlaygroundHost } from '../host/playground-host';
import { ScreenModel } from './screen-model';
import { TerminalSession, toTerminalText } from './terminal-session';

const PROMPT = '[root@master test]# ';

function setup(cols = 100) {
  const host = new PlaygroundHost({ seed: 1 });
  const screen = new ScreenModel(cols);
  const session = new TerminalSession(host, screen);
  session.start();
  return { host, screen, session };
}

/** Keys as typed: one `onData` per key (a longer chunk would be a paste). */
function type(session: TerminalSession, keys: string): void {
  // eslint-disable-next-line no-control-regex
  for (const k of keys.match(/\x1b\[[0-9;]*[A-Za-z~]|[\s\S]/g) ?? []) session.input(k);
}

describe('TerminalSession', () => {
  it('opens with the welcome line and the prompt', () => {
    const { screen } = setup();
    expect(screen.text()).toBe(
      'Welcome to k8s-playground: a kubeadm cluster (master, node1, node2).\n' +
        'Try: kubectl get pods -A\n' +
        PROMPT.trimEnd(),
    );
  });

  it('runs a typed command and shows its output and a fresh prompt', () => {
    const { screen, session } = setup();
    for (const c of 'kubectl get nodes') session.input(c);
    session.input('\r');
    expect(screen.tail('kubectl get nodes')).toMatch(
      new RegExp(
        String.raw`^\[root@master test\]# kubectl get nodes\nNAME +STATUS +ROLES +AGE +VERSION\n` +
          String.raw`master +Ready +control-plane .*\nnode1 +Ready .*\nnode2 +Ready .*\n\[root@master test\]#$`,
      ),
    );
  });

  it('sleep N: the prompt comes back once the host has played the time', async () => {
    const { host, screen, session } = setup();
    const start = host.cluster.now();
    session.input('sleep 10\r');
    expect(screen.tail('sleep 10')).toBe(`${PROMPT}sleep 10`);
    type(session, 'ls'); // dropped while sleeping, as a terminal would not echo it either
    await Promise.resolve();
    await Promise.resolve();
    expect(host.cluster.now()).toBe(start + 10_000);
    expect(screen.tail('sleep 10')).toBe(`${PROMPT}sleep 10\n${PROMPT.trimEnd()}`);
  });

  it('shows stderr too', () => {
    const { screen, session } = setup();
    session.input('kubectl get pod nope\r');
    expect(screen.tail('get pod nope')).toBe(
      `${PROMPT}kubectl get pod nope\nError from server (NotFound): pods "nope" not found\n${PROMPT.trimEnd()}`,
    );
  });

  it('output without a final line break still puts the prompt on a new line', () => {
    const { screen, session } = setup();
    session.input('printf abc\r');
    expect(screen.tail('printf')).toBe(`${PROMPT}printf abc\nabc\n${PROMPT.trimEnd()}`);
  });

  it('Ctrl+C prints ^C, discards the line and runs nothing', () => {
    const { host, screen, session } = setup();
    session.input('kubectl delete node node1');
    session.input('\x03');
    expect(screen.tail('delete')).toBe(`${PROMPT}kubectl delete node node1^C\n${PROMPT.trimEnd()}`);
    expect(host.cluster.shell.history()).toEqual([]);
    expect(session.current.buffer).toBe('');
  });

  it('↑ recalls earlier commands of this prompt', () => {
    const { screen, session } = setup();
    session.input('echo one\r');
    session.input('echo two\r');
    session.input('\x1b[A');
    session.input('\x1b[A');
    expect(session.current.buffer).toBe('echo one');
    expect(screen.text().split('\n').at(-1)).toBe(`${PROMPT}echo one`);
    session.input('\x1b[B');
    expect(screen.text().split('\n').at(-1)).toBe(`${PROMPT}echo two`);
  });

  it('Ctrl+L clears the screen and keeps the line', () => {
    const { screen, session } = setup();
    session.input('echo hello\r');
    session.input('kubectl get');
    session.input('\x0c');
    expect(screen.text()).toBe(`${PROMPT}kubectl get`);
    expect(screen.x).toBe(PROMPT.length + 'kubectl get'.length);
  });

  it('the shell’s clear clears the screen', () => {
    const { screen, session } = setup();
    session.input('echo hello\r');
    session.input('clear\r');
    expect(screen.text()).toBe(PROMPT.trimEnd());
  });

  it('an unfinished input continues at "> ": a here-document', () => {
    const { host, screen, session } = setup();
    session.input('cat > notes.txt <<EOF\r');
    expect(screen.text().split('\n').at(-1)).toBe('>');
    session.input('first line\r');
    session.input('EOF\r');
    expect(host.cluster.workspace.read('notes.txt')).toBe('first line\n');
    expect(screen.tail('cat >')).toBe(
      `${PROMPT}cat > notes.txt <<EOF\n> first line\n> EOF\n${PROMPT.trimEnd()}`,
    );
  });

  it('a pasted block runs line by line and feeds here-documents', () => {
    const { host, screen, session } = setup();
    session.input('echo one\rcat > p.txt <<EOF\rx: 1\rEOF\recho two\r');
    expect(host.cluster.workspace.read('p.txt')).toBe('x: 1\n');
    expect(screen.tail('echo one')).toBe(
      [
        `${PROMPT}echo one`,
        'one',
        `${PROMPT}cat > p.txt <<EOF`,
        '> x: 1',
        '> EOF',
        `${PROMPT}echo two`,
        'two',
        PROMPT.trimEnd(),
      ].join('\n'),
    );
  });

  it('Ctrl+C abandons an unfinished here-document', () => {
    const { host, screen, session } = setup();
    session.input('cat > q.txt <<EOF\rabc\r\x03');
    expect(host.cluster.workspace.read('q.txt')).toBe(undefined);
    expect(screen.text().split('\n').slice(-2)).toEqual(['> ^C', PROMPT.trimEnd()]);
  });

  it('Ctrl+D ends an unfinished here-document as bash does', () => {
    const { host, session } = setup();
    session.input('cat > r.txt <<EOF\rabc\r\x04');
    expect(host.cluster.workspace.read('r.txt')).toBe('abc\n');
  });

  it('Tab completes one match, a second Tab lists several', () => {
    const { screen, session } = setup();
    type(session, 'kubectl get nod\t');
    expect(session.current.buffer).toBe('kubectl get nodes ');
    session.input('\t');
    expect(session.current.buffer).toBe('kubectl get nodes ');
    session.input('\t');
    expect(screen.text().split('\n').slice(-2)).toEqual([
      'master  node1   node2',
      `${PROMPT}kubectl get nodes`,
    ]);
  });

  it('a second Tab lists every match, in columns', () => {
    const { screen, session } = setup(80);
    type(session, 'kubectl describe --\t\t');
    expect(screen.text().split('\n').slice(-5)).toEqual([
      `${PROMPT}kubectl describe --`,
      '--all-namespaces   --filename         --namespace        --selector',
      '--chunk-size       --help             --recursive        --show-events',
      '--context          --kubeconfig       --request-timeout  --v',
      `${PROMPT}kubectl describe --`,
    ]);
  });

  it('more than 100 matches: bash asks first', () => {
    const { host, screen, session } = setup(80);
    host.run('kubectl create deployment big --image=nginx:1.25 --replicas=120');
    host.cluster.advance(1_000);
    type(session, 'kubectl get pods big\t');
    expect(session.current.buffer).toMatch(/^kubectl get pods big-[a-z0-9]+-$/);
    // As readline: the Tab after one that inserted text rings the bell; the next one lists.
    type(session, '\t\t');
    expect(screen.text().split('\n').at(-1)).toBe('Display all 120 possibilities? (y or n)');
    type(session, 'n');
    expect(screen.text().split('\n').at(-1)).toBe(`${PROMPT}${session.current.buffer}`);
    type(session, '\t\ty');
    expect(screen.text().split('\n').length).toBeGreaterThan(40);
    expect(screen.text().split('\n').at(-1)).toBe(`${PROMPT}${session.current.buffer}`);
  });

  it('commands from the editor show as if typed, keeping the partly typed line', () => {
    const { screen, session } = setup();
    session.input('kubectl get po');
    session.input('\x1b[D');
    session.showExternal({
      command: 'kubectl apply -f deployment.yml',
      stdout: 'deployment.apps/httpd2 created\n',
      stderr: '',
      exitCode: 0,
      source: 'editor',
    });
    expect(screen.tail('apply')).toBe(
      `${PROMPT}kubectl apply -f deployment.yml\ndeployment.apps/httpd2 created\n${PROMPT}kubectl get po`,
    );
    expect(screen.x).toBe(PROMPT.length + 'kubectl get p'.length);
    session.input('\x1b[C');
    session.input('d');
    session.input('\r');
    expect(screen.tail('get pod')).toMatch(
      /^\[root@master test\]# kubectl get pod\nNo resources found/,
    );
  });

  it('Ctrl+D leaves ssh (logout) and does nothing at the master prompt', () => {
    const { screen, session } = setup();
    session.input('ssh node1\r');
    expect(screen.text().split('\n').at(-1)).toBe('[root@node1 ~]#');
    session.input('\x04');
    expect(screen.tail('logout')).toBe(
      `[root@node1 ~]# logout\nConnection to node1 closed.\n${PROMPT.trimEnd()}`,
    );
    const before = screen.text();
    session.input('\x04');
    expect(screen.text()).toBe(before);
  });

  it('Ctrl+D leaves a container shell; its history is its own', () => {
    const { host, screen, session } = setup();
    host.cluster.shell.run('kubectl run box --image=busybox:1.28 -- sleep 9000');
    host.cluster.advance(60_000);
    session.input('kubectl exec -it box -- sh\r');
    expect(screen.text().split('\n').at(-1)).toBe('/ #');
    session.input('hostname\r');
    expect(screen.text()).toContain('/ # hostname\nbox\n/ #');
    session.input('\x1b[A');
    expect(session.current.buffer).toBe('hostname');
    session.input('\x15\x04');
    expect(screen.text().split('\n').slice(-2)).toEqual(['/ #', PROMPT.trimEnd()]);
    expect(host.cluster.shell.inContainer).toBe(false);
    session.input('\x1b[A');
    expect(session.current.buffer).toBe('kubectl exec -it box -- sh');
  });

  it('sleep lets virtual time pass', () => {
    const { host, session } = setup();
    const t0 = host.cluster.now();
    session.input('sleep 20\r');
    expect(host.cluster.now() - t0).toBe(20_000);
  });

  it('a reset starts over with a clean screen', () => {
    const { host, screen, session } = setup();
    session.input('echo x\r');
    session.input('half typed');
    host.reset();
    session.restart();
    expect(screen.text()).toMatch(/^Welcome to .*\nTry: .*\n\[root@master test\]#$/);
    expect(session.current.buffer).toBe('');
  });

  it('long lines wrap and edit correctly', () => {
    const { screen, session } = setup(30);
    session.input('echo ' + 'a'.repeat(30));
    session.input('\x01\x1b[C\x1b[C\x1b[C\x1b[3~');
    const rows = screen.text().split('\n');
    expect(rows.slice(-2)).toEqual([`${PROMPT}ech aaaaaa`, 'a'.repeat(24)]);
    expect({ x: screen.x, y: screen.y }).toEqual({ x: PROMPT.length + 3, y: rows.length - 2 });
    session.input('\r');
    expect(screen.text().split('\n').slice(-3)).toEqual([
      'a'.repeat(24),
      'bash: ech: command not found',
      PROMPT.trimEnd(),
    ]);
  });
});

describe('toTerminalText', () => {
  it.each([
    ['a\nb\n', 'a\r\nb\r\n'],
    ['a\r\nb', 'a\r\nb'],
    ['', ''],
  ])('%j', (text, out) => {
    expect(toTerminalText(text)).toBe(out);
  });
});
