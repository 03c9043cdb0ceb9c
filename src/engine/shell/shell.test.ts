import { describe, expect, it } from 'vitest';
import { createCluster } from '../cluster';
import { createShell, registerHostTool } from './shell';
import type { Shell } from './shell';
import { CLEAR_SCREEN } from './types';
import { MemoryWorkspace } from './workspace';

const BUSYBOX_POD = `apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - name: bb
    image: busybox:1.28.4
    command: ['sleep', '3600']
`;

const CONFIG_MAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: demo
`;

function setup(files: Record<string, string> = {}): {
  shell: Shell;
  workspace: MemoryWorkspace;
  cluster: ReturnType<typeof createCluster>;
} {
  const cluster = createCluster({ seed: 1 });
  const workspace = new MemoryWorkspace(files);
  return { shell: createShell(cluster, workspace), workspace, cluster };
}

/** What a terminal shows for these inputs: prompt and input, then stdout, then stderr. */
function transcript(shell: Shell, inputs: readonly string[]): string {
  let out = '';
  for (const input of inputs) {
    out += shell.prompt() + input + '\n';
    const r = shell.run(input);
    out += r.stdout + r.stderr;
  }
  return out;
}

describe('prompt, cd, pwd', () => {
  it('starts as root on master in /root/test and follows cd', () => {
    const { shell } = setup();
    expect(
      transcript(shell, ['pwd', 'cd ..', 'pwd', 'cd /x', 'cd test', 'cd /', 'cd', 'cd ~/test']),
    ).toBe(
      [
        '[root@master test]# pwd',
        '/root/test',
        '[root@master test]# cd ..',
        '[root@master ~]# pwd',
        '/root',
        '[root@master ~]# cd /x',
        'bash: cd: /x: No such file or directory',
        '[root@master ~]# cd test',
        '[root@master test]# cd /',
        '[root@master /]# cd',
        '[root@master ~]# cd ~/test',
        '',
      ].join('\n'),
    );
    expect(shell.prompt()).toBe('[root@master test]# ');
    expect(shell.run('cd /nope').exitCode).toBe(1);
  });

  it('ssh moves to another node and exit comes back', () => {
    const { shell } = setup();
    expect(transcript(shell, ['ssh node1', 'hostname', 'pwd', 'ls', 'exit', 'hostname'])).toBe(
      [
        '[root@master test]# ssh node1',
        '[root@node1 ~]# hostname',
        'node1',
        '[root@node1 ~]# pwd',
        '/root',
        '[root@node1 ~]# ls',
        '[root@node1 ~]# exit',
        'logout',
        'Connection to node1 closed.',
        '[root@master test]# hostname',
        'master',
        '',
      ].join('\n'),
    );
    expect(shell.run('ssh nodex')).toEqual({
      stdout: '',
      stderr: 'ssh: Could not resolve hostname nodex: Name or service not known\n',
      exitCode: 255,
    });
    expect(shell.run('ssh node2 hostname').stdout).toBe('node2\n');
    expect(shell.node).toBe('master');
  });

  it("ssh passes the remote command's own options through; its own options come first", () => {
    const { shell } = setup();
    expect(shell.run('ssh node2 echo -n hi').stdout).toBe('hi');
    expect(shell.run('ssh -p 22 -o StrictHostKeyChecking=no root@node1 hostname').stdout).toBe(
      'node1\n',
    );
    expect(shell.node).toBe('master');
  });

  it('kubectl on a worker has no kubeconfig', () => {
    const { shell } = setup();
    shell.run('ssh node1');
    const r = shell.run('kubectl get pods');
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe(
      'E0603 08:10:00.123456    4218 memcache.go:265] couldn\'t get current server API group list: Get "http://localhost:8080/api?timeout=32s": dial tcp 127.0.0.1:8080: connect: connection refused',
    );
    expect(lines[5]).toBe(
      'The connection to the server localhost:8080 was refused - did you specify the right host or port?',
    );
  });
});

describe('builtins', () => {
  it.each([
    ['echo hello   world', 'hello world\n', '', 0],
    ['echo -n x', 'x', '', 0],
    ['echo -e "a\\tb\\nc"', 'a\tb\nc\n', '', 0],
    ['echo "a\\nb"', 'a\\nb\n', '', 0],
    ['echo $HOME $PWD $USER', '/root /root/test root\n', '', 0],
    ['false; echo $?', '1\n', '', 0],
    ['true && echo yes || echo no', 'yes\n', '', 0],
    ['false && echo yes || echo no', 'no\n', '', 0],
    ['foo', '', 'bash: foo: command not found\n', 127],
    ['foo; echo $?', '127\n', 'bash: foo: command not found\n', 0],
    ['whoami', 'root\n', '', 0],
    ['hostname', 'master\n', '', 0],
    ['date', 'Mon Jun  3 08:10:00 UTC 2024\n', '', 0],
    ['date +%Y-%m-%dT%H:%M:%S', '2024-06-03T08:10:00\n', '', 0],
    ['cat nope', '', 'cat: nope: No such file or directory\n', 1],
    ['ls nope', '', "ls: cannot access 'nope': No such file or directory\n", 2],
    ['printf "%s=%d\\n" a 1 b 2', 'a=1\nb=2\n', '', 0],
    ['X=5; echo "x is $X"', 'x is 5\n', '', 0],
    ['echo $(echo inner) "$(hostname)"', 'inner master\n', '', 0],
    ['for i in 1 2 3; do echo n$i; done', 'n1\nn2\nn3\n', '', 0],
    ['if test -f a.yml; then echo yes; else echo no; fi', 'yes\n', '', 0],
    ['[ 3 -gt 2 ] && echo bigger', 'bigger\n', '', 0],
    [
      'echo "unterminated',
      '',
      'bash: unexpected EOF while looking for matching `"\'\nbash: syntax error: unexpected end of file\n',
      2,
    ],
    ['| wc', '', "bash: syntax error near unexpected token `|'\n", 2],
    ['exit 7 | true; echo $?', '0\n', '', 0],
    ['uname -r', '5.15.0-107-generic\n', '', 0],
    ['seq 3', '1\n2\n3\n', '', 0],
  ])('%s', (input, stdout, stderr, exitCode) => {
    const { shell } = setup({ 'a.yml': 'x: 1\n' });
    expect(shell.run(input)).toEqual({ stdout, stderr, exitCode });
  });

  it('clear prints the terminal reset that `clear` prints', () => {
    const { shell } = setup();
    expect(shell.run('clear')).toEqual({ stdout: CLEAR_SCREEN, stderr: '', exitCode: 0 });
    expect(CLEAR_SCREEN).toBe('\x1b[H\x1b[2J\x1b[3J');
  });

  it('history numbers every input, multi-line ones whole, no repeats', () => {
    const { shell } = setup();
    for (const l of ['ls', 'ls', 'kubectl get pods', ' secret', 'cat <<EOF\nx\nEOF']) shell.run(l);
    expect(shell.run('history').stdout).toBe(
      '    1  ls\n    2  kubectl get pods\n    3  cat <<EOF\nx\nEOF\n    4  history\n',
    );
    expect(shell.run('history 2').stdout).toBe('    4  history\n    5  history 2\n');
  });

  it('sleep lets virtual time pass while the cluster runs', () => {
    const { shell, cluster } = setup();
    const t0 = cluster.now();
    expect(shell.run('sleep 5').exitCode).toBe(0);
    expect(cluster.now() - t0).toBe(5000);
    shell.run('sleep 1m');
    expect(cluster.now() - t0).toBe(65_000);
    expect(shell.run('date').stdout).toBe('Mon Jun  3 08:11:05 UTC 2024\n');
    expect(shell.run('sleep x')).toEqual({
      stdout: '',
      stderr: "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n",
      exitCode: 1,
    });
  });
});

