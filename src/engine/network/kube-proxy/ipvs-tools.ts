/**
 * The node tools that show ipvs mode's kernel state: `ipvsadm` (1.31, Ubuntu 22.04) and
 * `ipset` (7.15 on a 5.15 kernel).
 *
 *  - `ipvsadm` / `ipvsadm -L|-l [-n] [--stats] [--exact] [--nosort] [-t|-u service]`,
 *    `ipvsadm -S [-n]`, `ipvsadm -L --timeout`, `ipvsadm -Lnc`, `-h`, `-v`: read the node's
 *    virtual servers from its dataplane (`dataplaneOf(ctx).nodes.get(node)`), and the
 *    connection counters from its IpvsScheduler. In any other proxy mode the table is empty
 *    (the ip_vs module is loaded, nothing programs it): the three header lines only.
 *  - `ipset list|save [-n|-t|-o save] [NAME]`, `ipset test NAME ENTRY`, `ipset version`: the
 *    node's ipsets with `list`'s `Name:/Type:/Revision:/Header:/Size in memory:/References:/
 *    Number of entries:/Members:` blocks. Outside ipvs mode there are no sets.
 *
 * Commands that change the tables (`ipvsadm -A`, `ipset add`, …) are refused: the playground's
 * IPVS table and ipsets are kube-proxy's, rewritten on its next sync anyway.
 *
 * Approximated, and why: `Size in memory` depends on kernel struct sizes and bucket growth; it is
 * computed from a simple per-entry cost. ipset's `initval` is a random hash seed per set; here it
 * is derived from the node and set names so that output is stable. ipset's Revision is the
 * highest revision of the set type in a 5.15 kernel.
 */
import type { ClusterContext } from '../../context';
import { parseIPv4 } from '../../controllers/kubelet/ipam';
import { hex8, mix32 } from '../../sim/ids';
import type { HostTool, HostToolContext } from '../../shell/shell';
import { registerHostTool } from '../../shell/shell';
import type { CommandResult } from '../../shell/types';
import { dataplaneOf } from '../dataplane';
import type { IpSet, Tables, VirtualServer } from '../model';
import { compareVirtualServers, ipvsSchedulerOf } from './ipvs';
import type { IpvsadmListOptions } from './ipvsadm';
import {
  IPVSADM_VERSION,
  ipvsadmList,
  ipvsadmSave,
  ipvsadmServiceEntry,
  ipvsadmTitle,
} from './ipvsadm';

const out = (stdout: string): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
const err = (stderr: string, exitCode: number): CommandResult => ({ stdout: '', stderr, exitCode });

/** What the node's kube-proxy programmed, if it runs in ipvs mode. */
function ipvsState(ctx: ClusterContext, node: string) {
  const dp = dataplaneOf(ctx).nodes.get(node);
  return dp && dp.mode === 'ipvs' ? dp : undefined;
}

/** /etc/hosts of the node, both ways (gethostbyaddr / gethostbyname through `files`). */
function hostsOf(tool: HostToolContext): {
  byAddr: Map<string, string>;
  byName: Map<string, string>;
} {
  const byAddr = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const raw of (tool.fs.read('/etc/hosts') ?? '').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [ip = '', ...names] = line.split(/\s+/);
    if (parseIPv4(ip) === undefined || names.length === 0) continue;
    if (!byAddr.has(ip)) byAddr.set(ip, names[0] as string);
    for (const n of names) if (!byName.has(n)) byName.set(n, ip);
  }
  return { byAddr, byName };
}

// ------------------------------------------------------------------------ ipvsadm

