/**
 * A consistency check of an `iptables-save` dump, for tests (golden files and whole clusters):
 *  - every `-A CHAIN` and every `-j`/`-g` target that is not a built-in target names a chain the
 *    same table declares (`:CHAIN …`), as iptables-restore would insist;
 *  - every per-service chain (`KUBE-SVC-`, `KUBE-SVL-`, `KUBE-EXT-`, `KUBE-FW-` + 16 characters)
 *    carries portProtoHash(svcPortName, proto) of a service port its rules (or the rules that
 *    jump to it) name in their comments, and every `KUBE-SEP-` chain the endpoint hash of its
 *    own DNAT (k8s-reference §1.3);
 *  - a rule that names its service port and protocol (`"ns/svc:port cluster IP" -p tcp`) jumps
 *    to a chain with that very hash, and a KUBE-SVC/SVL chain jumps only to KUBE-SEP chains of the
 *    same service port;
 *  - a `-m recent` list is named after its endpoint chain (session affinity);
 *  - no per-service chain is left without a jump to it (kube-proxy deletes unused chains).
 * Returns the problems found, one line each; an empty list means the dump is consistent.
 */
import { endpointChainName, portProtoHash } from './hash';
import { BUILTIN_CHAINS } from './model';
import type { TableName } from './model';

/** Targets provided by iptables extensions rather than chains. */
const BUILTIN_TARGETS = new Set([
  'ACCEPT',
  'DROP',
  'RETURN',
  'REJECT',
  'QUEUE',
  'MARK',
  'CONNMARK',
  'MASQUERADE',
  'DNAT',
  'SNAT',
  'REDIRECT',
  'LOG',
  'NOTRACK',
  'CT',
  'TRACE',
]);

const HASHED = /^KUBE-(SVC|SVL|EXT|FW|SEP)-([A-Z2-7]{16})$/;
const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;

interface ParsedRule {
  table: string;
  chain: string;
  line: string;
  comment?: string;
  proto?: string;
  target?: string;
  dnatTo?: string;
  /** `-m recent --name …`. */
  recent?: string;
}

/** Split an iptables-save rule line into words, keeping `"…"` together (quotes removed). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? ''));
  }
  return out;
}

function parse(text: string): { chains: Map<string, Set<string>>; rules: ParsedRule[] } {
  const chains = new Map<string, Set<string>>();
  const rules: ParsedRule[] = [];
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1);
      const declared = new Set<string>(BUILTIN_CHAINS[table as TableName] ?? []);
      chains.set(table, declared);
    } else if (line.startsWith(':')) {
      chains.get(table)?.add(line.slice(1).split(' ')[0] ?? '');
    } else if (line.startsWith('-A ')) {
      const w = words(line);
      const rule: ParsedRule = { table, chain: w[1] ?? '', line };
      for (let i = 2; i < w.length; i++) {
        const a = w[i];
        const next = w[i + 1];
        if (next === undefined) continue;
        if (a === '--comment') rule.comment = next;
        else if (a === '-p') rule.proto = next;
        else if (a === '-j' || a === '-g') rule.target = next;
        else if (a === '--to-destination') rule.dnatTo = next;
        else if (a === '--name') rule.recent = next;
      }
      rules.push(rule);
    }
  }
  return { chains, rules };
}

/** The service port names a kube-proxy comment may carry (§1.2's comment texts). */
function namesIn(comment: string | undefined): string[] {
  if (comment === undefined) return [];
  const patterns = [
    /^(.+) (?:cluster IP|external IP|loadbalancer IP|has no endpoints|has no local endpoints|health check node port)$/,
    /^(.+) -> \S+$/,
    /^(?:masquerade |pod |masquerade LOCAL |route LOCAL )traffic for (.+) external destinations$/,
    /^other traffic to (.+) will be dropped by KUBE-PROXY-FIREWALL$/,
    /^(.+) traffic not accepted by KUBE-FW-[A-Z2-7]{16}$/,
  ];
  for (const p of patterns) {
    const m = p.exec(comment);
    if (m?.[1]) return [m[1]];
  }
  return [comment];
}

export function checkIptablesSave(text: string): string[] {
  const problems: string[] = [];
  const { chains, rules } = parse(text);
  const referenced = new Set<string>();

  for (const r of rules) {
    const declared = chains.get(r.table);
    // Session affinity: `--rcheck` names the endpoint chain it jumps to, `--set` its own chain.
    if (r.recent !== undefined && r.recent !== r.target && r.recent !== r.chain) {
      problems.push(`${r.table}: recent list ${r.recent} is not this endpoint's: ${r.line}`);
    }
    if (!declared?.has(r.chain)) problems.push(`${r.table}: rule in undeclared chain: ${r.line}`);
    if (r.target === undefined || BUILTIN_TARGETS.has(r.target)) continue;
    referenced.add(`${r.table}/${r.target}`);
    if (!declared?.has(r.target)) {
      problems.push(`${r.table}: jump to a chain that does not exist: ${r.line}`);
    }
    // A rule naming its service port and protocol jumps to that port's chains.
    const target = HASHED.exec(r.target);
    if (target && target[1] !== 'SEP' && r.proto !== undefined) {
      for (const name of namesIn(r.comment)) {
        const want = portProtoHash(name, r.proto);
        if (want !== target[2]) {
          problems.push(`${r.table}: ${name}/${r.proto} hashes to ${want}: ${r.line}`);
        }
      }
    }
  }

  // Per-service chains: the hash in the name, and who jumps to them.
  for (const [table, declared] of chains) {
    for (const chain of declared) {
      const m = HASHED.exec(chain);
      if (!m) continue;
      const [, kind = '', hash = ''] = m;
      if (!referenced.has(`${table}/${chain}`))
        problems.push(`${table}: nothing jumps to ${chain}`);
      const own = rules.filter((r) => r.table === table && r.chain === chain);
      const callers = rules.filter((r) => r.table === table && r.target === chain);
      const names = new Set([...own, ...callers].flatMap((r) => namesIn(r.comment)));
      if (kind === 'SEP') {
        const dnat = own.find((r) => r.dnatTo !== undefined);
        const name = namesIn(dnat?.comment)[0];
        if (!dnat || name === undefined || dnat.proto === undefined) {
          problems.push(`${table}: ${chain} has no DNAT naming its service`);
          continue;
        }
        const want = endpointChainName(name, dnat.proto, dnat.dnatTo ?? '');
        if (want !== chain) problems.push(`${table}: ${chain} should be ${want}: ${dnat.line}`);
        // The policy chains that pick it belong to the same service port.
        for (const c of callers) {
          const caller = HASHED.exec(c.chain);
          if (caller && caller[2] !== portProtoHash(name, dnat.proto)) {
            problems.push(`${table}: ${c.chain} jumps to ${chain} of another service port`);
          }
        }
        continue;
      }
      const ok = [...names].some((n) => PROTOCOLS.some((p) => portProtoHash(n, p) === hash));
      if (!ok) {
        problems.push(`${table}: ${chain} matches no service port named in its rules`);
      }
    }
  }
  return problems;
}