describe('files in the workspace', () => {
  it('ls prints columns on the terminal and lines into a pipe', () => {
    const names = ['deployment.yml', 'service.yml', 'test.yml', 'a-very-long-name-for-a-file.yaml'];
    const { shell } = setup(Object.fromEntries(names.map((n) => [n, 'x\n'])));
    expect(shell.run('ls').stdout).toBe(
      'a-very-long-name-for-a-file.yaml  deployment.yml  service.yml  test.yml\n',
    );
    expect(shell.run('ls | cat').stdout).toBe(
      'a-very-long-name-for-a-file.yaml\ndeployment.yml\nservice.yml\ntest.yml\n',
    );
    expect(shell.run('ls | wc -l').stdout).toBe('4\n');
    expect(shell.run('ls *.yml').stdout).toBe('deployment.yml  service.yml  test.yml\n');
  });

  it('ls wraps into columns filled top to bottom, as GNU ls does at 80 columns', () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 12; i++) files[`manifest-number-${i}.yaml`] = '';
    const { shell } = setup(files);
    expect(shell.run('ls').stdout).toBe(
      [
        'manifest-number-10.yaml  manifest-number-2.yaml  manifest-number-6.yaml',
        'manifest-number-11.yaml  manifest-number-3.yaml  manifest-number-7.yaml',
        'manifest-number-12.yaml  manifest-number-4.yaml  manifest-number-8.yaml',
        'manifest-number-1.yaml   manifest-number-5.yaml  manifest-number-9.yaml',
        '',
      ].join('\n'),
    );
  });

  it('ls -l shows sizes and modification times', () => {
    const { shell } = setup({ 'deployment.yml': 'a'.repeat(1043), 'pod.yml': 'b\n' });
    shell.run('sleep 120');
    shell.run('echo hi >> pod.yml');
    expect(shell.run('ls -l').stdout).toBe(
      [
        'total 8',
        '-rw-r--r-- 1 root root 1043 Jun  3 08:10 deployment.yml',
        '-rw-r--r-- 1 root root    5 Jun  3 08:12 pod.yml',
        '',
      ].join('\n'),
    );
    expect(shell.run('ls -la /root').stdout).toBe(
      [
        'total 12',
        'drwxr-xr-x 2 root root 4096 Jun  3 08:12 .',
        'drwxr-xr-x 2 root root 4096 Jun  3 08:12 ..',
        'drwxr-xr-x 2 root root 4096 Jun  3 08:12 test',
        '',
      ].join('\n'),
    );
  });

  it('a heredoc writes a workspace file, the editor sees it', () => {
    const { shell, workspace } = setup();
    const changed: string[] = [];
    workspace.subscribe((n) => changed.push(n));
    const input = 'cat > pod.yml <<EOF\nkind: Pod\nname: $HOSTNAME\nEOF';
    expect(shell.needsMoreInput('cat > pod.yml <<EOF\nkind: Pod')).toBe(true);
    expect(shell.needsMoreInput(input)).toBe(false);
    expect(shell.run(input)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(workspace.read('pod.yml')).toBe('kind: Pod\nname: master\n');
    expect(shell.run("cat <<'EOF' > raw.yml\nname: $HOSTNAME\nEOF").exitCode).toBe(0);
    expect(workspace.read('raw.yml')).toBe('name: $HOSTNAME\n');
    expect(changed).toContain('pod.yml');
  });

  it('redirections: >, >>, 2>&1, 2>/dev/null, <', () => {
    const { shell, workspace } = setup();
    shell.run('echo one > f.txt');
    shell.run('echo two >> f.txt');
    expect(workspace.read('f.txt')).toBe('one\ntwo\n');
    expect(shell.run('cat nope 2>/dev/null')).toEqual({ stdout: '', stderr: '', exitCode: 1 });
    expect(shell.run('cat nope 2>&1')).toEqual({
      stdout: 'cat: nope: No such file or directory\n',
      stderr: '',
      exitCode: 1,
    });
    shell.run('cat f.txt nope > both.txt 2>&1');
    expect(workspace.read('both.txt')).toBe('one\ntwo\ncat: nope: No such file or directory\n');
    expect(shell.run('wc -l < f.txt').stdout).toBe('2\n');
    expect(shell.run('cat < nope')).toEqual({
      stdout: '',
      stderr: 'bash: nope: No such file or directory\n',
      exitCode: 1,
    });
    expect(shell.run('echo x > sub/f')).toEqual({
      stdout: '',
      stderr: 'bash: sub/f: No such file or directory\n',
      exitCode: 1,
    });
    expect(shell.run('echo x >&2')).toEqual({ stdout: '', stderr: 'x\n', exitCode: 0 });
  });

  it('rm, cp, mv, touch act on the workspace', () => {
    const { shell, workspace } = setup({ 'a.yml': 'a\n' });
    shell.run('cp a.yml b.yml');
    shell.run('mv a.yml c.yml');
    shell.run('touch d.yml');
    expect(workspace.list()).toEqual(['b.yml', 'c.yml', 'd.yml']);
    shell.run('rm b.yml d.yml');
    expect(workspace.list()).toEqual(['c.yml']);
    expect(shell.run('rm nope').stderr).toBe(
      "rm: cannot remove 'nope': No such file or directory\n",
    );
  });
});