const IPVSADM_USAGE = `${IPVSADM_VERSION}
Usage:
  ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]
  ipvsadm -D virtual-service
  ipvsadm -C
  ipvsadm -R
  ipvsadm -S [-n]
  ipvsadm -a|e virtual-service -r server-address [options]
  ipvsadm -d virtual-service -r server-address
  ipvsadm -L|l [virtual-service] [options]
  ipvsadm -Z [virtual-service]
  ipvsadm --set tcp tcpfin udp
  ipvsadm --start-daemon {master|backup} [daemon_options]
  ipvsadm --stop-daemon {master|backup}
  ipvsadm -h

Commands:
Either long or short options are allowed.
  --add-service     -A        add virtual service with options
  --edit-service    -E        edit virtual service with options
  --delete-service  -D        delete virtual service
  --clear           -C        clear the whole table
  --restore         -R        restore rules from stdin
  --save            -S        save rules to stdout
  --add-server      -a        add real server with options
  --edit-server     -e        edit real server with options
  --delete-server   -d        delete real server
  --list            -L|-l     list the table
  --zero            -Z        zero counters in a service or all services
  --set tcp tcpfin udp        set connection timeout values
  --start-daemon              start connection sync daemon
  --stop-daemon               stop connection sync daemon
  --help            -h        display this help message

virtual-service:
  --tcp-service|-t  service-address   service-address is host[:port]
  --udp-service|-u  service-address   service-address is host[:port]
  --sctp-service    service-address   service-address is host[:port]
  --fwmark-service|-f fwmark          fwmark is an integer greater than zero

Options:
  --ipv6         -6                   fwmark entry uses IPv6
  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,
                                      the default scheduler is wlc.
  --pe            engine              alternate persistence engine may be sip,
                                      not set by default.
  --persistent   -p [timeout]         persistent service
  --netmask      -M netmask           persistent granularity mask
  --real-server  -r server-address    server-address is host (and port)
  --gatewaying   -g                   gatewaying (direct routing) (default)
  --ipip         -i                   ipip encapsulation (tunneling)
  --masquerading -m                   masquerading (NAT)
  --tun-type      type                one of ipip|gue|gre,
                                      the default tunnel type is ipip.
  --tun-port      port                tunnel destination port
  --tun-nocsum                        tunnel encapsulation without checksum
  --tun-csum                          tunnel encapsulation with checksum
  --tun-remcsum                       tunnel encapsulation with remote checksum
  --weight       -w weight            capacity of real server
  --u-threshold  -x uthreshold        upper threshold of connections
  --l-threshold  -y lthreshold        lower threshold of connections
  --connection   -c                   output of current IPVS connections
  --timeout                           output of timeout (tcp tcpfin udp)
  --daemon                            output of daemon information
  --stats                             output of statistics information
  --rate                              output of rate information
  --exact                             expand numbers (display exact values)
  --thresholds                        output of thresholds information
  --persistent-conn                   output of persistent connection info
  --tun-info                          output of tunnel information
  --nosort                            disable sorting output of service/server entries
  --sort                              does nothing, for backwards compatibility
  --ops          -o                   one-packet scheduling
  --numeric      -n                   numeric output of addresses and ports
  --sched-flags  -b flags             scheduler flags (comma-separated)
Daemon Options:
  --syncid sid                        syncid for connection sync (default=255)
  --sync-maxlen length                Max sync message length (default=1472)
  --mcast-interface interface         multicast interface for connection sync
  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)
  --mcast-port port                   UDP port (default=8848)
  --mcast-ttl ttl                     Multicast TTL (default=1)
`;

type IpvsCommand = 'list' | 'save' | 'help' | 'version' | 'other';

/** ipvsadm's commands (the first option must be one), short and long. */
const COMMANDS: Readonly<Record<string, IpvsCommand>> = {
  L: 'list',
  l: 'list',
  '--list': 'list',
  S: 'save',
  '--save': 'save',
  h: 'help',
  '--help': 'help',
  v: 'version',
  '--version': 'version',
  A: 'other',
  E: 'other',
  D: 'other',
  C: 'other',
  R: 'other',
  a: 'other',
  e: 'other',
  d: 'other',
  Z: 'other',
  '--add-service': 'other',
  '--edit-service': 'other',
  '--delete-service': 'other',
  '--clear': 'other',
  '--restore': 'other',
  '--add-server': 'other',
  '--edit-server': 'other',
  '--delete-server': 'other',
  '--zero': 'other',
  '--set': 'other',
  '--start-daemon': 'other',
  '--stop-daemon': 'other',
};

