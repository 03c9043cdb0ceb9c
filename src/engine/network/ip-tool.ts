/**
 * `ip`, iproute2's tool, on the nodes: `ip addr`, `ip link`, `ip route`, `ip route get`, with
 * the options people type (`-4`, `-6`, `-br`, `-c`). Output is byte-faithful to iproute2 5.15
 * (Ubuntu 22.04), trailing spaces included: that version ends several fields with a space it
 * never trims (`group default `, `scope link `, every route line).
 *
 * Objects and commands may be abbreviated as iproute2's `matches()` allows (`ip a`, `ip r`,
 * `ip ro get`, `ip l sh`), resolved in iproute2's own table order.
 *
 * Read-only: `ip addr add`, `ip route del`, `ip link set` and friends are refused with the kernel's
 * EPERM (the playground's nodes are not reconfigured from the shell). Objects iproute2 has but the
 * playground does not model (`neigh`, `rule`, `netns`, …) say so instead of pretending.
 */
import type { ClusterContext } from '../context';
import { parseIPv4 } from '../controllers/kubelet/ipam';
import { registerHostTool } from '../shell/shell';
import type { HostTool } from '../shell/shell';
import type { CommandResult } from '../shell/types';
import { nodeInterfaces, nodeRoutes, routeLookup } from './interfaces';
import type { InterfaceAddress, NetInterface, RouteEntry } from './interfaces';

type Family = 'inet' | 'inet6' | undefined;

interface Options {
  family: Family;
  brief: boolean;
}

const out = (stdout: string): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
const err = (stderr: string, exitCode: number): CommandResult => ({
  stdout: '',
  stderr,
  exitCode,
});

/** iproute2's matches(): a non-empty prefix of the keyword. */
function matches(arg: string, keyword: string): boolean {
  return arg.length > 0 && keyword.startsWith(arg);
}

const USAGE = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | fou | help | ila | ioam | l2tp | link |
                   macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
`;

const ADDR_USAGE = `Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]
                                                      [ CONFFLAG-LIST ]
       ip address del IFADDR dev IFNAME [mngtmpaddr]
       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]
                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]
       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]
                         [ nomaster ]
                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]
                         [ label LABEL ] [up] [ vrf NAME ] ]
       ip address {showdump|restore}
`;

const ROUTE_USAGE = `Usage: ip route { list | flush } SELECTOR
       ip route save SELECTOR
       ip route restore
       ip route showdump
       ip route get [ ROUTE_GET_FLAGS ] ADDRESS
                            [ from ADDRESS iif STRING ]
                            [ oif STRING ] [ tos TOS ]
                            [ mark NUMBER ] [ vrf NAME ]
                            [ uid NUMBER ] [ ipproto PROTOCOL ]
                            [ sport NUMBER ] [ dport NUMBER ]
       ip route { add | del | change | append | replace } ROUTE
`;

const LINK_USAGE = `Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME
                    [ txqueuelen PACKETS ]
                    [ address LLADDR ]
                    [ broadcast LLADDR ]
                    [ mtu MTU ] [index IDX ]
                    [ numtxqueues QUEUE_COUNT ]
                    [ numrxqueues QUEUE_COUNT ]
                    type TYPE [ ARGS ]

       ip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]

       ip link set { DEVICE | dev DEVICE | group DEVGROUP }
                      [ { up | down } ]
                      [ mtu MTU ]

       ip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]