describe('text tools in pipes', () => {
  const TABLE =
    'NAME   READY   STATUS    RESTARTS   AGE\nweb-1  1/1     Running   0          5s\nweb-2  0/1     Pending   0          5s\ndb-1   1/1     Running   2          9s\n';
  it.each([
    [
      'grep web t.txt',
      'web-1  1/1     Running   0          5s\nweb-2  0/1     Pending   0          5s\n',
    ],
    [
      'grep -v Running t.txt',
      'NAME   READY   STATUS    RESTARTS   AGE\nweb-2  0/1     Pending   0          5s\n',
    ],
    ['grep -c Running t.txt', '2\n'],
    ['grep -i pending t.txt | wc -l', '1\n'],
    ['grep -E "web-(1|2)" t.txt | head -1', 'web-1  1/1     Running   0          5s\n'],
    [
      'head -n 2 t.txt',
      'NAME   READY   STATUS    RESTARTS   AGE\nweb-1  1/1     Running   0          5s\n',
    ],
    ['tail -1 t.txt', 'db-1   1/1     Running   2          9s\n'],
    ['tail -n +3 t.txt | wc -l', '2\n'],
    ['cat t.txt | wc -l', '4\n'],
    ['wc -l t.txt', '4 t.txt\n'],
    ["awk '{print $1}' t.txt", 'NAME\nweb-1\nweb-2\ndb-1\n'],
    ["awk 'NR>1 {print $1, $3}' t.txt", 'web-1 Running\nweb-2 Pending\ndb-1 Running\n'],
    ['awk \'$3=="Running" {print $1}\' t.txt', 'web-1\ndb-1\n'],
    ['cut -d " " -f 1 t.txt | sort | head -2', 'db-1\nNAME\n'],
    ['cut -d " " -f 1 t.txt | sort -r', 'web-2\nweb-1\nNAME\ndb-1\n'],
    ['grep -o "web-[0-9]" t.txt | sort -r | uniq', 'web-2\nweb-1\n'],
    ['echo hello | tr a-z A-Z', 'HELLO\n'],
    ['grep nothing t.txt; echo $?', '1\n'],
  ])('%s', (input, stdout) => {
    const { shell } = setup({ 't.txt': TABLE });
    expect(shell.run(input).stdout).toBe(stdout);
  });
});