/** Options (popt's table) other than commands; `arg` ones take a value. */
const OPTIONS: Readonly<Record<string, { name: string; arg?: boolean }>> = {
  n: { name: 'numeric' },
  '--numeric': { name: 'numeric' },
  c: { name: 'connection' },
  '--connection': { name: 'connection' },
  t: { name: 'tcp-service', arg: true },
  '--tcp-service': { name: 'tcp-service', arg: true },
  u: { name: 'udp-service', arg: true },
  '--udp-service': { name: 'udp-service', arg: true },
  '--sctp-service': { name: 'sctp-service', arg: true },
  '--timeout': { name: 'timeout' },
  '--daemon': { name: 'daemon' },
  '--stats': { name: 'stats' },
  '--rate': { name: 'rate' },
  '--thresholds': { name: 'thresholds' },
  '--persistent-conn': { name: 'persistent-conn' },
  '--tun-info': { name: 'tun-info' },
  '--nosort': { name: 'nosort' },
  '--sort': { name: 'sort' },
  X: { name: 'exact' },
  '--exact': { name: 'exact' },
};

/** ipvsadm.c optnames, for its error messages. */
const OPT_LABEL: Readonly<Record<string, string>> = {
  numeric: 'numeric',
  connection: 'connection',
  'tcp-service': 'service-address',
  'udp-service': 'service-address',
  'sctp-service': 'service-address',
  timeout: 'timeout',
  daemon: 'daemon',
  stats: 'stats',
  rate: 'rate',
  thresholds: 'thresholds',
  'persistent-conn': 'persistent-conn',
  'tun-info': 'tun-info',
  nosort: 'nosort',
  exact: 'exact',
};

const TRY_HELP = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n";

/** popt's reading of argv: a command first, then options, bundled short flags allowed. */
function parseIpvsadm(argv: readonly string[]): {
  command: IpvsCommand;
  opts: Map<string, string>;
  error?: CommandResult;
} {
  const tokens: Array<{ flag: string; value?: string; raw: string }> = [];
  const positional: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const flag = eq >= 0 ? a.slice(0, eq) : a;
      const takesArg = OPTIONS[flag]?.arg === true;
      if (eq >= 0) tokens.push({ flag, value: a.slice(eq + 1), raw: a });
      else if (takesArg && i + 1 < argv.length)
        tokens.push({ flag, value: argv[++i] as string, raw: a });
      else tokens.push({ flag, raw: a });
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j] as string;
        if (OPTIONS[f]?.arg === true) {
          const rest = a.slice(j + 1);
          if (rest !== '') tokens.push({ flag: f, value: rest, raw: `-${f}` });
          else if (i + 1 < argv.length)
            tokens.push({ flag: f, value: argv[++i] as string, raw: `-${f}` });
          else tokens.push({ flag: f, raw: `-${f}` });
          break;
        }
        tokens.push({ flag: f, raw: `-${f}` });
      }
    } else {
      positional.push(a);
    }
  }
  const fail = (msg: string, code: number) => ({
    command: 'other' as const,
    opts: new Map<string, string>(),
    error: err(msg, code),
  });
  const first = tokens[0];
  const command = first ? COMMANDS[first.flag] : undefined;
  if (!first || command === undefined) return fail(TRY_HELP, 255);
  if (command === 'help' || command === 'version') return { command, opts: new Map() };
  const opts = new Map<string, string>();
  for (const tok of tokens.slice(1)) {
    // A second command reaches ipvsadm's option loop, which does not know it.
    if (COMMANDS[tok.flag] !== undefined) return fail(`invalid option \`${tok.raw}'\n`, 2);
    const o = OPTIONS[tok.flag];
    if (!o) return fail(`${tok.raw}: unknown option\n`, 255);
    if (o.arg && tok.value === undefined) return fail(`${tok.raw}: missing argument\n`, 255);
    if (o.name === 'sort') continue;
    const key = o.name.endsWith('-service') ? 'service' : o.name;
    if (opts.has(key))
      return fail(`multiple '${OPT_LABEL[o.name] ?? o.name}' options specified\n`, 2);
    opts.set(key, tok.value ?? (o.name.endsWith('-service') ? '' : 'true'));
    if (o.name.endsWith('-service')) opts.set('protocol', o.name.split('-')[0] as string);
  }
  if (positional.length > 0) return fail(`unexpected argument ${positional[0]}\n`, 2);
  return { command, opts };
}

