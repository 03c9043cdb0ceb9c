/**
 * The DNS tools of the terminal, each printing what the real one prints, each query a traced
 * request (query.ts) recorded as a Trace for the UI (`request.method` = `DNS`, the hops marked
 * `phase: 'dns'`, `trace.dns` listing the queries):
 *  - busybox ≤ 1.28 `nslookup` (busybox:1.28, the image the Kubernetes docs pin): the classic
 *    applet, which resolves through libc — getnameinfo() of the server for its `Address 1:`
 *    line, getaddrinfo() of the name through the search list, getnameinfo() of each address.
 *    `Server:    10.96.0.10` / `Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local`,
 *    failures `nslookup: can't resolve 'x'` on stderr (k8s-reference §5).
 *  - busybox ≥ 1.29 `nslookup` (busybox:latest, alpine): the rewritten applet with its own DNS
 *    client — A and AAAA queries (a dotless name under each search domain, and only there), each
 *    reply printed as it arrives (`** server can't find …: NXDOMAIN`, `*** Can't find …: No
 *    answer`), `;; connection timed out; no servers could be reached` when none answers.
 *  - BIND's `nslookup`: on the nodes (Ubuntu 22.04, BIND 9.18: `Address:\t127.0.0.53#53`, A then
 *    AAAA) and in jessie-dnsutils (BIND 9.9.5: A only).
 *  - `dig` (BIND 9.9.5) in jessie-dnsutils: header, flags, EDNS pseudo-section, sections in
 *    BIND's column layout (masterdump.c indent), stats; `+short`, `+noall +answer`, `-x`,
 *    `@server`, `+search`, `+time=`, `+tries=`.
 *  - `getent hosts` on the nodes and in glibc containers: /etc/hosts, then DNS.
 *
 * Failure timing: a lost query costs the tool's timeout (busybox: 5 s total, resent at 2.5 s;
 * dig and BIND's nslookup: 5 s per try, 3 tries). ICMP port unreachable (kube-dns without
 * endpoints): busybox's connected socket reports `read: Connection refused` and keeps waiting;
 * BIND 9.9's unconnected socket never sees it (a timeout); BIND 9.18's does
 * (`communications error … connection refused`).
 * Left out: interactive nslookup, dig's TCP mode (`+tcp` is accepted, UDP is walked), DNSSEC,
 * dig on the nodes (BIND 9.18's dig output differs in its details).
 */
import type { ClusterContext } from '../../context';
import type { VirtualFs } from '../../shell/fs';
import type { ImageProfile } from '../../shell/container/image';
import { registerContainerTool } from '../../shell/container/container-shell';
import type { ContainerTool } from '../../shell/container/container-shell';
import { registerHostTool } from '../../shell/shell';
import type { HostTool } from '../../shell/shell';
import type { CommandResult } from '../../shell/types';
import { formatTimestamp } from '../../sim/clock';
import { MONTHS, WEEKDAYS } from '../../workloads/command';
import { ipToNumber } from '../netfilter/packet';
import type { RequestFrom } from '../trace/request';
import type { DnsQueryRecord, Hop, Trace } from '../trace/trace';
import { recordTrace } from '../trace/trace';
import { containerToolBase } from '../trace/tool-env';
import type { DnsMessage, RR, RRType } from './message';
import { bare, fqdn, reverseName, RR_TYPES } from './message';
import type { DnsExchange } from './query';
import { nextQueryId, sendDnsQuery } from './query';
import type { Libc, LookupResult } from './resolver';
import {
  getaddrinfo,
  getnameinfo,
  libcOfImage,
  parseResolvConf,
  searchCandidates,
} from './resolver';

// ------------------------------------------------------------------ a tool's session

interface DnsToolEnv {
  ctx: ClusterContext;
  from: RequestFrom;
  fs: Pick<VirtualFs, 'read'>;
  libc: Libc;
  advance(ms: number): void;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

function fromLabel(from: RequestFrom): string {
  if (from.kind === 'pod') return `pod/${from.namespace}/${from.name}`;
  if (from.kind === 'node') return `node/${from.name}`;
  return 'outside/laptop';
}

function queryRecord(ex: DnsExchange, atMs: number): DnsQueryRecord {
  const r = ex.result;
  return {
    name: ex.question.name,
    type: ex.question.type,
    server: ex.server,
    result: r.kind === 'answer' ? r.message.rcode : r.kind === 'refused' ? 'refused' : 'timeout',
    answers: r.kind === 'answer' ? r.message.answer.map((rr) => `${rr.type} ${rr.data}`) : [],
    atMs: round3(atMs),
    durationMs: ex.elapsedMs,
  };
}

/** What one command sent: its queries in order, their hops, the time it took. */
class Session {
  t = 0;
  readonly hops: Hop[] = [];
  readonly queries: DnsQueryRecord[] = [];

