import { describe, expect, it } from 'vitest';
import { createCluster } from '../../cluster';
import type { Cluster } from '../../cluster';
import { dataplaneOf } from '../dataplane';
import type { NodeDataplane } from '../dataplane';
import type { ProxyEndpoint, ServicePortInfo } from '../model';
import { ipvsSchedulerOf, syncIpvs } from './ipvs';
import './ipvs-tools';

const HEADER =
  'IP Virtual Server version 1.2.1 (size=4096)\n' +
  'Prot LocalAddress:Port Scheduler Flags\n' +
  '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

const ep = (ip: string, port: number, nodeName?: string): ProxyEndpoint => ({
  ip,
  port,
  ready: true,
  serving: true,
  terminating: false,
  ...(nodeName ? { nodeName } : {}),
});

function svc(
  over: Partial<ServicePortInfo> & Pick<ServicePortInfo, 'svcPortName'>,
): ServicePortInfo {
  return {
    namespace: '',
    name: '',
    portName: '',
    protocol: 'tcp',
    type: 'ClusterIP',
    clusterIP: '',
    port: 0,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    endpoints: [],
    ...over,
  };
}

/** A cluster whose master runs (as far as these tools can tell) kube-proxy in ipvs mode. */
function ipvsCluster(): Cluster {
  const cluster = createCluster({ seed: 1 });
  const r = syncIpvs(
    {
      node: { name: 'master', ip: '192.168.100.10', podCIDR: '10.244.0.0/24' },
      clusterCIDR: '10.244.0.0/16',
      services: [
        svc({
          svcPortName: 'default/kubernetes:https',
          clusterIP: '10.96.0.1',
          port: 443,
          endpoints: [ep('192.168.100.10', 6443)],
        }),
        svc({
          svcPortName: 'kube-system/kube-dns:dns',
          protocol: 'udp',
          clusterIP: '10.96.0.10',
          port: 53,
          endpoints: [ep('10.244.0.2', 53, 'master'), ep('10.244.0.3', 53, 'master')],
        }),
        svc({
          svcPortName: 'default/web',
          type: 'NodePort',
          clusterIP: '10.104.5.6',
          port: 80,
          nodePort: 30080,
          endpoints: [ep('10.244.1.3', 8080, 'node1'), ep('10.244.2.3', 8080, 'node2')],
        }),
      ],
    },
    { nodeAddresses: ['192.168.100.10'] },
  );
  const state: NodeDataplane = {
    node: 'master',
    mode: 'ipvs',
    tables: r.tables,
    counters: new WeakMap(),
    policyCounters: new Map(),
    ipsets: r.ipsets,
    virtualServers: r.virtualServers,
    proxyPorts: new Map(),
  };
  dataplaneOf(cluster.context).nodes.set('master', state);
  return cluster;
}

const dest = (addr: string, active = 0, inact = 0) =>
  `  -> ${addr.padEnd(28)} Masq    1      ${String(active).padEnd(10)} ${String(inact).padEnd(10)}\n`;