/** ipvsadm.c parse_service: `host[:port]`, a host name or service name allowed. */
function parseServiceAddress(
  text: string,
  protocol: string,
  hosts: Map<string, string>,
): { address: string; port: number } | undefined {
  const colon = text.lastIndexOf(':');
  const host = colon >= 0 ? text.slice(0, colon) : text;
  const portText = colon >= 0 ? text.slice(colon + 1) : '0';
  const address = parseIPv4(host) !== undefined ? host : hosts.get(host);
  if (address === undefined) return undefined;
  let port = /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (Number.isNaN(port)) {
    const named: Readonly<Record<string, number>> = { http: 80, https: 443, domain: 53, ssh: 22 };
    port = named[portText] ?? NaN;
    if (protocol === 'udp' && portText !== 'domain') port = NaN;
  }
  if (!(port >= 0 && port <= 65535)) return undefined;
  return { address, port };
}

// Models ipvsadm.c main / process_options / list_all / list_service (read-only commands).
const ipvsadmTool: HostTool = (argv, _io, tool) => {
  const ctx = tool.cluster.context;
  const state = ipvsState(ctx, tool.node);
  const virtualServers: readonly VirtualServer[] = state ? state.virtualServers : [];
  const hosts = hostsOf(tool);
  const connections = ipvsSchedulerOf(ctx, tool.node).stats(ctx.clock.now());
  const base = (numeric: boolean): IpvsadmListOptions => ({
    numeric,
    connections,
    resolveHost: (ip) => hosts.byAddr.get(ip),
  });

  // "list the table if there is no other argument"
  if (argv.length <= 1) return out(ipvsadmList(virtualServers, base(false)));

  const { command, opts, error } = parseIpvsadm(argv);
  if (error) return error;
  switch (command) {
    case 'help':
      return out(IPVSADM_USAGE);
    case 'version':
      return out(IPVSADM_VERSION + '\n');
    case 'other':
      return err(
        "ipvsadm: this node's IPVS table is programmed by kube-proxy; the playground models " +
          'only -L/-l, -S, -h and -v\n',
        2,
      );
    case 'save': {
      for (const k of opts.keys()) {
        if (k !== 'numeric' && k !== 'nosort') {
          return err(`Illegal '${OPT_LABEL[k] ?? k}' option with the 'save' command\n`, 2);
        }
      }
      return out(
        ipvsadmSave(virtualServers, {
          ...base(opts.has('numeric')),
          ...(opts.has('nosort') ? { nosort: true } : {}),
        }),
      );
    }
    case 'list':
      break;
  }

  // generic_opt_check for LIST: connection, service, timeout and daemon exclude each other.
  const exclusive = ['connection', 'service', 'timeout', 'daemon'].filter((k) => opts.has(k));
  if (exclusive.length > 1) {
    const label = (k: string) => (k === 'service' ? 'service-address' : k);
    // ipvsadm walks its option table in order and names the later one first.
    const order = ['connection', 'service', 'timeout', 'daemon'];
    const [a, b] = exclusive.sort((x, y) => order.indexOf(x) - order.indexOf(y));
    return err(
      `The option '${label(b as string)}' conflicts with the '${label(a as string)}' option in the 'list' command\n`,
      2,
    );
  }
  const formats = ['stats', 'rate', 'thresholds', 'persistent-conn', 'tun-info'].filter((k) =>
    opts.has(k),
  );
  if ((opts.has('connection') || opts.has('timeout') || opts.has('daemon')) && formats.length > 0) {
    return err('options conflicts in the list command\n', 2);
  }
  const unmodelled = formats.find((f) => f !== 'stats');
  if (unmodelled) return err(`ipvsadm: --${unmodelled} is not modelled by the playground\n`, 2);

  if (opts.has('connection')) {
    return out(
      'IPVS connection entries\npro expire state       source             virtual            destination\n',
    );
  }
  // kube-proxy leaves the kernel's timeouts alone (--ipvs-tcp-timeout etc. default to 0).
  if (opts.has('timeout')) return out('Timeout (tcp tcpfin udp): 900 120 300\n');
  if (opts.has('daemon')) return out('');

  const listOpts: IpvsadmListOptions = {
    ...base(opts.has('numeric')),
    ...(opts.has('stats') ? { stats: true } : {}),
    ...(opts.has('exact') ? { exact: true } : {}),
    ...(opts.has('nosort') ? { nosort: true } : {}),
  };

  if (opts.has('service')) {
    const protocol = opts.get('protocol') ?? 'tcp';
    const addr = parseServiceAddress(opts.get('service') ?? '', protocol, hosts.byName);
    if (!addr) return err('illegal virtual server address[:port] specified\n', 2);
    const proto = protocol === 'tcp' ? 'TCP' : protocol === 'udp' ? 'UDP' : 'SCTP';
    const vs = virtualServers.find(
      (v) => compareVirtualServers(v, { protocol: proto, ...addr }) === 0,
    );
    if (!vs) return err('No such service\n', 1);
    return out(ipvsadmTitle(listOpts.stats === true) + ipvsadmServiceEntry(vs, listOpts));
  }
  return out(ipvsadmList(virtualServers, listOpts));
};