`;

/** iproute2's object table (ip.c cmds[]), in its order: abbreviations resolve to the first match. */
const OBJECTS = [
  'address',
  'addrlabel',
  'maddress',
  'route',
  'rule',
  'neighbor',
  'neighbour',
  'ntable',
  'ntbl',
  'link',
  'l2tp',
  'fou',
  'ila',
  'macsec',
  'tunnel',
  'tunl',
  'tuntap',
  'tap',
  'token',
  'tcpmetrics',
  'tcp_metrics',
  'monitor',
  'xfrm',
  'mroute',
  'mrule',
  'netns',
  'netconf',
  'vrf',
  'sr',
  'nexthop',
  'mptcp',
  'ioam',
  'help',
] as const;

/** Writes the kernel would refuse here: the nodes' network is the simulation's to shape. */
const EPERM = err('RTNETLINK answers: Operation not permitted\n', 2);

// ------------------------------------------------------------------ printers

/** `2: eth0: <…> mtu 1500 qdisc fq_codel state UP group default qlen 1000` and the link line. */
function linkLines(i: NetInterface, mode: boolean): string {
  const name = i.peerIndex !== undefined ? `${i.name}@if${i.peerIndex}` : i.name;
  let s = `${i.index}: ${name}: <${i.flags.join(',')}> mtu ${i.mtu} qdisc ${i.qdisc} `;
  if (i.master) s += `master ${i.master} `;
  s += `state ${i.state} `;
  if (mode) s += 'mode DEFAULT ';
  s += 'group default ';
  if (i.qlen > 0) s += `qlen ${i.qlen}`;
  s += `\n    link/${i.linkType} ${i.mac} brd ${i.brd}`;
  if (i.linkNetns) s += ` link-netns ${i.linkNetns}`;
  return s + '\n';
}

function addrLines(i: NetInterface, a: InterfaceAddress): string {
  const lft = '       valid_lft forever preferred_lft forever\n';
  if (a.family === 'inet') {
    const brd = a.brd ? ` brd ${a.brd}` : '';
    return `    inet ${a.address}/${a.prefix}${brd} scope ${a.scope} ${i.name}\n${lft}`;
  }
  return `    inet6 ${a.address}/${a.prefix} scope ${a.scope} \n${lft}`;
}

function addrsOf(i: NetInterface, family: Family): InterfaceAddress[] {
  return i.addrs.filter((a) => family === undefined || a.family === family);
}

function briefName(i: NetInterface): string {
  const name = i.peerIndex !== undefined ? `${i.name}@if${i.peerIndex}` : i.name;
  return `${name.padEnd(16)} ${i.state.padEnd(14)} `;
}

function printAddr(ifaces: readonly NetInterface[], opts: Options): string {
  let s = '';
  for (const i of ifaces) {
    const addrs = addrsOf(i, opts.family);
    // With a family filter, interfaces without an address of that family are left out.
    if (opts.family !== undefined && addrs.length === 0) continue;
    if (opts.brief) {
      s += briefName(i) + addrs.map((a) => `${a.address}/${a.prefix} `).join('') + '\n';
      continue;
    }
    s += linkLines(i, false);
    for (const a of addrs) s += addrLines(i, a);
  }
  return s;
}

function printLink(ifaces: readonly NetInterface[], opts: Options): string {
  let s = '';
  for (const i of ifaces) {
    if (opts.brief) s += `${briefName(i)}${i.mac} <${i.flags.join(',')}> \n`;
    else s += linkLines(i, true);
  }
  return s;
}

/** One route as iproute2 5.15 prints it (each field followed by a space). */
export function formatRoute(r: RouteEntry): string {
  let s = `${r.dst} `;
  if (r.via) s += `via ${r.via} `;
  s += `dev ${r.dev} `;
  if (r.proto) s += `proto ${r.proto} `;
  if (r.scope) s += `scope ${r.scope} `;
  if (r.src) s += `src ${r.src} `;
  if (r.onlink) s += 'onlink ';
  return s + '\n';
}

// ------------------------------------------------------------------ commands

/** The device named by `dev NAME` or a bare NAME; `up` keeps the interfaces that are up. */
function selectDevices(
  ifaces: readonly NetInterface[],
  args: string[],
): readonly NetInterface[] | CommandResult {
  let dev: string | undefined;
  let upOnly = false;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === 'up') upOnly = true;
    else if (a === 'dev') {
      const v = args[++k];
      if (v === undefined) return err('Command line is not complete. Try option "help"\n', 255);
      dev = v;
    } else if (dev === undefined) dev = a;
    else return err(`Error: either "dev" is duplicate, or "${a}" is a garbage.\n`, 255);
  }
  let selected = ifaces;
  if (dev !== undefined) {
    // `veth1a2b3c4d@if2` names the device too (iproute2 strips the `@…`).
    const bare = dev.replace(/@.*$/, '');
    selected = ifaces.filter((i) => i.name === bare);
    if (selected.length === 0) return err(`Device "${dev}" does not exist.\n`, 1);
  }
  if (upOnly) selected = selected.filter((i) => i.flags.includes('UP'));
  return selected;
}

function ipAddress(args: string[], ifaces: readonly NetInterface[], opts: Options): CommandResult {
  const [cmd, ...rest] = args;
  if (cmd === undefined) return out(printAddr(ifaces, opts));
  if (
    matches(cmd, 'add') ||
    matches(cmd, 'change') ||
    cmd === 'chg' ||
    matches(cmd, 'replace') ||
    matches(cmd, 'delete') ||
    matches(cmd, 'flush')
  ) {
    return EPERM;
  }
  if (matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) {
    const sel = selectDevices(ifaces, rest);
    if ('exitCode' in sel) return sel;
    return out(printAddr(sel, opts));
  }
  if (matches(cmd, 'help')) return err(ADDR_USAGE, 255);
  return err(`Command "${cmd}" is unknown, try "ip address help".\n`, 255);
}

function ipLink(args: string[], ifaces: readonly NetInterface[], opts: Options): CommandResult {
  const [cmd, ...rest] = args;
  if (cmd === undefined) return out(printLink(ifaces, opts));
  if (
    matches(cmd, 'add') ||
    matches(cmd, 'set') ||
    matches(cmd, 'change') ||
    matches(cmd, 'replace') ||
    matches(cmd, 'delete')
  ) {
    return EPERM;
  }
  if (matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) {
    const sel = selectDevices(ifaces, rest);
    if ('exitCode' in sel) return sel;
    return out(printLink(sel, opts));
  }
  if (matches(cmd, 'help')) return err(LINK_USAGE, 255);
  return err(`Command "${cmd}" is unknown, try "ip link help".\n`, 255);
}

function badPrefix(arg: string): CommandResult {
  return err(`Error: any valid prefix is expected rather than "${arg}".\n`, 1);
}

function ipRoute(
  args: string[],
  hostNode: string,
  ctx: ClusterContext,
  opts: Options,
): CommandResult {
  const [cmd, ...rest] = args;
  if (opts.family === 'inet6') {
    // The nodes have no IPv6 routes beyond their link-local ones, which are not modelled.
    if (cmd === undefined || matches(cmd, 'list') || matches(cmd, 'show')) return out('');
  }
  if (cmd === undefined || matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) {
    return routeShow(rest, nodeRoutes(ctx, hostNode));
  }
  if (matches(cmd, 'get')) return routeGet(rest, hostNode, ctx);
  if (
    matches(cmd, 'add') ||
    matches(cmd, 'change') ||
    matches(cmd, 'replace') ||
    matches(cmd, 'prepend') ||
    matches(cmd, 'append') ||
    matches(cmd, 'delete') ||
    matches(cmd, 'flush')
  ) {
    return EPERM;
  }
  if (matches(cmd, 'help')) return err(ROUTE_USAGE, 255);
  return err(`Command "${cmd}" is unknown, try "ip route help".\n`, 255);
}

function routeShow(args: string[], routes: RouteEntry[]): CommandResult {
  let selected = routes;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === 'dev' || a === 'oif') {
      const v = args[++k];
      if (v === undefined) return err('Command line is not complete. Try option "help"\n', 255);
      selected = selected.filter((r) => r.dev === v);
    } else if (a === 'table') {
      const v = args[++k];
      if (v !== 'main' && v !== '254' && v !== undefined) {
        // The local table and the others are not modelled: say nothing rather than lie.
        if (v !== 'all' && v !== '0') return out('');
      }
    } else if (a === 'proto') {
      const v = args[++k];
      selected = selected.filter((r) => r.proto === v);
    } else if (a === 'default' || a === 'to' || parseIPv4(a.split('/')[0] ?? '') !== undefined) {
      const target = a === 'to' ? args[++k] : a;
      if (target === undefined)
        return err('Command line is not complete. Try option "help"\n', 255);
      if (target !== 'default' && parseIPv4(target.split('/')[0] ?? '') === undefined) {
        return badPrefix(target);
      }
      // `ip route show PREFIX`: the route to exactly that prefix.
      const want = target === 'default' || target === '0.0.0.0/0' ? 'default' : withPrefix(target);
      selected = selected.filter((r) => r.dst === want);
    } else {
      return badPrefix(a);
    }
  }
  return out(selected.map(formatRoute).join(''));
}

function withPrefix(cidr: string): string {
  return cidr.includes('/') ? cidr : `${cidr}/32`;
}

function routeGet(args: string[], hostNode: string, ctx: ClusterContext): CommandResult {
  let dst: string | undefined;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    // Keywords that take a value; their values do not change the simulated lookup.
    if (
      ['from', 'iif', 'oif', 'tos', 'mark', 'vrf', 'uid', 'ipproto', 'sport', 'dport'].includes(a)
    ) {
      k++;
      continue;
    }
    if (['fibmatch', 'connected', 'notify'].includes(a)) continue;
    if (a === 'to') continue;
    if (dst !== undefined) return badPrefix(a);
    dst = a;
  }
  if (dst === undefined) return err('need at least a destination address\n', 1);
  const addr = dst.split('/')[0] ?? '';
  if (addr.includes(':')) return err('RTNETLINK answers: Network is unreachable\n', 2);
  if (parseIPv4(addr) === undefined) return badPrefix(dst);
  const r = routeLookup(ctx, hostNode, addr);
  if (!r) return err('RTNETLINK answers: Network is unreachable\n', 2);
  if (r.kind === 'local') {
    return out(`local ${addr} dev lo src ${r.src} uid 0 \n    cache <local> \n`);
  }
  const via = r.via ? `via ${r.via} ` : '';
  return out(`${addr} ${via}dev ${r.dev} src ${r.src} uid 0 \n    cache \n`);
}

/** The `ip` host tool. */
export const ipTool: HostTool = (argv, _io, ctx) => {
  const opts: Options = { family: undefined, brief: false };
  const args = argv.slice(1);
  // Global options come before the object.
  while (args.length > 0 && args[0]!.startsWith('-')) {
    const o = args.shift()!.replace(/^--?/, '-');
    if (o === '-4') opts.family = 'inet';
    else if (o === '-6') opts.family = 'inet6';
    else if (matches(o.slice(1), 'brief') && o.length >= 3) opts.brief = true;
    else if (matches(o.slice(1), 'color') || o.startsWith('-color=')) continue;
    else if (['-s', '-stats', '-statistics', '-d', '-details', '-N', '-Numeric'].includes(o))
      continue;
    else if (o === '-h' || matches(o.slice(1), 'help')) return err(USAGE, 255);
    else if (o === '-V' || matches(o.slice(1), 'Version'))
      return out('ip utility, iproute2-5.15.0, libbpf 0.5.0\n');
    else if (o === '-f' || matches(o.slice(1), 'family')) {
      const f = args.shift();
      if (f === 'inet') opts.family = 'inet';
      else if (f === 'inet6') opts.family = 'inet6';
      else return err(`Error: argument "${f ?? ''}" is wrong: invalid protocol family\n`, 255);
    } else return err(`Option "${o}" is unknown, try "ip -help".\n`, 255);
  }
  const [object, ...rest] = args;
  if (object === undefined) return err(USAGE, 255);
  const resolved = OBJECTS.find((o) => matches(object, o));
  switch (resolved) {
    case 'address':
      return ipAddress(rest, nodeInterfaces(ctx.cluster.context, ctx.node), opts);
    case 'link':
      return ipLink(rest, nodeInterfaces(ctx.cluster.context, ctx.node), opts);
    case 'route':
      return ipRoute(rest, ctx.node, ctx.cluster.context, opts);
    case 'help':
      return err(USAGE, 255);
    case undefined:
      return err(`Object "${object}" is unknown, try "ip help".\n`, 1);
    default:
      return err(
        `ip: "ip ${resolved}" is not modelled by the playground (try ip addr, ip link, ip route)\n`,
        1,
      );
  }
};

export function registerIpTool(): void {
  registerHostTool('ip', ipTool);
}

registerIpTool();