describe('ipvsadm on a node', () => {
  it('shows an empty table outside ipvs mode', () => {
    const cluster = createCluster({ seed: 1 });
    expect(cluster.shell.run('ipvsadm -Ln')).toMatchObject({
      stdout: HEADER,
      stderr: '',
      exitCode: 0,
    });
  });

  it('lists the virtual servers kube-proxy programmed (-Ln), with the scheduler counters', () => {
    const cluster = ipvsCluster();
    const vs = dataplaneOf(cluster.context).nodes.get('master')?.virtualServers ?? [];
    const kubernetes = vs.find((v) => v.port === 443);
    if (!kubernetes) throw new Error('no kubernetes virtual server');
    ipvsSchedulerOf(cluster.context, 'master').schedule(
      kubernetes,
      '10.244.0.5',
      cluster.context.clock.now(),
    );
    expect(cluster.shell.run('ipvsadm -Ln')).toMatchObject({
      stdout:
        HEADER +
        'TCP  192.168.100.10:30080 rr\n' +
        dest('10.244.1.3:8080') +
        dest('10.244.2.3:8080') +
        'TCP  10.96.0.1:443 rr\n' +
        dest('192.168.100.10:6443', 0, 1) +
        'TCP  10.104.5.6:80 rr\n' +
        dest('10.244.1.3:8080') +
        dest('10.244.2.3:8080') +
        'UDP  10.96.0.10:53 rr\n' +
        dest('10.244.0.2:53') +
        dest('10.244.0.3:53'),
      exitCode: 0,
    });
  });

  it.each([
    {
      cmd: 'ipvsadm -L -n -t 10.96.0.1:443',
      stdout:
        'Prot LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n' +
        'TCP  10.96.0.1:443 rr\n' +
        dest('192.168.100.10:6443'),
    },
    {
      cmd: 'ipvsadm -l --udp-service 10.96.0.10:domain',
      stdout:
        'Prot LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n' +
        'UDP  10.96.0.10:domain rr\n' +
        dest('10.244.0.2:domain') +
        dest('10.244.0.3:domain'),
    },
    {
      cmd: 'ipvsadm -Sn',
      stdout:
        '-A -t 192.168.100.10:30080 -s rr\n' +
        '-a -t 192.168.100.10:30080 -r 10.244.1.3:8080 -m -w 1\n' +
        '-a -t 192.168.100.10:30080 -r 10.244.2.3:8080 -m -w 1\n' +
        '-A -t 10.96.0.1:443 -s rr\n' +
        '-a -t 10.96.0.1:443 -r 192.168.100.10:6443 -m -w 1\n' +
        '-A -t 10.104.5.6:80 -s rr\n' +
        '-a -t 10.104.5.6:80 -r 10.244.1.3:8080 -m -w 1\n' +
        '-a -t 10.104.5.6:80 -r 10.244.2.3:8080 -m -w 1\n' +
        '-A -u 10.96.0.10:53 -s rr\n' +
        '-a -u 10.96.0.10:53 -r 10.244.0.2:53 -m -w 1\n' +
        '-a -u 10.96.0.10:53 -r 10.244.0.3:53 -m -w 1\n',
    },
    { cmd: 'ipvsadm -Ln --timeout', stdout: 'Timeout (tcp tcpfin udp): 900 120 300\n' },
    {
      cmd: 'ipvsadm -Lnc',
      stdout:
        'IPVS connection entries\npro expire state       source             virtual            destination\n',
    },
    {
      cmd: 'ipvsadm -v',
      stdout: 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n',
    },
  ])('$cmd', ({ cmd, stdout }) => {
    expect(ipvsCluster().shell.run(cmd)).toMatchObject({ stdout, stderr: '', exitCode: 0 });
  });

  it('resolves node names from /etc/hosts and ports from /etc/services when run bare', () => {
    const out = ipvsCluster().shell.run('ipvsadm').stdout.split('\n');
    expect(out.slice(3, 6)).toEqual([
      'TCP  master:30080 rr',
      dest('10.244.1.3:http-alt').slice(0, -1),
      dest('10.244.2.3:http-alt').slice(0, -1),
    ]);
    expect(out[6]).toBe('TCP  10.96.0.1:https rr');
    expect(out[7]).toBe(dest('master:6443').slice(0, -1));
  });

  it.each([
    {
      cmd: 'ipvsadm -n',
      stderr: "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n",
      exitCode: 255,
    },
    { cmd: 'ipvsadm -L --bogus', stderr: '--bogus: unknown option\n', exitCode: 255 },
    { cmd: 'ipvsadm -L -n -n', stderr: "multiple 'numeric' options specified\n", exitCode: 2 },
    { cmd: 'ipvsadm -L extra', stderr: 'unexpected argument extra\n', exitCode: 2 },
    {
      cmd: 'ipvsadm -L -c -t 10.96.0.1:443',
      stderr:
        "The option 'service-address' conflicts with the 'connection' option in the 'list' command\n",
      exitCode: 2,
    },
    {
      cmd: 'ipvsadm -L -c --stats',
      stderr: 'options conflicts in the list command\n',
      exitCode: 2,
    },
    { cmd: 'ipvsadm -Ln -t 10.96.0.99:443', stderr: 'No such service\n', exitCode: 1 },
    {
      cmd: 'ipvsadm -Ln -t nowhere:443',
      stderr: 'illegal virtual server address[:port] specified\n',
      exitCode: 2,
    },
    {
      cmd: 'ipvsadm -C',
      stderr:
        "ipvsadm: this node's IPVS table is programmed by kube-proxy; the playground models only -L/-l, -S, -h and -v\n",
      exitCode: 2,
    },
  ])('$cmd fails as ipvsadm does', ({ cmd, stderr, exitCode }) => {
    expect(ipvsCluster().shell.run(cmd)).toMatchObject({ stdout: '', stderr, exitCode });
  });

  it('prints its usage with -h', () => {
    const r = ipvsCluster().shell.run('ipvsadm -h');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)',
      'Usage:',
      '  ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]',
    ]);
  });
});

