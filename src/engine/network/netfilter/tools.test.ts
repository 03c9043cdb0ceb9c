import { describe, expect, it } from 'vitest';
import { createCluster } from '../../cluster';
import type { Counters, Rule } from '../model';
import { dataplaneOf } from '../dataplane';
import './tools';

const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";

function onNode1() {
  const c = createCluster({ seed: 1 });
  expect(c.shell.run('ssh node1').exitCode).toBe(0);
  const run = (cmd: string) => c.shell.run(cmd);
  return { c, run };
}

describe('iptables on a node', () => {
  it('iptables -t nat -L KUBE-SERVICES -n --line-numbers', () => {
    const { run } = onNode1();
    expect(run('iptables -t nat -L KUBE-SERVICES -n --line-numbers')).toEqual({
      stdout:
        'Chain KUBE-SERVICES (2 references)\n' +
        'num  target     prot opt source               destination         \n' +
        '1    KUBE-SVC-NPX46M4PTMTKRN6Y  tcp  --  0.0.0.0/0            10.96.0.1            /* default/kubernetes:https cluster IP */ tcp dpt:443\n' +
        '2    KUBE-SVC-TCOU7JCQXEZGVUNU  udp  --  0.0.0.0/0            10.96.0.10           /* kube-system/kube-dns:dns cluster IP */ udp dpt:53\n' +
        '3    KUBE-SVC-ERIFXISQEP7F7OF4  tcp  --  0.0.0.0/0            10.96.0.10           /* kube-system/kube-dns:dns-tcp cluster IP */ tcp dpt:53\n' +
        '4    KUBE-SVC-JD5MR3NA4I4DYORP  tcp  --  0.0.0.0/0            10.96.0.10           /* kube-system/kube-dns:metrics cluster IP */ tcp dpt:9153\n' +
        '5    KUBE-NODEPORTS  all  --  0.0.0.0/0           !127.0.0.0/8          /* kubernetes service nodeports; NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('-nvL with the counters the evaluator keeps, in combined short flags', () => {
    const { c, run } = onNode1();
    const plane = dataplaneOf(c.context).nodes.get('node1')!;
    const svc = plane.tables.nat.chains.get('KUBE-SVC-NPX46M4PTMTKRN6Y')!;
    (plane.counters as WeakMap<Rule, Counters>).set(svc.rules[1]!, { packets: 3, bytes: 180 });
    plane.policyCounters.set('nat/PREROUTING', { packets: 1_234_567, bytes: 98_765_432 });
    expect(run('iptables -t nat -nvL KUBE-SVC-NPX46M4PTMTKRN6Y').stdout).toBe(
      'Chain KUBE-SVC-NPX46M4PTMTKRN6Y (1 references)\n' +
        ' pkts bytes target     prot opt in     out     source               destination         \n' +
        '    0     0 KUBE-MARK-MASQ  tcp  --  *      *      !10.244.0.0/16        10.96.0.1            /* default/kubernetes:https cluster IP */ tcp dpt:443\n' +
        '    3   180 KUBE-SEP-A3RDGLC7TMWZTFBP  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/kubernetes:https -> 192.168.100.10:6443 */\n',
    );
    expect(run('iptables -t nat -vL PREROUTING').stdout.split('\n')[0]).toBe(
      'Chain PREROUTING (policy ACCEPT 1235K packets, 99M bytes)',
    );
    expect(run('iptables -t nat -xvL PREROUTING').stdout.split('\n')[0]).toBe(
      'Chain PREROUTING (policy ACCEPT 1234567 packets, 98765432 bytes)',
    );
  });

  it('names addresses and ports without -n (the node’s /etc/hosts, /etc/services)', () => {
    const { run } = onNode1();
    const lines = run('iptables -t nat -L KUBE-SEP-A3RDGLC7TMWZTFBP').stdout.split('\n');
    expect(lines[2]).toBe(
      'KUBE-MARK-MASQ  all  --  master               anywhere             /* default/kubernetes:https */',
    );
    expect(run('iptables -t nat -L KUBE-SERVICES').stdout).toContain(
      'anywhere            !localhost/8          /* kubernetes service nodeports',
    );
    expect(run('iptables -L INPUT').stdout).toBe(
      'Chain INPUT (policy ACCEPT)\n' +
        'target     prot opt source               destination         \n' +
        'KUBE-PROXY-FIREWALL  all  --  anywhere             anywhere             ctstate NEW /* kubernetes load balancer firewall */\n' +
        'KUBE-NODEPORTS  all  --  anywhere             anywhere             /* kubernetes health check service ports */\n' +
        'KUBE-EXTERNAL-SERVICES  all  --  anywhere             anywhere             ctstate NEW /* kubernetes externally-visible service portals */\n' +
        'KUBE-FIREWALL  all  --  anywhere             anywhere            \n',
    );
  });

  it('-S lists the rules as iptables-save prints them; abbreviated long options work', () => {
    const { run } = onNode1();
    const forward =
      '-N KUBE-FORWARD\n' +
      '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n' +
      '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT\n' +
      '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n';
    expect(run('iptables -S KUBE-FORWARD').stdout).toBe(forward);
    expect(run('iptables --list-rules=KUBE-FORWARD').stdout).toBe(forward);
    expect(run('iptables --table=nat --list-r KUBE-MARK-MASQ').stdout).toBe(
      '-N KUBE-MARK-MASQ\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n',
    );
    expect(run('iptables -t nat -L KUBE-MARK-MASQ 1 -n').stdout).toBe(
      'MARK       all  --  0.0.0.0/0            0.0.0.0/0            MARK or 0x4000\n',
    );
  });

  it.each([
    ['iptables --foo', `iptables v1.8.7 (legacy): unknown option "--foo"\n${TRY}`, 2],
    ['iptables -L -y', `iptables v1.8.7 (legacy): unknown option "-y"\n${TRY}`, 2],
    ['iptables -t', `iptables v1.8.7 (legacy): option "-t" requires an argument\n${TRY}`, 2],
    ['iptables', `iptables v1.8.7 (legacy): no command specified\n${TRY}`, 2],
    ['iptables -L -S', `iptables v1.8.7 (legacy): Cannot use -S with -L\n\n${TRY}`, 2],
    [
      'iptables -S -n',
      `iptables v1.8.7 (legacy): Illegal option \`-n' with this command\n\n${TRY}`,
      2,
    ],
    [
      'iptables -L -p tcp',
      `iptables v1.8.7 (legacy): Illegal option \`-p' with this command\n\n${TRY}`,
      2,
    ],
    ['iptables -L -n INPUT', `Bad argument \`INPUT'\n${TRY}`, 2],
    ['iptables -L NOPE', 'iptables: No chain/target/match by that name.\n', 1],
    ['iptables -S NOPE', 'iptables: No chain/target/match by that name.\n', 1],
    [
      'iptables -t foo -L',
      "iptables v1.8.7 (legacy): can't initialize iptables table `foo': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n",
      3,
    ],
    [
      'iptables -A INPUT -j DROP',
      'iptables v1.8.7 (legacy): changing rules (-A) is not supported in this playground\n',
      1,
    ],
    [
      'iptables -t nat -F',
      'iptables v1.8.7 (legacy): changing rules (-F) is not supported in this playground\n',
      1,
    ],
  ])('%s', (cmd, stderr, exitCode) => {
    const { run } = onNode1();
    expect(run(cmd)).toEqual({ stdout: '', stderr, exitCode });
  });

  it('-V and -h', () => {
    const { run } = onNode1();
    expect(run('iptables -V').stdout).toBe('iptables v1.8.7 (legacy)\n');
    expect(run('iptables -h').stdout.split('\n').slice(0, 3)).toEqual([
      'iptables v1.8.7',
      '',
      'Usage: iptables -[ACD] chain rule-specification [options]',
    ]);
  });
});

describe('iptables-save on a node', () => {
  it('prints every loaded table, or one with -t; -c adds counters', () => {
    const { c, run } = onNode1();
    const all = run('iptables-save').stdout;
    expect(all.match(/^\*\w+$/gm)).toEqual(['*nat', '*filter', '*mangle']);
    expect(
      all.startsWith('# Generated by iptables-save v1.8.7 on Mon Jun  3 08:10:00 2024\n*nat\n'),
    ).toBe(true);
    const plane = dataplaneOf(c.context).nodes.get('node1')!;
    const prerouting = plane.tables.nat.chains.get('PREROUTING')!.rules[0]!;
    (plane.counters as WeakMap<Rule, Counters>).set(prerouting, { packets: 5, bytes: 300 });
    expect(run('iptables-save -c -t nat').stdout).toContain(
      '[5:300] -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n',
    );
    expect(run('iptables-save --table raw').stdout).toBe(
      '# Generated by iptables-save v1.8.7 on Mon Jun  3 08:10:00 2024\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n# Completed on Mon Jun  3 08:10:00 2024\n',
    );
    expect(run('iptables-save -t nat | grep -c "^-A KUBE-SEP"').stdout).toBe('14\n');
  });

  it('writes to a file with -f', () => {
    const { run } = onNode1();
    expect(run('iptables-save -t filter -f /tmp/rules')).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    expect(run('head -2 /tmp/rules').stdout).toBe(
      '# Generated by iptables-save v1.8.7 on Mon Jun  3 08:10:00 2024\n*filter\n',
    );
  });

  it.each([
    [
      'iptables-save --bogus',
      "iptables-save: unrecognized option '--bogus'\nLook at manual page `iptables-save.8' for more information.\n",
    ],
    [
      'iptables-save -x',
      "iptables-save: invalid option -- 'x'\nLook at manual page `iptables-save.8' for more information.\n",
    ],
    [
      'iptables-save -t',
      "iptables-save: option requires an argument -- 't'\nLook at manual page `iptables-save.8' for more information.\n",
    ],
    ['iptables-save extra', 'Unknown arguments found on commandline\n'],
    [
      'iptables-save -t foo',
      'iptables-save v1.8.7 (legacy): Cannot initialize: Table does not exist (do you need to insmod?)\n\n',
    ],
  ])('%s', (cmd, stderr) => {
    const { run } = onNode1();
    expect(run(cmd)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it('answers on the control-plane node too', () => {
    const c = createCluster({ seed: 1 });
    expect(c.shell.run('iptables-save -t nat').stdout).toContain(
      '-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y\n',
    );
    expect(c.shell.run('iptables-save -V').stdout).toBe('iptables-save v1.8.7 (legacy)\n');
  });
});
