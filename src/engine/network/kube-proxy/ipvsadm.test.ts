import { describe, expect, it } from 'vitest';
import type { VirtualServer } from '../model';
import { realServerKey, virtualServerKey } from './ipvs';
import { ipvsadmList, ipvsadmSave } from './ipvsadm';

const rs = (address: string, port: number) => ({ address, port, weight: 1 });

/** Listed unsorted on purpose: ipvsadm sorts. */
const TABLE: VirtualServer[] = [
  {
    protocol: 'UDP',
    address: '10.96.0.10',
    port: 53,
    scheduler: 'rr',
    realServers: [rs('10.244.1.2', 53), rs('10.244.0.2', 53)],
  },
  {
    protocol: 'TCP',
    address: '10.96.0.1',
    port: 443,
    scheduler: 'rr',
    realServers: [rs('192.168.100.10', 6443)],
  },
  {
    protocol: 'TCP',
    address: '10.104.5.6',
    port: 80,
    scheduler: 'rr',
    persistentSeconds: 10800,
    realServers: [rs('10.244.2.3', 8080), rs('10.244.1.3', 8080)],
  },
  {
    protocol: 'TCP',
    address: '192.168.100.10',
    port: 30080,
    scheduler: 'rr',
    persistentSeconds: 10800,
    realServers: [rs('10.244.2.3', 8080), rs('10.244.1.3', 8080)],
  },
];

/** A real server line ends with InActConn printed `%-10u`: padded with spaces. */
const dest = (addr: string, weight: number, active: number, inact: number) =>
  `  -> ${addr.padEnd(28)} Masq    ${String(weight).padEnd(6)} ${String(active).padEnd(10)} ${String(inact).padEnd(10)}`;

describe('ipvsadmList (ipvsadm.c print_service_entry)', () => {
  it('prints `ipvsadm -Ln` byte for byte', () => {
    const lines = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  192.168.100.10:30080 rr persistent 10800',
      '  -> 10.244.1.3:8080              Masq    1      0          0         ',
      '  -> 10.244.2.3:8080              Masq    1      0          0         ',
      'TCP  10.96.0.1:443 rr',
      '  -> 192.168.100.10:6443          Masq    1      0          0         ',
      'TCP  10.104.5.6:80 rr persistent 10800',
      '  -> 10.244.1.3:8080              Masq    1      0          0         ',
      '  -> 10.244.2.3:8080              Masq    1      0          0         ',
      'UDP  10.96.0.10:53 rr',
      '  -> 10.244.0.2:53                Masq    1      0          0         ',
      '  -> 10.244.1.2:53                Masq    1      0          0         ',
    ];
    expect(ipvsadmList(TABLE, { numeric: true })).toBe(lines.join('\n') + '\n');
    expect(dest('10.244.1.3:8080', 1, 0, 0)).toBe(lines[4]);
  });

  it('prints only the header lines for an empty table', () => {
    expect(ipvsadmList([], { numeric: true })).toBe(
      'IP Virtual Server version 1.2.1 (size=4096)\n' +
        'Prot LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
    );
  });

  it('shows connection counters and keeps the given order with --nosort', () => {
    const vs = TABLE[1] as VirtualServer;
    const connections = new Map([
      [realServerKey(vs, rs('192.168.100.10', 6443)), { activeConns: 2, inactConns: 15 }],
    ]);
    expect(ipvsadmList([vs], { numeric: true, connections }).split('\n')[4]).toBe(
      dest('192.168.100.10:6443', 1, 2, 15),
    );
    const order = ipvsadmList(TABLE, { numeric: true, nosort: true })
      .split('\n')
      .filter((l) => /^(TCP|UDP)/.test(l));
    expect(order).toEqual([
      'UDP  10.96.0.10:53 rr',
      'TCP  10.96.0.1:443 rr',
      'TCP  10.104.5.6:80 rr persistent 10800',
      'TCP  192.168.100.10:30080 rr persistent 10800',
    ]);
  });

  it('prints `--stats` with %9llu columns and K/M suffixes', () => {
    const vs = TABLE[1] as VirtualServer;
    const connections = new Map([
      [
        virtualServerKey(vs),
        { conns: 12, inPkts: 345, outPkts: 301, inBytes: 123_456_789, outBytes: 4_567_890_123 },
      ],
      [realServerKey(vs, rs('192.168.100.10', 6443)), { conns: 12, inPkts: 345, outPkts: 301 }],
    ]);
    expect(ipvsadmList([vs], { numeric: true, stats: true, connections })).toBe(
      'IP Virtual Server version 1.2.1 (size=4096)\n' +
        'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n' +
        '  -> RemoteAddress:Port\n' +
        'TCP  10.96.0.1:443                      12      345      301  123456K    4567M\n' +
        '  -> 192.168.100.10:6443                12      345      301        0        0\n',
    );
    expect(
      ipvsadmList([vs], { numeric: true, stats: true, exact: true, connections }).split('\n')[3],
    ).toBe('TCP  10.96.0.1:443                      12      345      301 123456789 4567890123');
  });

  it('resolves names without -n: hosts from the resolver, ports from /etc/services', () => {
    const text = ipvsadmList(TABLE.slice(0, 2), {
      numeric: false,
      resolveHost: (ip) => (ip === '192.168.100.10' ? 'master' : undefined),
    });
    expect(text.split('\n').slice(3)).toEqual([
      'TCP  10.96.0.1:https rr',
      dest('master:6443', 1, 0, 0),
      'UDP  10.96.0.10:domain rr',
      dest('10.244.0.2:domain', 1, 0, 0),
      dest('10.244.1.2:domain', 1, 0, 0),
      '',
    ]);
  });

  it('cuts a service name at 33 characters and a real server at 28', () => {
    const long: VirtualServer = {
      protocol: 'TCP',
      address: '10.96.0.1',
      port: 443,
      scheduler: 'rr',
      realServers: [rs('192.168.100.10', 6443)],
    };
    const text = ipvsadmList([long], {
      numeric: false,
      resolveHost: (ip) =>
        ip === '10.96.0.1'
          ? 'kubernetes.default.svc.cluster.local'
          : 'a-very-long-node-name.example.internal',
    });
    expect(text.split('\n').slice(3, 5)).toEqual([
      'TCP  kubernetes.default.svc.clust rr',
      '  -> a-very-long-node-name.exampl Masq    1      0          0         ',
    ]);
  });

  it('prints `ipvsadm -Sn` as the commands that rebuild the table', () => {
    expect(ipvsadmSave(TABLE.slice(1, 3), { numeric: true })).toBe(
      '-A -t 10.96.0.1:443 -s rr\n' +
        '-a -t 10.96.0.1:443 -r 192.168.100.10:6443 -m -w 1\n' +
        '-A -t 10.104.5.6:80 -s rr -p 10800\n' +
        '-a -t 10.104.5.6:80 -r 10.244.1.3:8080 -m -w 1\n' +
        '-a -t 10.104.5.6:80 -r 10.244.2.3:8080 -m -w 1\n',
    );
  });
});