describe('ipset on a node', () => {
  it('lists one set in ipset 7 format', () => {
    const r = ipvsCluster().shell.run('ipset list KUBE-CLUSTER-IP');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[3]).toMatch(
      /^Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x[0-9a-f]{8}$/,
    );
    expect([...lines.slice(0, 3), ...lines.slice(4)]).toEqual([
      'Name: KUBE-CLUSTER-IP',
      'Type: hash:ip,port',
      'Revision: 6',
      'Size in memory: 344',
      'References: 3',
      'Number of entries: 3',
      'Members:',
      '10.96.0.1,tcp:443',
      '10.96.0.10,udp:53',
      '10.104.5.6,tcp:80',
      '',
    ]);
  });

  it.each([
    {
      cmd: 'ipset list KUBE-NODE-PORT-TCP',
      stdout:
        'Name: KUBE-NODE-PORT-TCP\nType: bitmap:port\nRevision: 3\nHeader: range 0-65535\n' +
        'Size in memory: 8264\nReferences: 1\nNumber of entries: 1\nMembers:\n30080\n',
    },
    {
      cmd: 'ipset -t list KUBE-LOOP-BACK',
      stdout: expect.stringMatching(
        /^Name: KUBE-LOOP-BACK\nType: hash:ip,port,ip\nRevision: 6\nHeader: .*\nSize in memory: 312\nReferences: 1\nNumber of entries: 2\n$/,
      ),
    },
    { cmd: 'ipset version', stdout: 'ipset v7.15, protocol version: 7\n' },
  ])('$cmd', ({ cmd, stdout }) => {
    expect(ipvsCluster().shell.run(cmd)).toMatchObject({ stdout, stderr: '', exitCode: 0 });
  });

  it('lists every set by name, separated by blank lines in full', () => {
    const cluster = ipvsCluster();
    expect(cluster.shell.run('ipset list -n').stdout).toBe(
      [
        'KUBE-LOOP-BACK',
        'KUBE-CLUSTER-IP',
        'KUBE-EXTERNAL-IP',
        'KUBE-EXTERNAL-IP-LOCAL',
        'KUBE-LOAD-BALANCER',
        'KUBE-LOAD-BALANCER-FW',
        'KUBE-LOAD-BALANCER-LOCAL',
        'KUBE-LOAD-BALANCER-SOURCE-IP',
        'KUBE-LOAD-BALANCER-SOURCE-CIDR',
        'KUBE-NODE-PORT-TCP',
        'KUBE-NODE-PORT-LOCAL-TCP',
        'KUBE-NODE-PORT-UDP',
        'KUBE-NODE-PORT-LOCAL-UDP',
        'KUBE-NODE-PORT-SCTP-HASH',
        'KUBE-NODE-PORT-LOCAL-SCTP-HASH',
        'KUBE-HEALTH-CHECK-NODE-PORT',
        'KUBE-IPVS-IPS',
      ].join('\n') + '\n',
    );
    const full = cluster.shell.run('ipset list').stdout;
    expect(full.split('\n\n')).toHaveLength(17);
    expect(full).toContain('Members:\n\nName: KUBE-EXTERNAL-IP-LOCAL\n');
  });

  it.each([
    {
      cmd: 'ipset test KUBE-CLUSTER-IP 10.96.0.1,tcp:443',
      stderr: 'Warning: 10.96.0.1,tcp:443 is in set KUBE-CLUSTER-IP.\n',
      exitCode: 0,
    },
    {
      cmd: 'ipset test KUBE-CLUSTER-IP 10.96.0.1,tcp:80',
      stderr: '10.96.0.1,tcp:80 is NOT in set KUBE-CLUSTER-IP.\n',
      exitCode: 1,
    },
    {
      cmd: 'ipset list NOPE',
      stderr: 'ipset v7.15: The set with the given name does not exist\n',
      exitCode: 1,
    },
  ])('$cmd', ({ cmd, stderr, exitCode }) => {
    expect(ipvsCluster().shell.run(cmd)).toMatchObject({ stdout: '', stderr, exitCode });
  });

  it('has no sets outside ipvs mode', () => {
    const cluster = createCluster({ seed: 1 });
    expect(cluster.shell.run('ipset list')).toMatchObject({ stdout: '', exitCode: 0 });
    expect(cluster.shell.run('ipset list KUBE-CLUSTER-IP').exitCode).toBe(1);
  });
});