describe('kubectl from the shell', () => {
  it('pipes a manifest into kubectl apply -f - and sees the pod run', () => {
    const { shell } = setup({ 'pod.yml': BUSYBOX_POD });
    expect(shell.run('cat pod.yml | kubectl apply -f -')).toEqual({
      stdout: 'pod/bb created\n',
      stderr: '',
      exitCode: 0,
    });
    shell.run('sleep 30');
    expect(shell.run('kubectl get pods | grep bb | wc -l').stdout).toBe('1\n');
    expect(shell.run('kubectl get pod bb -o jsonpath={.status.phase}').stdout).toBe('Running');
  });

  it('an unknown command through kubectl keeps kubectl’s error and status', () => {
    const { shell } = setup();
    const r = shell.run('kubectl gett pods');
    expect(r.exitCode).toBe(1);
    expect(r.stderr.startsWith('error: unknown command "gett" for "kubectl"')).toBe(true);
  });

  it('runOnMaster runs on the master in the workspace, leaving the terminal where it is', () => {
    const { shell, cluster } = setup({ 'pod.yml': BUSYBOX_POD, 'cm.yml': CONFIG_MAP });
    shell.run('kubectl apply -f pod.yml');
    shell.run('sleep 20');
    shell.run('kubectl exec -it bb -- sh');
    shell.run('cd /etc');
    expect(shell.masterPrompt()).toBe('[root@master test]# ');
    const r = shell.runOnMaster('kubectl apply -f cm.yml');
    expect(r).toEqual({ stdout: 'configmap/settings created\n', stderr: '', exitCode: 0 });
    expect(cluster.store.get('ConfigMap', 'default', 'settings')).toBeDefined();
    expect(transcript(shell, ['pwd', 'exit', 'ssh node1'])).toContain('/etc # pwd\n/etc\n');
    // From another node, too; the terminal's history holds only what was typed there.
    expect(shell.runOnMaster('hostname; pwd').stdout).toBe('master\n/root/test\n');
    expect(shell.prompt()).toBe('[root@node1 ~]# ');
    shell.run('exit');
    expect(shell.history()).toEqual([
      'kubectl apply -f pod.yml',
      'sleep 20',
      'kubectl exec -it bb -- sh',
      'ssh node1',
    ]);
  });

  it('kubectl exec -it … sh enters the container until exit', () => {
    const { shell } = setup({ 'pod.yml': BUSYBOX_POD });
    shell.run('kubectl apply -f pod.yml');
    shell.run('sleep 20');
    expect(
      transcript(shell, [
        'kubectl exec -it bb -- sh',
        'hostname',
        'cd /etc',
        'cat hostname',
        'kubectl get pods',
        'exit',
        'pwd',
      ]),
    ).toBe(
      [
        '[root@master test]# kubectl exec -it bb -- sh',
        '/ # hostname',
        'bb',
        '/ # cd /etc',
        '/etc # cat hostname',
        'bb',
        '/etc # kubectl get pods',
        'sh: kubectl: not found',
        '/etc # exit',
        // `exit` keeps the last status (127), and kubectl reports it.
        'command terminated with exit code 127',
        '[root@master test]# pwd',
        '/root/test',
        '',
      ].join('\n'),
    );
    expect(shell.inContainer).toBe(false);
  });

  it('a non-zero exit from the container is reported by kubectl and becomes $?', () => {
    const { shell } = setup({ 'pod.yml': BUSYBOX_POD });
    shell.run('kubectl apply -f pod.yml');
    shell.run('sleep 20');
    shell.run('kubectl exec -it bb -- /bin/sh');
    expect(shell.prompt()).toBe('/ # ');
    expect(shell.run('exit 3')).toEqual({
      stdout: '',
      stderr: 'command terminated with exit code 3\n',
      exitCode: 3,
    });
    expect(shell.run('echo $?').stdout).toBe('3\n');
  });

  it('the session ends when the container goes away', () => {
    const { shell, cluster } = setup({ 'pod.yml': BUSYBOX_POD });
    shell.run('kubectl apply -f pod.yml');
    shell.run('sleep 20');
    shell.run('kubectl exec -it bb -- sh');
    shell.closeSession();
    expect(shell.inContainer).toBe(false);
    shell.run('kubectl exec -it bb -- sh');
    expect(shell.inContainer).toBe(true);
    // Someone else deletes the pod; its container is killed while the session is open.
    cluster.store.delete('Pod', 'default', 'bb', { actor: 'test', gracePeriodSeconds: 0 });
    cluster.advance(2000);
    expect(shell.run('ls')).toEqual({
      stdout: '',
      stderr: 'command terminated with exit code 137\n',
      exitCode: 137,
    });
    expect(shell.inContainer).toBe(false);
    expect(shell.prompt()).toBe('[root@master test]# ');
  });

  it('piping commands into kubectl exec -i sh runs them without a session', () => {
    const { shell } = setup({ 'pod.yml': BUSYBOX_POD });
    shell.run('kubectl apply -f pod.yml');
    shell.run('sleep 20');
    expect(shell.run('echo "echo \\$HOSTNAME" | kubectl exec -i bb -- sh')).toEqual({
      stdout: 'bb\n',
      stderr: '',
      exitCode: 0,
    });
    expect(shell.inContainer).toBe(false);
  });
});