  constructor(readonly env: DnsToolEnv) {}

  /** A libc lookup (getaddrinfo / getnameinfo) starting now; the session's time moves on. */
  lookup(
    fn: (env: Parameters<typeof getaddrinfo>[0], arg: string) => LookupResult,
    arg: string,
    fs?: Pick<VirtualFs, 'read'>,
  ): LookupResult {
    const e = this.env;
    const r = fn({ ctx: e.ctx, from: e.from, fs: fs ?? e.fs, libc: e.libc, offsetMs: this.t }, arg);
    for (const h of r.hops) this.hops.push({ ...h, atMs: round3(this.t + h.atMs) });
    for (const q of r.queries) this.queries.push({ ...q, atMs: round3(this.t + q.atMs) });
    this.t = round3(this.t + r.durationMs);
    return r;
  }

  /** One query sent at `at` (default now); the caller decides how time moves on. */
  query(
    server: string,
    name: string,
    type: RRType,
    edns: boolean,
    port = 53,
    at = this.t,
  ): DnsExchange {
    const ex = sendDnsQuery(this.env.ctx, {
      from: this.env.from,
      server,
      port,
      name,
      type,
      edns,
      offsetMs: at,
    });
    for (const h of ex.hops) this.hops.push({ ...h, atMs: round3(at + h.atMs) });
    this.queries.push(queryRecord(ex, at));
    return ex;
  }

  /** Record the command's trace and let its time pass. */
  finish(
    server: string,
    name: string,
    ok: boolean,
    error: 'refused' | 'timeout' | 'unreachable' = 'timeout',
  ): void {
    if (this.hops.length > 0) {
      const trace: Trace = {
        request: {
          from: fromLabel(this.env.from),
          method: 'DNS',
          url: `dns://${server}/${name}`,
          host: name,
        },
        hops: this.hops,
        outcome: ok
          ? { ok: true, status: 0, reason: 'NOERROR', httpVersion: 'DNS', headers: [], body: '' }
          : {
              ok: false,
              error,
              message: error === 'refused' ? 'connection refused' : 'no servers could be reached',
              connected: false,
            },
        durationMs: this.t,
        dns: this.queries,
      };
      recordTrace(this.env.ctx, trace);
    }
    const ms = Math.ceil(this.t);
    if (ms > 0) this.env.advance(ms);
  }
}

/** The resolv.conf text with its nameservers replaced (a server given on the command line). */
function withNameserver(fs: Pick<VirtualFs, 'read'>, server: string): Pick<VirtualFs, 'read'> {
  return {
    read: (p) => {
      const text = fs.read(p);
      if (p !== '/etc/resolv.conf') return text;
      const kept = (text ?? '').split('\n').filter((l) => !/^\s*nameserver\s/.test(l));
      return [`nameserver ${server}`, ...kept].join('\n');
    },
  };
}

const ok = (stdout: string, stderr = '', exitCode = 0): CommandResult => ({
  stdout,
  stderr,
  exitCode,
});

// ------------------------------------------------------------------ busybox nslookup ≤ 1.28

const BUSYBOX_BUILDS: Readonly<Record<string, string>> = {
  '1.28.4': '2018-05-22 17:00:17 UTC',
  '1.28.0': '2018-01-03 15:35:20 UTC',
  '1.36.1': '2023-05-18 22:34:17 UTC',
};

function busyboxBanner(version: string): string {
  return `BusyBox v${version} (${BUSYBOX_BUILDS[version] ?? '2018-05-22 17:00:17 UTC'}) multi-call binary.\n\n`;
}

/** busybox 1.28's nslookup: the libc resolver's view. Models networking/nslookup.c (1.28). */
function busyboxOldNslookup(argv: string[], env: DnsToolEnv, version: string): CommandResult {
  const args = argv.slice(1);
  const first = args[0];
  if (first === undefined || args.length > 2 || first.startsWith('-')) {
    return ok(
      '',
      busyboxBanner(version) +
        'Usage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n',
      1,
    );
  }
  const s = new Session(env);
  let fs = env.fs;
  let server = parseResolvConf(env.fs.read('/etc/resolv.conf')).nameservers[0] ?? '127.0.0.1';
  const serverArg = args[1];
  if (serverArg !== undefined) {
    // set_default_dns: the server replaces the resolver's nameservers.
    const addr =
      ipToNumber(serverArg) !== undefined
        ? serverArg
        : s.lookup(getaddrinfo, serverArg).addresses[0];
    if (addr === undefined) {
      s.finish(server, first, false, 'unreachable');
      return ok('', `nslookup: can't resolve '${serverArg}'\n`, 1);
    }
    server = addr;
    fs = withNameserver(env.fs, server);
  }
  const addressLine = (i: number, ip: string): string => {
    const rev = s.lookup(getnameinfo, ip, fs);
    return `Address ${i}: ${ip}${rev.canonical !== undefined ? ` ${rev.canonical}` : ''}\n`;
  };
  let stdout = `${'Server:'.padEnd(10)} ${server}\n` + addressLine(1, server) + '\n';
  const look = s.lookup(getaddrinfo, first, fs);
  if (look.addresses.length === 0) {
    s.finish(
      server,
      first,
      false,
      look.error === 'again' ? (look.refused ? 'refused' : 'timeout') : 'unreachable',
    );
    return ok(stdout, `nslookup: can't resolve '${first}'\n`, 1);
  }
  stdout += `${'Name:'.padEnd(10)} ${first}\n`;
  look.addresses.forEach((ip, i) => (stdout += addressLine(i + 1, ip)));
  s.finish(server, first, true);
  return ok(stdout);
}

// ------------------------------------------------------------------ busybox nslookup ≥ 1.29

const BB_QTYPES: readonly RRType[] = ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'PTR', 'ANY'];