// ------------------------------------------------------------------------ ipset

const IPSET_VERSION = 'v7.15';

/** A set type in a 5.15 kernel: its highest revision and a per-entry memory cost. */
const SET_TYPES: Readonly<Record<string, { revision: number; entryBytes: number }>> = {
  'hash:ip': { revision: 5, entryBytes: 40 },
  'hash:ip,port': { revision: 6, entryBytes: 48 },
  'hash:ip,port,ip': { revision: 6, entryBytes: 56 },
  'hash:ip,port,net': { revision: 8, entryBytes: 64 },
  'bitmap:port': { revision: 3, entryBytes: 0 },
};

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return mix32(h);
}

/** The create options as `list` shows them in Header: and `save` in its create line. */
function setHeader(set: IpSet, node: string): string {
  if (set.type.startsWith('bitmap:')) return 'range 0-65535';
  return `family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x${hex8(fnv(`${node}/${set.name}`))}`;
}

/** An approximation of the kernel's accounting (see the module header). */
function setMemory(set: IpSet): number {
  if (set.type === 'bitmap:port') return 8264; // 65536 bits plus the set's struct
  return 200 + set.entries.length * (SET_TYPES[set.type]?.entryBytes ?? 48);
}

/** How many iptables rules match on the set (each holds a reference in the kernel). */
function setReferences(tables: Tables, name: string): number {
  let n = 0;
  for (const table of Object.values(tables)) {
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        for (const m of rule.matches) if (m.m === 'set' && m.set === name) n++;
      }
    }
  }
  return n;
}

function listSet(set: IpSet, node: string, tables: Tables, terse: boolean): string {
  let s =
    `Name: ${set.name}\n` +
    `Type: ${set.type}\n` +
    `Revision: ${SET_TYPES[set.type]?.revision ?? 0}\n` +
    `Header: ${setHeader(set, node)}\n` +
    `Size in memory: ${setMemory(set)}\n` +
    `References: ${setReferences(tables, set.name)}\n` +
    `Number of entries: ${set.entries.length}\n`;
  if (!terse) s += 'Members:\n' + set.entries.map((e) => e + '\n').join('');
  return s;
}

function saveSet(set: IpSet, node: string): string {
  return (
    `create ${set.name} ${set.type} ${setHeader(set, node)}\n` +
    set.entries.map((e) => `add ${set.name} ${e}\n`).join('')
  );
}

/** ipset's commands, in the order its parser tries prefixes. */
const IPSET_COMMANDS = [
  'create',
  'add',
  'del',
  'test',
  'destroy',
  'list',
  'save',
  'restore',
  'flush',
  'rename',
  'swap',
  'help',
  'version',
] as const;
/** The old one-letter forms (ipset 4 syntax, still accepted). */
const IPSET_LEGACY: Readonly<Record<string, (typeof IPSET_COMMANDS)[number]>> = {
  '-N': 'create',
  '-A': 'add',
  '-D': 'del',
  '-T': 'test',
  '-X': 'destroy',
  '-L': 'list',
  '-S': 'save',
  '-R': 'restore',
  '-F': 'flush',
  '-E': 'rename',
  '-W': 'swap',
  '-H': 'help',
  '-V': 'version',
  '-v': 'version',
  '--version': 'version',
  '--help': 'help',
};

const ipsetFail = (msg: string): CommandResult =>
  err(`ipset ${IPSET_VERSION}: ${msg}\nTry \`ipset help' for more information.\n`, 1);