describe('registered host tools', () => {
  it('a later layer adds a node command', () => {
    registerHostTool('playground-test-tool', (argv, _io, ctx) => ({
      stdout: `${ctx.node}:${argv.slice(1).join(',')}\n`,
      stderr: '',
      exitCode: 0,
    }));
    const { shell } = setup();
    expect(shell.run('playground-test-tool a b').stdout).toBe('master:a,b\n');
  });
});

describe('environment, aliases and commands named by a path', () => {
  it('export puts a variable in the environment; unset takes it out', () => {
    const { shell } = setup();
    expect(
      transcript(shell, [
        'X=1',
        'env | grep ^X=',
        'export X',
        'env | grep ^X=',
        'export Y=2',
        'printenv Y',
        'unset Y',
        'printenv Y',
      ]),
    ).toBe(
      [
        '[root@master test]# X=1',
        '[root@master test]# env | grep ^X=',
        '[root@master test]# export X',
        '[root@master test]# env | grep ^X=',
        'X=1',
        '[root@master test]# export Y=2',
        '[root@master test]# printenv Y',
        '2',
        '[root@master test]# unset Y',
        '[root@master test]# printenv Y',
        '',
      ].join('\n'),
    );
  });

  it('FOO=bar cmd: the assignment is in that command’s environment only', () => {
    const { shell } = setup();
    expect(transcript(shell, ['FOO=bar env | grep FOO', 'echo "[$FOO]"'])).toBe(
      [
        '[root@master test]# FOO=bar env | grep FOO',
        'FOO=bar',
        '[root@master test]# echo "[$FOO]"',
        '[]',
        '',
      ].join('\n'),
    );
  });

  it('alias k=kubectl, as learners set it up; unalias; errors', () => {
    const { shell } = setup();
    expect(
      transcript(shell, [
        'alias k=kubectl',
        "alias kn='kubectl get ns'",
        'alias',
        'k get ns default',
        'kn kube-public --no-headers',
        'alias nope',
        'unalias k',
        'k version',
      ]),
    ).toBe(
      [
        '[root@master test]# alias k=kubectl',
        "[root@master test]# alias kn='kubectl get ns'",
        '[root@master test]# alias',
        "alias k='kubectl'",
        "alias kn='kubectl get ns'",
        '[root@master test]# k get ns default',
        'NAME      STATUS   AGE',
        'default   Active   10m',
        '[root@master test]# kn kube-public --no-headers',
        'kube-public   Active   10m',
        '[root@master test]# alias nope',
        'bash: alias: nope: not found',
        '[root@master test]# unalias k',
        '[root@master test]# k version',
        'bash: k: command not found',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['./foo', 'bash: ./foo: No such file or directory\n', 127],
    ['./x.yml', 'bash: ./x.yml: Permission denied\n', 126],
    ['/root', 'bash: /root: Is a directory\n', 126],
    ['/opt/kubectl version --client', 'bash: /opt/kubectl: No such file or directory\n', 127],
  ])('%s', (input, stderr, exitCode) => {
    const { shell } = setup({ 'x.yml': 'a: 1\n' });
    expect(shell.run(input)).toMatchObject({ stdout: '', stderr, exitCode });
  });

  it('/usr/bin/kubectl is kubectl', () => {
    const { shell } = setup();
    expect(shell.run('/usr/bin/kubectl get ns default --no-headers')).toMatchObject({
      stdout: 'default   Active   10m\n',
      exitCode: 0,
    });
  });
});