/** A record as the rewritten applet's parse_reply prints it (names without the final dot). */
function busyboxRecord(rr: RR): string {
  const name = bare(rr.name);
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return `Name:\t${name}\nAddress: ${rr.data}\n`;
    case 'NS':
      return `${name}\tnameserver = ${bare(rr.data)}\n`;
    case 'CNAME':
      return `${name}\tcanonical name = ${bare(rr.data)}\n`;
    case 'PTR':
      return `${name}\tname = ${bare(rr.data)}\n`;
    case 'MX': {
      const [pref = '0', host = '.'] = rr.data.split(' ');
      return `${name}\tmail exchanger = ${pref} ${bare(host)}\n`;
    }
    case 'TXT':
      return `${name}\ttext = ${rr.data}\n`;
    case 'SOA': {
      const [mname = '.', rname = '.', serial, refresh, retry, expire, minimum] =
        rr.data.split(' ');
      return (
        `${name}\n\torigin = ${bare(mname)}\n\tmail addr = ${bare(rname)}\n\tserial = ${serial}\n` +
        `\trefresh = ${refresh}\n\tretry = ${retry}\n\texpire = ${expire}\n\tminimum = ${minimum}\n`
      );
    }
    default:
      return '';
  }
}

/**
 * busybox ≥ 1.29's nslookup (its own client, modelled on musl's res_msend).
 * Models networking/nslookup.c (1.3x): add_query_with_search, send_queries, parse_reply.
 */
