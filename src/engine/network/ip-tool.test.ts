/**
 * `ip` on the nodes of the default cluster after the classic lesson's Deployment (httpd2, three
 * replicas: two on node2, one on node1, beside CoreDNS on each worker): the exact text iproute2
 * 5.15 prints, trailing spaces included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCluster } from '../cluster';
import type { Cluster } from '../cluster';
import { dataplaneOf } from './dataplane';
import './ip-tool';

const dir = join(__dirname, '..', '..', '..', 'examples', 'walkthrough');
const files = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
);

function lessonCluster(): Cluster {
  const cluster = createCluster({ seed: 1, files });
  cluster.shell.run('kubectl apply -f deployment.yml');
  cluster.advance(60_000);
  return cluster;
}

const lines = (...l: string[]): string => l.join('\n') + '\n';

const MASTER_ADDR = lines(
  '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
  '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
  '    inet 127.0.0.1/8 scope host lo',
  '       valid_lft forever preferred_lft forever',
  '    inet6 ::1/128 scope host ',
  '       valid_lft forever preferred_lft forever',
  '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000',
  '    link/ether 52:54:00:88:ee:43 brd ff:ff:ff:ff:ff:ff',
  '    inet 192.168.100.10/24 brd 192.168.100.255 scope global eth0',
  '       valid_lft forever preferred_lft forever',
  '    inet6 fe80::5054:ff:fe88:ee43/64 scope link ',
  '       valid_lft forever preferred_lft forever',
  '3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default ',
  '    link/ether ee:ca:6b:3f:fb:dc brd ff:ff:ff:ff:ff:ff',
  '    inet 10.244.0.0/32 scope global flannel.1',
  '       valid_lft forever preferred_lft forever',
  '    inet6 fe80::ecca:6bff:fe3f:fbdc/64 scope link ',
  '       valid_lft forever preferred_lft forever',
);

const NODE1_ADDR = lines(
  '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
  '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
  '    inet 127.0.0.1/8 scope host lo',
  '       valid_lft forever preferred_lft forever',
  '    inet6 ::1/128 scope host ',
  '       valid_lft forever preferred_lft forever',
  '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000',
  '    link/ether 52:54:00:72:59:f8 brd ff:ff:ff:ff:ff:ff',
  '    inet 192.168.100.11/24 brd 192.168.100.255 scope global eth0',
  '       valid_lft forever preferred_lft forever',
  '    inet6 fe80::5054:ff:fe72:59f8/64 scope link ',
  '       valid_lft forever preferred_lft forever',
  '3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default ',
  '    link/ether 3e:33:d8:04:e8:6a brd ff:ff:ff:ff:ff:ff',
  '    inet 10.244.1.0/32 scope global flannel.1',
  '       valid_lft forever preferred_lft forever',
  '    inet6 fe80::3c33:d8ff:fe04:e86a/64 scope link ',
  '       valid_lft forever preferred_lft forever',
  '4: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000',
  '    link/ether f6:14:62:f7:f2:19 brd ff:ff:ff:ff:ff:ff',
  '    inet 10.244.1.1/24 brd 10.244.1.255 scope global cni0',
  '       valid_lft forever preferred_lft forever',
  '    inet6 fe80::f414:62ff:fef7:f219/64 scope link ',
  '       valid_lft forever preferred_lft forever',
  '6: veth476f664b@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master cni0 state UP group default qlen 1000',
  '    link/ether 66:76:0d:a1:07:f7 brd ff:ff:ff:ff:ff:ff link-netns cni-ef5146ad-fa88-40f0-4d01-01c059c7553d',
  '    inet6 fe80::6476:dff:fea1:7f7/64 scope link ',
  '       valid_lft forever preferred_lft forever',
  '7: veth1bd49dae@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master cni0 state UP group default qlen 1000',
  '    link/ether 7e:df:e0:b9:90:5c brd ff:ff:ff:ff:ff:ff link-netns cni-7264d77c-d7a3-44d9-be7d-32d75f480539',
  '    inet6 fe80::7cdf:e0ff:feb9:905c/64 scope link ',
  '       valid_lft forever preferred_lft forever',
);

const MASTER_ROUTE = lines(
  'default via 192.168.100.1 dev eth0 proto static ',
  '10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink ',
  '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink ',
  '192.168.100.0/24 dev eth0 proto kernel scope link src 192.168.100.10 ',
);

const NODE1_ROUTE = lines(
  'default via 192.168.100.1 dev eth0 proto static ',
  '10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink ',
  '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 ',
  '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink ',
  '192.168.100.0/24 dev eth0 proto kernel scope link src 192.168.100.11 ',
);

describe('ip on the classic lesson cluster', () => {
  let cluster: Cluster;
  beforeAll(() => {
    cluster = lessonCluster();
  });

  it('the lesson placed its pods as these expectations assume', () => {
    const out = cluster.shell.run('kubectl get pods -o wide').stdout;
    expect(out.match(/10\.244\.\d+\.\d+ +node\d/g)?.map((m) => m.replace(/ +/, ' '))).toEqual([
      '10.244.2.4 node2',
      '10.244.2.3 node2',
      '10.244.1.3 node1',
    ]);
  });

  it.each([
    ['ip addr', MASTER_ADDR],
    ['ip a', MASTER_ADDR],
    ['ip address show', MASTER_ADDR],
    ['ip route', MASTER_ROUTE],
    ['ip r', MASTER_ROUTE],
    ['ip route show', MASTER_ROUTE],
    [
      'ip route get 10.244.2.4',
      lines('10.244.2.4 via 10.244.2.0 dev flannel.1 src 10.244.0.0 uid 0 ', '    cache '),
    ],
  ])('master: %s', (cmd, expected) => {
    expect(cluster.shell.run(cmd)).toEqual({ stdout: expected, stderr: '', exitCode: 0 });
  });

  it.each([
    ['ip addr', NODE1_ADDR],
    ['ip route', NODE1_ROUTE],
    [
      'ip route get 10.244.2.4',
      lines('10.244.2.4 via 10.244.2.0 dev flannel.1 src 10.244.1.0 uid 0 ', '    cache '),
    ],
    ['ip route get 10.244.1.3', lines('10.244.1.3 dev cni0 src 10.244.1.1 uid 0 ', '    cache ')],
    [
      'ip route get 192.168.100.12',
      lines('192.168.100.12 dev eth0 src 192.168.100.11 uid 0 ', '    cache '),
    ],
    [
      'ip route get 8.8.8.8',
      lines('8.8.8.8 via 192.168.100.1 dev eth0 src 192.168.100.11 uid 0 ', '    cache '),
    ],
    [
      'ip route get 192.168.100.11',
      lines('local 192.168.100.11 dev lo src 192.168.100.11 uid 0 ', '    cache <local> '),
    ],
    [
      'ip route get 127.0.0.53',
      lines('local 127.0.0.53 dev lo src 127.0.0.1 uid 0 ', '    cache <local> '),
    ],
    // In iptables mode a ClusterIP is no address of the node: DNAT rewrites it before routing.
    [
      'ip route get 10.96.0.10',
      lines('10.96.0.10 via 192.168.100.1 dev eth0 src 192.168.100.11 uid 0 ', '    cache '),
    ],
    [
      'ip -4 addr show cni0',
      lines(
        '4: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000',
        '    link/ether f6:14:62:f7:f2:19 brd ff:ff:ff:ff:ff:ff',
        '    inet 10.244.1.1/24 brd 10.244.1.255 scope global cni0',
        '       valid_lft forever preferred_lft forever',
      ),
    ],
    [
      'ip -4 -br a',
      lines(
        'lo               UNKNOWN        127.0.0.1/8 ',
        'eth0             UP             192.168.100.11/24 ',
        'flannel.1        UNKNOWN        10.244.1.0/32 ',
        'cni0             UP             10.244.1.1/24 ',
      ),
    ],
    [
      'ip link show dev veth1bd49dae',
      lines(
        '7: veth1bd49dae@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master cni0 state UP mode DEFAULT group default qlen 1000',
        '    link/ether 7e:df:e0:b9:90:5c brd ff:ff:ff:ff:ff:ff link-netns cni-7264d77c-d7a3-44d9-be7d-32d75f480539',
      ),
    ],
    [
      'ip -br link',
      lines(
        'lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> ',
        'eth0             UP             52:54:00:72:59:f8 <BROADCAST,MULTICAST,UP,LOWER_UP> ',
        'flannel.1        UNKNOWN        3e:33:d8:04:e8:6a <BROADCAST,MULTICAST,UP,LOWER_UP> ',
        'cni0             UP             f6:14:62:f7:f2:19 <BROADCAST,MULTICAST,UP,LOWER_UP> ',
        'veth476f664b@if2 UP             66:76:0d:a1:07:f7 <BROADCAST,MULTICAST,UP,LOWER_UP> ',
        'veth1bd49dae@if2 UP             7e:df:e0:b9:90:5c <BROADCAST,MULTICAST,UP,LOWER_UP> ',
      ),
    ],
    [
      'ip route show dev cni0',
      lines('10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 '),
    ],
    ['ip route show default', lines('default via 192.168.100.1 dev eth0 proto static ')],
  ])('node1: %s', (cmd, expected) => {
    // At node1's prompt (`ssh node1 CMD` would do, but the shell's ssh drops CMD's options).
    cluster.shell.run('ssh node1');
    const r = cluster.shell.run(cmd);
    cluster.shell.run('exit');
    expect(r).toEqual({ stdout: expected, stderr: '', exitCode: 0 });
  });

  it('`ssh node1`, then `ip route` at its prompt', () => {
    const shell = cluster.shell;
    expect(shell.run('ssh node1').exitCode).toBe(0);
    expect(shell.prompt()).toBe('[root@node1 ~]# ');
    expect(shell.run('ip route')).toEqual({ stdout: NODE1_ROUTE, stderr: '', exitCode: 0 });
    shell.run('exit');
    expect(shell.prompt()).toBe('[root@master test]# ');
  });

  it('the output is the same every time it is asked (stable names, MACs and indexes)', () => {
    const a = cluster.shell.run('ssh node2 ip addr').stdout;
    expect(cluster.shell.run('ssh node2 ip addr').stdout).toBe(a);
    expect(createCluster({ seed: 1 }).shell.run('ip link').stdout).toBe(
      cluster.shell.run('ip link').stdout,
    );
  });
});

describe('ip in ipvs mode', () => {
  it('kube-ipvs0 is down and holds every service IP as a /32; they route as local', () => {
    const cluster = lessonCluster();
    dataplaneOf(cluster.context).update({ proxyMode: 'ipvs' });
    expect(cluster.shell.run('ssh node2 ip addr show kube-ipvs0').stdout).toBe(
      lines(
        '5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default ',
        '    link/ether 9e:33:57:21:e3:ca brd ff:ff:ff:ff:ff:ff',
        '    inet 10.96.0.1/32 scope global kube-ipvs0',
        '       valid_lft forever preferred_lft forever',
        '    inet 10.96.0.10/32 scope global kube-ipvs0',
        '       valid_lft forever preferred_lft forever',
        '    inet 10.110.105.26/32 scope global kube-ipvs0',
        '       valid_lft forever preferred_lft forever',
      ),
    );
    expect(cluster.shell.run('ip route get 10.110.105.26').stdout).toBe(
      lines('local 10.110.105.26 dev lo src 10.110.105.26 uid 0 ', '    cache <local> '),
    );
    // `ip route` shows the main table; kube-ipvs0's addresses live in the local table.
    expect(cluster.shell.run('ip route').stdout).toBe(MASTER_ROUTE);
    dataplaneOf(cluster.context).update({ proxyMode: 'iptables' });
    expect(cluster.shell.run('ip link show kube-ipvs0')).toEqual({
      stdout: '',
      stderr: 'Device "kube-ipvs0" does not exist.\n',
      exitCode: 1,
    });
  });
});

describe('ip: errors as iproute2 reports them', () => {
  const cluster = createCluster({ seed: 1 });
  it.each([
    ['ip foo', 'Object "foo" is unknown, try "ip help".\n', 1],
    ['ip addr foo', 'Command "foo" is unknown, try "ip address help".\n', 255],
    ['ip link foo', 'Command "foo" is unknown, try "ip link help".\n', 255],
    ['ip route foo', 'Command "foo" is unknown, try "ip route help".\n', 255],
    ['ip a show dev eth9', 'Device "eth9" does not exist.\n', 1],
    ['ip route get', 'need at least a destination address\n', 1],
    ['ip route get nowhere', 'Error: any valid prefix is expected rather than "nowhere".\n', 1],
    ['ip route show bogus', 'Error: any valid prefix is expected rather than "bogus".\n', 1],
    ['ip route get 2001:db8::1', 'RTNETLINK answers: Network is unreachable\n', 2],
    ['ip -z addr', 'Option "-z" is unknown, try "ip -help".\n', 255],
    ['ip route add 10.0.0.0/8 dev eth0', 'RTNETLINK answers: Operation not permitted\n', 2],
    ['ip link set eth0 down', 'RTNETLINK answers: Operation not permitted\n', 2],
    [
      'ip neigh',
      'ip: "ip neighbor" is not modelled by the playground (try ip addr, ip link, ip route)\n',
      1,
    ],
  ])('%s', (cmd, stderr, exitCode) => {
    expect(cluster.shell.run(cmd)).toEqual({ stdout: '', stderr, exitCode });
  });

  it('`ip` alone and `ip help` print the usage, exit 255', () => {
    for (const cmd of ['ip', 'ip help']) {
      const r = cluster.shell.run(cmd);
      expect([r.exitCode, r.stdout, r.stderr.split('\n')[0]]).toEqual([
        255,
        '',
        'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }',
      ]);
    }
  });

  it('-V prints the version', () => {
    expect(cluster.shell.run('ip -V').stdout).toBe('ip utility, iproute2-5.15.0, libbpf 0.5.0\n');
  });
});