// Models ipset's ipset_parse_argv for the read-only commands (list, save, test, version).
const ipsetTool: HostTool = (argv, _io, tool) => {
  let command: (typeof IPSET_COMMANDS)[number] | undefined;
  const args: string[] = [];
  let names = false;
  let terse = false;
  let output: 'plain' | 'save' | 'xml' = 'plain';
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    const opt = a.replace(/^--?/, '-');
    if (command === undefined && IPSET_LEGACY[a] !== undefined) {
      command = IPSET_LEGACY[a];
    } else if (opt === '-n' || opt === '-name') {
      names = true;
    } else if (opt === '-t' || opt === '-terse') {
      terse = true;
    } else if (['-s', '-sorted', '-q', '-quiet', '-r', '-resolve', '-exist'].includes(opt)) {
      // Accepted; the playground's sets are already printed in a stable order.
    } else if (opt === '-o' || opt === '-output') {
      const v = argv[++i];
      if (v !== 'plain' && v !== 'save' && v !== 'xml') {
        return ipsetFail(`Syntax error: Unknown output mode '${v ?? ''}'`);
      }
      output = v;
    } else if (a.startsWith('-')) {
      return ipsetFail(`Syntax error: Unknown argument '${a}'`);
    } else if (command === undefined) {
      command = IPSET_COMMANDS.find((c) => c.startsWith(a));
      if (!command) return ipsetFail(`No command specified: unknown argument ${a}`);
    } else {
      args.push(a);
    }
  }
  if (command === undefined) return ipsetFail('No command specified.');
  if (command === 'version') return out(`ipset ${IPSET_VERSION}, protocol version: 7\n`);

  const state = ipsetState(tool.cluster.context, tool.node);
  const sets = [...state.sets.values()];
  const find = (name: string) => state.sets.get(name);
  const noSuchSet = () =>
    err(`ipset ${IPSET_VERSION}: The set with the given name does not exist\n`, 1);

  switch (command) {
    case 'list':
    case 'save': {
      if (args.length > 1) return ipsetFail(`Syntax error: Unknown argument '${args[1]}'`);
      const chosen = args[0] !== undefined ? find(args[0]) : undefined;
      if (args[0] !== undefined && !chosen) return noSuchSet();
      const list = chosen ? [chosen] : sets;
      if (command === 'save' || output === 'save') {
        return out(list.map((s) => saveSet(s, tool.node)).join(''));
      }
      if (output === 'xml')
        return err(`ipset ${IPSET_VERSION}: -o xml is not modelled by the playground\n`, 1);
      if (names) return out(list.map((s) => s.name + '\n').join(''));
      return out(list.map((s) => listSet(s, tool.node, state.tables, terse)).join('\n'));
    }
    case 'test': {
      const [name, entry] = args;
      if (name === undefined || entry === undefined) {
        return ipsetFail('Syntax error: Missing mandatory argument: set name or element');
      }
      const set = find(name);
      if (!set) return noSuchSet();
      return set.entries.includes(entry)
        ? err(`Warning: ${entry} is in set ${name}.\n`, 0)
        : err(`${entry} is NOT in set ${name}.\n`, 1);
    }
    case 'help':
      return err(`ipset ${IPSET_VERSION}: help is not modelled by the playground\n`, 1);
    default:
      return err(
        `ipset ${IPSET_VERSION}: this node's ipsets are kube-proxy's; the playground models only ` +
          'list, save, test and version\n',
        1,
      );
  }
};

function ipsetState(
  ctx: ClusterContext,
  node: string,
): { sets: Map<string, IpSet>; tables: Tables } {
  const dp = ipvsState(ctx, node);
  if (!dp) {
    const none: Tables = {
      raw: { name: 'raw', chains: new Map() },
      mangle: { name: 'mangle', chains: new Map() },
      nat: { name: 'nat', chains: new Map() },
      filter: { name: 'filter', chains: new Map() },
    };
    return { sets: new Map(), tables: none };
  }
  return { sets: dp.ipsets, tables: dp.tables };
}

/** Add `ipvsadm` and `ipset` to the nodes' shells. */
export function registerIpvsTools(): void {
  registerHostTool('ipvsadm', ipvsadmTool);
  registerHostTool('ipset', ipsetTool);
}

registerIpvsTools();