function busyboxNewNslookup(argv: string[], env: DnsToolEnv, version: string): CommandResult {
  const usage = (): CommandResult =>
    ok(
      '',
      busyboxBanner(version) +
        'Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n' +
        'Query DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,any\n',
      1,
    );
  let i = 1;
  const types: RRType[] = [];
  let port = 53;
  let retry = 2;
  let timeout = 5;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('-')) break;
    const eq = a.indexOf('=');
    const opt = a.slice(1, eq < 0 ? undefined : eq);
    const val = eq < 0 ? '' : a.slice(eq + 1);
    if (opt === 'type' || opt === 'querytype') {
      const t = BB_QTYPES.find((q) => q.toLowerCase() === val.toLowerCase());
      if (!t) return ok('', `nslookup: invalid query type "${val}"\n`, 1);
      if (!types.includes(t)) types.push(t);
    } else if (opt === 'port' && /^\d+$/.test(val)) port = Number(val);
    else if (opt === 'retry' && /^\d+$/.test(val)) retry = Math.max(1, Number(val));
    else if ((opt === 't' || opt === 'timeout') && /^\d+$/.test(val))
      timeout = Math.max(1, Number(val));
    else if (opt !== 'debug') return usage();
  }
  const name = argv[i];
  if (name === undefined || argv.length > i + 2) return usage();
  const serverArg = argv[i + 1];
  const resolv = env.fs.read('/etc/resolv.conf');
  const conf = parseResolvConf(resolv);
  // parse_resolvconf: the last `search` line (a `domain` line only without one); `domain .`: none.
  let search: string[] = [];
  for (const line of (resolv ?? '').split('\n')) {
    const m = /^(search|domain)\s+(.+)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'search' || search.length === 0) search = (m[2] ?? '').trim().split(/\s+/);
  }
  if (search.length === 1 && search[0] === '.') search = [];
  const servers =
    serverArg !== undefined
      ? [serverArg]
      : (resolv ?? '').includes('nameserver')
        ? conf.nameservers
        : ['127.0.0.1'];

  const queries: Array<{ name: string; type: RRType }> = [];
  const addWithSearch = (type: RRType): void => {
    if (type === 'PTR' || search.length === 0 || name.includes('.')) queries.push({ name, type });
    else for (const d of search) queries.push({ name: `${name}.${d}`, type });
  };
  const ptr = ipToNumber(name) !== undefined ? reverseName(name) : undefined;
  if (types.length === 0) {
    if (ptr) queries.push({ name: bare(ptr), type: 'PTR' });
    else {
      addWithSearch('A');
      addWithSearch('AAAA');
    }
  } else {
    for (const t of BB_QTYPES) if (types.includes(t)) addWithSearch(t);
  }

  const s = new Session(env);
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const timeoutMs = timeout * 1000;
  const interval = timeoutMs / retry;
  for (const server of servers) {
    if (ipToNumber(server) === undefined) {
      s.finish(server, name, false, 'unreachable');
      return ok(stdout, `nslookup: bad address '${server}'\n`, 1);
    }
    const start = s.t;
    const answered = new Set<number>();
    let replies = 0;
    for (
      let sent = 0;
      start + sent * interval < start + timeoutMs && answered.size < queries.length;
      sent++
    ) {
      const at = round3(start + sent * interval);
      const arrivals: Array<{ q: number; ms: number; msg: DnsMessage }> = [];
      let refused = false;
      queries.forEach((q, qi) => {
        if (answered.has(qi)) return;
        const ex = s.query(server, q.name, q.type, false, port, at);
        if (ex.result.kind === 'answer')
          arrivals.push({ q: qi, ms: ex.elapsedMs, msg: ex.result.message });
        else if (ex.result.kind === 'refused') refused = true;
      });
      if (refused) stderr += 'nslookup: read: Connection refused\n';
      arrivals.sort((a, b) => a.ms - b.ms || a.q - b.q);
      for (const r of arrivals) {
        answered.add(r.q);
        if (replies++ === 0) stdout += `Server:\t\t${server}\nAddress:\t${server}:${port}\n\n`;
        const qname = queries[r.q]?.name ?? name;
        if (r.msg.rcode !== 'NOERROR') {
          stdout += `** server can't find ${qname}: ${r.msg.rcode}\n`;
          exitCode = 1;
        } else {
          if (!r.msg.aa) stdout += 'Non-authoritative answer:\n';
          if (r.msg.answer.length === 0) stdout += `*** Can't find ${qname}: No answer\n`;
          else for (const rr of r.msg.answer) stdout += busyboxRecord(rr);
        }
        stdout += '\n';
        s.t = Math.max(s.t, round3(at + r.ms));
      }
    }
    if (replies > 0) {
      const missing = queries.filter((_, qi) => !answered.has(qi));
      for (const q of missing) stdout += `*** Can't find ${q.name}: No answer\n`;
      if (missing.length > 0) {
        stdout += '\n';
        s.t = round3(start + timeoutMs);
      }
      s.finish(server, name, true);
      return ok(stdout, stderr, exitCode);
    }
    s.t = round3(start + timeoutMs);
  }
  stdout += ';; connection timed out; no servers could be reached\n\n';
  s.finish(servers[0] ?? '', name, false, stderr !== '' ? 'refused' : 'timeout');
  return ok(stdout, stderr, 1);
}

// ------------------------------------------------------------------ BIND's nslookup

type BindVersion = '9.18' | '9.9';

/** A record as BIND's nslookup prints it (printsection). */
function bindRecord(rr: RR): string {
  const name = bare(rr.name);
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return `Name:\t${name}\nAddress: ${rr.data}\n`;
    case 'CNAME':
      return `${name}\tcanonical name = ${rr.data}\n`;
    case 'PTR':
      return `${name}\tname = ${rr.data}\n`;
    case 'NS':
      return `${name}\tnameserver = ${rr.data}\n`;
    case 'SRV':
      return `${name}\tservice = ${rr.data}\n`;
    case 'MX':
      return `${name}\tmail exchanger = ${rr.data}\n`;
    case 'TXT':
      return `${name}\ttext = ${rr.data}\n`;
    case 'SOA': {
      const [mname, rname, serial, refresh, retry, expire, minimum] = rr.data.split(' ');
      return (
        `${name}\n\torigin = ${mname}\n\tmail addr = ${rname}\n\tserial = ${serial}\n` +
        `\trefresh = ${refresh}\n\tretry = ${retry}\n\texpire = ${expire}\n\tminimum = ${minimum}\n`
      );
    }
    default:
      return '';
  }
}

