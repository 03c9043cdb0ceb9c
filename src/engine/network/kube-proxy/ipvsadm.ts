/**
 * `ipvsadm -L` output, byte for byte as ipvsadm 1.31 (Ubuntu 22.04) prints it — trailing spaces
 * included: a real server line ends with `%-10u` of InActConn, padded.
 *
 * Models ipvsadm.c list_all / list_service / print_title / print_service_entry /
 * print_largenum / addrport_to_anyname, and libipvs.c ipvs_cmp_services / ipvs_cmp_dests:
 *  - services and real servers are **sorted** unless `--nosort`, by protocol number, then
 *    address, then port — the address difference taken as a signed 32-bit int, so addresses
 *    above 128.0.0.0 sort before 10.x (see compareVirtualServers);
 *  - a service line is `%s  %s` of `TCP`/`UDP`/`SCTP` and `addr:port`, cut at 33 characters,
 *    then ` <scheduler>` and ` persistent <timeout>`; a real server line is
 *    `  -> %-28s %-7s %-6d %-10u %-10u` (address cut at 28);
 *  - `--stats`: `%-33s` then five `%9llu` columns (K/M/G/T above 10^8), and so for real servers;
 *  - without `-n`, addresses are resolved with the caller's resolver (/etc/hosts on the node)
 *    and ports with /etc/services (a small table of the ports Kubernetes services use).
 */
import type { VirtualServer } from '../model';
import type { IpvsCounters } from './ipvs';
import { compareRealServers, compareVirtualServers, realServerKey, virtualServerKey } from './ipvs';

/** What `ipvsadm` prints first: the kernel's IPVS version and connection table size. */
export const IPVS_VERSION_LINE = 'IP Virtual Server version 1.2.1 (size=4096)';
export const IPVSADM_VERSION = 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)';

export interface IpvsadmListOptions {
  /** `-n`: no name resolution. */
  numeric: boolean;
  /** `--stats`. */
  stats?: boolean;
  /** `--exact`: full numbers in --stats. */
  exact?: boolean;
  /** `--nosort`: the order given. */
  nosort?: boolean;
  /** Counters by virtualServerKey / realServerKey (IpvsScheduler.stats()); zeros otherwise. */
  connections?: ReadonlyMap<string, Partial<IpvsCounters>>;
  /** Without -n: the host name of an address (gethostbyaddr), or undefined to print it. */
  resolveHost?: (ip: string) => string | undefined;
}

/**
 * /etc/services (netbase 6.3) for the ports a playground service is likely to use: what
 * getservbyport() returns without `-n`.
 */
const SERVICES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  tcp: {
    21: 'ftp',
    22: 'ssh',
    25: 'smtp',
    53: 'domain',
    80: 'http',
    110: 'pop3',
    143: 'imap2',
    389: 'ldap',
    443: 'https',
    3306: 'mysql',
    5432: 'postgresql',
    5672: 'amqp',
    6379: 'redis',
    8080: 'http-alt',
    9418: 'git',
    11211: 'memcache',
    27017: 'mongodb',
  },
  udp: { 53: 'domain', 123: 'ntp', 161: 'snmp', 11211: 'memcache' },
};

function addrPort(
  address: string,
  port: number,
  protocol: VirtualServer['protocol'],
  opts: IpvsadmListOptions,
): string {
  if (opts.numeric) return `${address}:${port}`;
  const host = opts.resolveHost?.(address) ?? address;
  const table = protocol === 'TCP' ? SERVICES.tcp : protocol === 'UDP' ? SERVICES.udp : undefined;
  return `${host}:${table?.[port] ?? String(port)}`;
}

const padEnd = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padStart = (s: string, n: number): string =>
  s.length >= n ? s : ' '.repeat(n - s.length) + s;

/** ipvsadm.c print_largenum. */
function largenum(i: number, exact: boolean): string {
  if (exact) {
    const s = String(i);
    return padStart(s, s.length <= 8 ? 9 : s.length + 1);
  }
  if (i < 100_000_000) return padStart(String(i), 9);
  if (i < 1_000_000_000) return padStart(String(Math.floor(i / 1000)), 8) + 'K';
  if (i < 100_000_000_000) return padStart(String(Math.floor(i / 1_000_000)), 8) + 'M';
  if (i < 100_000_000_000_000) return padStart(String(Math.floor(i / 1_000_000_000)), 8) + 'G';
  return padStart(String(Math.floor(i / 1_000_000_000_000)), 8) + 'T';
}