/**
 * One question, as BIND's dighost asks it: `tries` datagrams `timeoutMs` apart until one is
 * answered. 9.18's connected socket hears ICMP port unreachable (a communications error per try);
 * 9.9's does not (it waits out every try).
 */
function bindAsk(
  s: Session,
  server: string,
  name: string,
  type: RRType,
  edns: boolean,
  opts: { tries: number; timeoutMs: number; version: BindVersion; port: number },
): { msg?: DnsMessage; ms: number; size: number; errors: string[] } {
  const errors: string[] = [];
  for (let t = 0; t < opts.tries; t++) {
    const ex = s.query(server, name, type, edns, opts.port);
    if (ex.result.kind === 'answer') {
      s.t = round3(s.t + ex.elapsedMs);
      return { msg: ex.result.message, ms: ex.elapsedMs, size: ex.result.size, errors };
    }
    if (ex.result.kind === 'refused' && opts.version === '9.18') {
      errors.push(`;; communications error to ${server}#${opts.port}: connection refused\n`);
      s.t = round3(s.t + ex.elapsedMs);
    } else {
      if (opts.version === '9.18')
        errors.push(`;; communications error to ${server}#${opts.port}: timed out\n`);
      s.t = round3(s.t + opts.timeoutMs);
    }
  }
  return { ms: 0, size: 0, errors };
}

/** Models bin/dig/nslookup.c (one-shot mode: `nslookup [-option] name [server]`). */
function bindNslookup(argv: string[], env: DnsToolEnv, version: BindVersion): CommandResult {
  let type: RRType | undefined;
  let timeoutMs = 5000;
  let tries = 3;
  let port = 53;
  const rest: string[] = [];
  for (const a of argv.slice(1)) {
    const m = /^-(\w+)(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const [, opt = '', val = ''] = m;
    if (['type', 'ty', 'querytype', 'query', 'qu', 'q'].includes(opt)) {
      const t = RR_TYPES.find((x) => x.toLowerCase() === val.toLowerCase());
      if (!t) return ok(`unknown query type: ${val}\n`, '', 1);
      type = t;
    } else if ((opt === 'timeout' || opt === 't') && /^\d+$/.test(val))
      timeoutMs = Number(val) * 1000;
    else if ((opt === 'retry' || opt === 'ret') && /^\d+$/.test(val))
      tries = Math.max(1, Number(val));
    else if ((opt === 'port' || opt === 'po') && /^\d+$/.test(val)) port = Number(val);
  }
  const name = rest[0];
  if (name === undefined) return ok('> ', '', 0);
  const conf = parseResolvConf(env.fs.read('/etc/resolv.conf'));
  const server = rest[1] ?? conf.nameservers[0] ?? '127.0.0.1';
  if (ipToNumber(server) === undefined) {
    return ok('', `nslookup: couldn't get address for '${server}': not found\n`, 1);
  }
  const s = new Session(env);
  const header = `Server:\t\t${server}\nAddress:\t${server}#${port}\n\n`;
  const ptr = ipToNumber(name) !== undefined && type === undefined ? reverseName(name) : undefined;
  const qtype: RRType = ptr ? 'PTR' : (type ?? 'A');
  const candidates = ptr ? [ptr] : searchCandidates(name, conf, 'glibc');
  const ask = { tries, timeoutMs, version, port };
  let last: DnsMessage | undefined;
  let lastName = fqdn(name);
  for (const c of candidates) {
    const r = bindAsk(s, server, c, qtype, false, ask);
    if (!r.msg) {
      const out =
        r.errors.join('') +
        (version === '9.18'
          ? ';; no servers could be reached\n\n'
          : ';; connection timed out; no servers could be reached\n\n');
      s.finish(
        server,
        name,
        false,
        r.errors.some((e) => e.includes('refused')) ? 'refused' : 'timeout',
      );
      return ok(out, '', 1);
    }
    last = r.msg;
    lastName = c;
    if (r.msg.rcode === 'NOERROR' && r.msg.answer.length > 0) break;
    if (r.msg.rcode !== 'NXDOMAIN' && r.msg.rcode !== 'SERVFAIL' && r.msg.rcode !== 'NOERROR')
      break;
  }
  let out = header;
  if (!last || last.rcode !== 'NOERROR') {
    const rcode = last?.rcode ?? 'NXDOMAIN';
    out += `** server can't find ${rcode === 'NXDOMAIN' ? name : bare(lastName)}: ${rcode}\n\n`;
    s.finish(server, name, false, 'unreachable');
    return ok(out, '', 1);
  }
  if (!last.aa) out += 'Non-authoritative answer:\n';
  if (last.answer.length === 0) out += `*** Can't find ${name}: No answer\n`;
  for (const rr of last.answer) out += bindRecord(rr);
  // BIND 9.18 also asks AAAA for an address lookup, and prints what it finds.
  if (version === '9.18' && qtype === 'A' && type === undefined) {
    const r6 = bindAsk(s, server, lastName, 'AAAA', false, ask);
    for (const rr of r6.msg?.answer ?? []) if (rr.type === 'AAAA') out += bindRecord(rr);
  }
  out += '\n';
  s.finish(server, name, true);
  return ok(out);
}

// ------------------------------------------------------------------ dig 9.9.5

const DIG_VERSION = '9.9.5-9+deb8u19-Debian';

/** A line in the making, with its display column (tabs every 8). */
class Columns {
  text = '';
  col = 0;

  add(s: string): this {
    this.text += s;
    this.col += s.length;
    return this;
  }

  /** masterdump.c indent(): tabs to the column, or one space when already there. */
  to(column: number): this {
    const from = this.col;
    const target = column < from + 1 ? from + 1 : column;
    const ntabs = Math.floor(target / 8) - Math.floor(from / 8);
    this.text +=
      ntabs > 0 ? '\t'.repeat(ntabs) + ' '.repeat(target % 8) : ' '.repeat(target - from);
    this.col = target;
    return this;
  }
}

/** A record in dig's default style: owner, TTL at 24, class at 32, type at 40, RDATA at 48. */
function digRecord(rr: RR): string {
  const l = new Columns().add(rr.name).to(24).add(String(rr.ttl)).to(32).add('IN');
  return l.to(40).add(rr.type).to(48).add(rr.data).text + '\n';
}

function digQuestion(name: string, type: RRType): string {
  return new Columns().add(`;${name}`).to(32).add('IN').to(40).add(type).text + '\n';
}

/** `Mon Jun 03 08:00:00 UTC 2024` (strftime `%a %b %d %H:%M:%S %Z %Y`, the nodes run UTC). */
function digWhen(ms: number): string {
  const iso = formatTimestamp(ms);
  const wd = WEEKDAYS[(((Math.floor(ms / 86_400_000) + 4) % 7) + 7) % 7] ?? 'Mon';
  const mon = MONTHS[Number(iso.slice(5, 7)) - 1] ?? 'Jan';
  return `${wd} ${mon} ${iso.slice(8, 10)} ${iso.slice(11, 19)} UTC ${iso.slice(0, 4)}`;
}

interface DigOptions {
  short: boolean;
  cmd: boolean;
  comments: boolean;
  question: boolean;
  answer: boolean;
  authority: boolean;
  additional: boolean;
  stats: boolean;
  search: boolean;
  tries: number;
  timeoutMs: number;
}

/** Models bin/dig/dig.c (printmessage, the +flags) and dighost.c (tries, search). */
function dig(argv: string[], env: DnsToolEnv): CommandResult {
  const o: DigOptions = {
    short: false,
    cmd: true,
    comments: true,
    question: true,
    answer: true,
    authority: true,
    additional: true,
    stats: true,
    search: false,
    tries: 3,
    timeoutMs: 5000,
  };
  let server: string | undefined;
  let name: string | undefined;
  let type: RRType | undefined;
  let port = 53;
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('@')) server = a.slice(1);
    else if (a.startsWith('+')) {
      const m = /^\+(no)?(\w+)(?:=(\d+))?$/.exec(a);
      if (!m) return ok('', `Invalid option: ${a}\n`, 1);
      const on = m[1] === undefined;
      const flag = m[2] ?? '';
      const val = m[3];
      switch (flag) {
        case 'short':
          o.short = on;
          if (on) o.cmd = o.comments = o.question = o.authority = o.additional = o.stats = false;
          break;
        case 'all':
          o.cmd = o.comments = o.question = o.answer = o.authority = o.additional = o.stats = on;
          break;
        case 'cmd':
        case 'comments':
        case 'question':
        case 'answer':
        case 'authority':
        case 'additional':
        case 'stats':
        case 'search':
          o[flag] = on;
          break;
        case 'tries':
        case 'retry':
          if (val !== undefined) o.tries = Math.max(1, Number(val) + (flag === 'retry' ? 1 : 0));
          break;
        case 'time':
          if (val !== undefined) o.timeoutMs = Math.max(1, Number(val)) * 1000;
          break;
        case 'tcp':
        case 'vc':
        case 'recurse':
        case 'edns':
        case 'multiline':
          break;
        default:
          return ok(
            '',
            `Invalid option: ${a}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n`,
            1,
          );
      }
    } else if (a === '-x') {
      const ip = args[++i];
      if (ip === undefined || reverseName(ip) === undefined)
        return ok('', `Invalid IP address ${ip ?? ''}\n`, 1);
      name = reverseName(ip);
      type = 'PTR';
    } else if (a === '-t') {
      const v = (args[++i] ?? '').toUpperCase();
      const t = RR_TYPES.find((x) => x === v);
      if (!t) return ok('', `Invalid type: ${v.toLowerCase()}\n`, 1);
      type = t;
    } else if (a === '-p') {
      port = Number(args[++i] ?? '53');
    } else if (type === undefined && RR_TYPES.includes(a.toUpperCase() as RRType)) {
      // dig.c: an argument that parses as a type is the type (the first one), else the name.
      type = a.toUpperCase() as RRType;
    } else if (a.toUpperCase() !== 'IN') {
      name = a;
    }
  }
  const conf = parseResolvConf(env.fs.read('/etc/resolv.conf'));
  const qname = name ?? '.';
  const qtype: RRType = type ?? (name === undefined ? 'NS' : 'A');
  const srv = server ?? conf.nameservers[0] ?? '127.0.0.1';
  let out = '';
  if (o.cmd) {
    out += `\n; <<>> DiG ${DIG_VERSION} <<>> ${args.join(' ')}\n`;
    if (server !== undefined) out += '; (1 server found)\n';
    out += ';; global options: +cmd\n';
  }
  if (ipToNumber(srv) === undefined) {
    return ok('', `dig: couldn't get address for '${srv}': not found\n`, 10);
  }
  const s = new Session(env);
  const candidates =
    o.search && !qname.endsWith('.') ? searchCandidates(qname, conf, 'glibc') : [fqdn(qname)];
  let result: ReturnType<typeof bindAsk> | undefined;
  let asked = fqdn(qname);
  const when = env.ctx.clock.now();
  for (const c of candidates) {
    asked = c;
    result = bindAsk(s, srv, c, qtype, true, {
      tries: o.tries,
      timeoutMs: o.timeoutMs,
      version: '9.9',
      port,
    });
    if (!result.msg) break;
    if (result.msg.rcode === 'NOERROR' && result.msg.answer.length > 0) break;
  }
  if (!result?.msg) {
    out += ';; connection timed out; no servers could be reached\n';
    s.finish(srv, qname, false, 'timeout');
    return ok(out, '', 9);
  }
  const msg = result.msg;
  if (o.short) {
    for (const rr of msg.answer) out += `${rr.data}\n`;
    s.finish(srv, qname, true);
    return ok(out);
  }
  const id = nextQueryId(env.ctx);
  if (o.comments) {
    const flags = ['qr', ...(msg.aa ? ['aa'] : []), 'rd', ...(msg.ra ? ['ra'] : [])].join(' ');
    out +=
      ';; Got answer:\n' +
      `;; ->>HEADER<<- opcode: QUERY, status: ${msg.rcode}, id: ${id}\n` +
      `;; flags: ${flags}; QUERY: 1, ANSWER: ${msg.answer.length}, AUTHORITY: ${msg.authority.length}, ADDITIONAL: ${msg.additional.length + 1}\n`;
    if (!msg.ra) out += ';; WARNING: recursion requested but not available\n';
    out += '\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 4096\n';
  }
  if (o.question) {
    if (o.comments) out += ';; QUESTION SECTION:\n';
    out += digQuestion(asked, qtype);
    if (o.comments) out += '\n';
  }
  const section = (on: boolean, title: string, rrs: RR[]): void => {
    if (!on || rrs.length === 0) return;
    if (o.comments) out += `;; ${title} SECTION:\n`;
    for (const rr of rrs) out += digRecord(rr);
    if (o.comments) out += '\n';
  };
  section(o.answer, 'ANSWER', msg.answer);
  section(o.authority, 'AUTHORITY', msg.authority);
  section(o.additional, 'ADDITIONAL', msg.additional);
  if (o.stats) {
    out +=
      `;; Query time: ${Math.floor(result.ms)} msec\n` +
      `;; SERVER: ${srv}#${port}(${srv})\n` +
      `;; WHEN: ${digWhen(when)}\n` +
      `;; MSG SIZE  rcvd: ${result.size}\n\n`;
  }
  s.finish(srv, qname, true);
  return ok(out);
}