/** ipvsadm.c print_title. */
export function ipvsadmTitle(stats: boolean): string {
  if (stats) {
    return (
      padEnd('Prot LocalAddress:Port', 33) +
      ['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes']
        .map((h) => ' ' + padStart(h, 8))
        .join('') +
      '\n  -> RemoteAddress:Port\n'
    );
  }
  return (
    'Prot LocalAddress:Port Scheduler Flags\n' +
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n'
  );
}

/** ipvsadm.c print_service_entry. */
export function ipvsadmServiceEntry(vs: VirtualServer, opts: IpvsadmListOptions): string {
  const counters = (key: string): IpvsCounters => ({
    activeConns: 0,
    inactConns: 0,
    conns: 0,
    inPkts: 0,
    outPkts: 0,
    inBytes: 0,
    outBytes: 0,
    ...opts.connections?.get(key),
  });
  const exact = opts.exact === true;
  const five = (c: IpvsCounters) =>
    [c.conns, c.inPkts, c.outPkts, c.inBytes, c.outBytes].map((n) => largenum(n, exact)).join('');

  const svcName = `${vs.protocol}  ${addrPort(vs.address, vs.port, vs.protocol, opts)}`.slice(
    0,
    33,
  );
  let out: string;
  if (opts.stats) {
    out = padEnd(svcName, 33) + five(counters(virtualServerKey(vs))) + '\n';
  } else {
    out = `${svcName} ${vs.scheduler}`;
    if (vs.persistentSeconds !== undefined) out += ` persistent ${vs.persistentSeconds}`;
    out += '\n';
  }
  const dests = opts.nosort ? [...vs.realServers] : [...vs.realServers].sort(compareRealServers);
  for (const rs of dests) {
    const dname = addrPort(rs.address, rs.port, vs.protocol, opts).slice(0, 28);
    const c = counters(realServerKey(vs, rs));
    if (opts.stats) {
      out += `  -> ${padEnd(dname, 28)}${five(c)}\n`;
    } else {
      out +=
        `  -> ${padEnd(dname, 28)} ${padEnd('Masq', 7)} ${padEnd(String(rs.weight), 6)} ` +
        `${padEnd(String(c.activeConns), 10)} ${padEnd(String(c.inactConns), 10)}\n`;
    }
  }
  return out;
}

/**
 * `ipvsadm -L[n] [--stats]`: the version line, the title and every virtual server with its real
 * servers. Models ipvsadm.c list_all.
 */
export function ipvsadmList(
  virtualServers: readonly VirtualServer[],
  opts: IpvsadmListOptions,
): string {
  const list = opts.nosort ? [...virtualServers] : [...virtualServers].sort(compareVirtualServers);
  let out = IPVS_VERSION_LINE + '\n' + ipvsadmTitle(opts.stats === true);
  for (const vs of list) out += ipvsadmServiceEntry(vs, opts);
  return out;
}

/**
 * `ipvsadm -S [-n]`: the table as the commands that rebuild it. Models ipvsadm.c list_all with
 * FMT_RULE (print_service_entry's `-A …` / `-a … -r … -m -w N` lines).
 */
export function ipvsadmSave(
  virtualServers: readonly VirtualServer[],
  opts: Pick<IpvsadmListOptions, 'numeric' | 'resolveHost' | 'nosort'>,
): string {
  const list = opts.nosort ? [...virtualServers] : [...virtualServers].sort(compareVirtualServers);
  let out = '';
  for (const vs of list) {
    const flag = vs.protocol === 'TCP' ? '-t' : vs.protocol === 'UDP' ? '-u' : '--sctp-service';
    const svc = `${flag} ${addrPort(vs.address, vs.port, vs.protocol, opts)}`;
    out += `-A ${svc} -s ${vs.scheduler}`;
    if (vs.persistentSeconds !== undefined) out += ` -p ${vs.persistentSeconds}`;
    out += '\n';
    const dests = opts.nosort ? [...vs.realServers] : [...vs.realServers].sort(compareRealServers);
    for (const rs of dests) {
      out += `-a ${svc} -r ${addrPort(rs.address, rs.port, vs.protocol, opts)} -m -w ${rs.weight}\n`;
    }
  }
  return out;
}