// ------------------------------------------------------------------ getent hosts

/** One line of `getent hosts` (print_hosts: `%-15s %s`, then the aliases). */
function hostsLine(ip: string, name: string, aliases: readonly string[]): string {
  return `${ip.padEnd(15)} ${[name, ...aliases].join(' ')}\n`;
}

/** glibc's `getent hosts [KEY…]`. Models nss/getent.c hosts_keys. */
function getent(argv: string[], env: DnsToolEnv): CommandResult {
  const db = argv[1];
  if (db === undefined) {
    return ok(
      '',
      "Usage: getent [OPTION...] database [key ...]\nTry `getent --help' or `getent --usage' for more information.\n",
      1,
    );
  }
  if (db !== 'hosts' && db !== 'ahosts') return ok('', `Unknown database: ${db}\n`, 1);
  const keys = argv.slice(2);
  if (keys.length === 0) {
    let out = '';
    for (const raw of (env.fs.read('/etc/hosts') ?? '').split('\n')) {
      const f = raw.replace(/#.*$/, '').trim().split(/\s+/);
      if (!f[0] || !f[1] || ipToNumber(f[0]) === undefined) continue;
      out += hostsLine(f[0], f[1], f.slice(2));
    }
    return ok(out);
  }
  const s = new Session(env);
  let out = '';
  let code = 0;
  for (const key of keys) {
    if (ipToNumber(key) !== undefined) {
      const r = s.lookup(getnameinfo, key);
      if (r.canonical === undefined) code = 2;
      else out += hostsLine(key, r.canonical, []);
      continue;
    }
    const r = s.lookup(getaddrinfo, key);
    if (r.addresses.length === 0) {
      code = 2;
      continue;
    }
    const canonical = r.canonical ?? key;
    for (const ip of r.addresses) {
      out +=
        db === 'ahosts'
          ? `${ip.padEnd(15)} STREAM ${canonical}\n${ip.padEnd(15)} DGRAM  \n${ip.padEnd(15)} RAW    \n`
          : hostsLine(
              ip,
              canonical,
              r.aliases.filter((a) => a !== canonical),
            );
    }
  }
  s.finish(
    parseResolvConf(env.fs.read('/etc/resolv.conf')).nameservers[0] ?? '',
    keys.join(' '),
    code === 0,
    'unreachable',
  );
  return ok(out, '', code);
}

// ------------------------------------------------------------------ registration

function nodeEnv(tool: Parameters<HostTool>[2]): DnsToolEnv {
  return {
    ctx: tool.cluster.context,
    from: { kind: 'node', name: tool.node },
    fs: tool.fs,
    libc: 'glibc',
    advance: (ms) => {
      tool.cluster.advance(ms);
    },
  };
}

function containerEnv(ctx: Parameters<ContainerTool>[2]): DnsToolEnv {
  return { ...containerToolBase(ctx), libc: libcOfImage(ctx.container.image) };
}

/** busybox's version from the image tag (`1.28.4`, `1.28`); latest is 1.36.1. */
function busyboxVersion(p: ImageProfile): string {
  const tag = p.ref?.tag ?? 'latest';
  const m = /^(1\.\d+)(?:\.(\d+))?/.exec(tag);
  if (!m) return '1.36.1';
  return `${m[1]}.${m[2] ?? (m[1] === '1.28' ? '4' : '0')}`;
}

function isOldBusybox(p: ImageProfile): boolean {
  const m = /^1\.(\d+)/.exec(busyboxVersion(p));
  return p.imageId === 'busybox' && m !== null && Number(m[1]) <= 28;
}

const DNSUTILS = new Set(['jessie-dnsutils']);
const hasBindTools = (p: ImageProfile): boolean => DNSUTILS.has(p.ref?.lastSegment ?? '');

const nslookupInContainer: ContainerTool = (argv, _io, ctx) => {
  const env = containerEnv(ctx);
  if (hasBindTools(ctx.profile)) return bindNslookup(argv, env, '9.9');
  const version = ctx.profile.imageId === 'busybox' ? busyboxVersion(ctx.profile) : '1.36.1';
  return isOldBusybox(ctx.profile)
    ? busyboxOldNslookup(argv, env, version)
    : busyboxNewNslookup(argv, env, version);
};

/** Add nslookup, dig and getent to the nodes and to the containers whose images have them. */
export function registerDnsTools(): void {
  registerHostTool('nslookup', (argv, _io, tool) => bindNslookup(argv, nodeEnv(tool), '9.18'));
  registerHostTool('getent', (argv, _io, tool) => getent(argv, nodeEnv(tool)));
  registerContainerTool(
    'nslookup',
    nslookupInContainer,
    (p) => p.userland === 'busybox' || hasBindTools(p),
  );
  registerContainerTool('dig', (argv, _io, ctx) => dig(argv, containerEnv(ctx)), hasBindTools);
  registerContainerTool(
    'getent',
    (argv, _io, ctx) => getent(argv, containerEnv(ctx)),
    (p) => p.userland === 'gnu',
  );
}

registerDnsTools();
