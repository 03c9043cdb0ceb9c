import { describe, expect, it } from 'vitest';
import type {
  AddressMatch,
  Chain,
  Counters,
  IpSet,
  L4Protocol,
  MatchModule,
  Rule,
  TableName,
  Tables,
  Target,
} from '../model';
import { BUILTIN_CHAINS, MASQ_MARK } from '../model';
import { Rng } from '../../sim/rng';
import type { CtState } from './conntrack';
import { Conntrack, conntrackList } from './conntrack';
import type { EvalEnv, Hook, PassEnv, RouteDecision, Step } from './evaluate';
import {
  RecentLists,
  describeStep,
  ipsetTester,
  kernelProbability,
  natPass,
  statisticThreshold,
  traverse,
} from './evaluate';
import type { Packet } from './packet';
import { cidrContains } from './packet';

// ---------------------------------------------------------------------------------------------
// Building tables by hand

const T0 = 1_717_401_600_000;
const S = 1000;

interface RuleSpec {
  s?: string;
  d?: string;
  p?: L4Protocol;
  m?: MatchModule[];
  j?: Target;
}

/** `-s`/`-d` written as in iptables: a leading `!` negates. */
function addr(a: string): AddressMatch {
  return a.startsWith('!') ? { cidr: a.slice(1).trim(), negate: true } : { cidr: a };
}

function rule(spec: RuleSpec): Rule {
  const r: Rule = { matches: spec.m ?? [] };
  if (spec.s) r.src = addr(spec.s);
  if (spec.d) r.dst = addr(spec.d);
  if (spec.p) r.proto = spec.p;
  if (spec.j) r.target = spec.j;
  return r;
}

const cmt = (comment: string): MatchModule => ({ m: 'comment', comment });
const tcp = (dport?: number): MatchModule =>
  dport === undefined ? { m: 'tcp' } : { m: 'tcp', dport };
const jump = (chain: string): Target => ({ j: 'chain', chain });
const ctstate = (...s: string[]): MatchModule => ({ m: 'conntrack', ctstate: s });
const ACCEPT: Target = { j: 'ACCEPT' };

type TableSpec = Partial<Record<TableName, Record<string, Rule[]>>>;

/** Built-in chains first (in iptables-save order), then the user chains in the order given. */
function makeTables(spec: TableSpec): Tables {
  const make = (name: TableName) => {
    const chains = new Map<string, Chain>();
    const given = spec[name] ?? {};
    for (const b of BUILTIN_CHAINS[name]) chains.set(b, { name: b, rules: given[b] ?? [] });
    for (const [c, rules] of Object.entries(given)) {
      if (!chains.has(c)) chains.set(c, { name: c, rules });
    }
    return { name, chains };
  };
  return { raw: make('raw'), mangle: make('mangle'), nat: make('nat'), filter: make('filter') };
}

// ---------------------------------------------------------------------------------------------
// A hand-written copy of kube-proxy's iptables-mode rules on node1 (v1.30 shapes, k8s-reference §1)
//
// node1: eth0 192.168.100.11, cni0 10.244.1.1, pod CIDR 10.244.1.0/24, cluster CIDR 10.244.0.0/16.
// default/web  ClusterIP 10.96.12.7:80, NodePort 30080, endpoints 10.244.1.5, 10.244.2.5, 10.244.2.6
// default/sticky ClusterIP 10.96.20.20:80, ClientIP affinity 10800 s, endpoints 10.244.1.7, 10.244.2.7
// default/empty  ClusterIP 10.96.50.50:80, no endpoints

const NODE_IP = '192.168.100.11';
const CNI_IP = '10.244.1.1';
const WEB = '10.96.12.7';
const STICKY = '10.96.20.20';
const EMPTY = '10.96.50.50';
const WEB_EPS = ['10.244.1.5', '10.244.2.5', '10.244.2.6'];
const STICKY_EPS = ['10.244.1.7', '10.244.2.7'];
const sep = (ip: string) => `KUBE-SEP-${ip.replace(/\./g, '')}`;

function sepChain(svc: string, ip: string, affinity: boolean): Rule[] {
  return [
    rule({ s: ip, m: [cmt(svc)], j: jump('KUBE-MARK-MASQ') }),
    rule({
      p: 'tcp',
      m: [
        cmt(svc),
        ...(affinity ? [{ m: 'recent', name: sep(ip), op: 'set' } as MatchModule] : []),
        tcp(),
      ],
      j: { j: 'DNAT', to: `${ip}:80` },
    }),
  ];
}

function kubeProxyTables(): Tables {
  const webSvc: Rule[] = [
    rule({
      s: '! 10.244.0.0/16',
      d: WEB,
      p: 'tcp',
      m: [cmt('default/web cluster IP'), tcp(80)],
      j: jump('KUBE-MARK-MASQ'),
    }),
    ...WEB_EPS.map((ip, i) =>
      rule({
        m: [
          cmt(`default/web -> ${ip}:80`),
          ...(i < WEB_EPS.length - 1
            ? [{ m: 'statistic', probability: 1 / (WEB_EPS.length - i) } as MatchModule]
            : []),
        ],
        j: jump(sep(ip)),
      }),
    ),
  ];
  const stickySvc: Rule[] = [
    rule({
      s: '! 10.244.0.0/16',
      d: STICKY,
      p: 'tcp',
      m: [cmt('default/sticky cluster IP'), tcp(80)],
      j: jump('KUBE-MARK-MASQ'),
    }),
    ...STICKY_EPS.map((ip) =>
      rule({
        m: [
          cmt(`default/sticky -> ${ip}:80`),
          { m: 'recent', name: sep(ip), op: 'rcheck', seconds: 10800, reap: true },
        ],
        j: jump(sep(ip)),
      }),
    ),
    rule({
      m: [cmt(`default/sticky -> ${STICKY_EPS[0]}:80`), { m: 'statistic', probability: 0.5 }],
      j: jump(sep(STICKY_EPS[0] as string)),
    }),
    rule({
      m: [cmt(`default/sticky -> ${STICKY_EPS[1]}:80`)],
      j: jump(sep(STICKY_EPS[1] as string)),
    }),
  ];
  const nat: Record<string, Rule[]> = {
    PREROUTING: [rule({ m: [cmt('kubernetes service portals')], j: jump('KUBE-SERVICES') })],
    OUTPUT: [rule({ m: [cmt('kubernetes service portals')], j: jump('KUBE-SERVICES') })],
    POSTROUTING: [rule({ m: [cmt('kubernetes postrouting rules')], j: jump('KUBE-POSTROUTING') })],
    'KUBE-MARK-MASQ': [rule({ j: { j: 'MARK', value: MASQ_MARK, mask: MASQ_MARK } })],
    'KUBE-NODEPORTS': [
      rule({ p: 'tcp', m: [cmt('default/web'), tcp(30080)], j: jump('KUBE-EXT-WEB') }),
    ],
    'KUBE-POSTROUTING': [
      rule({
        m: [{ m: 'mark', value: MASQ_MARK, mask: MASQ_MARK, negate: true }],
        j: { j: 'RETURN' },
      }),
      rule({ j: { j: 'MARK', value: MASQ_MARK, mask: 0 } }),
      rule({
        m: [cmt('kubernetes service traffic requiring SNAT')],
        j: { j: 'MASQUERADE', randomFully: true },
      }),
    ],
    'KUBE-SERVICES': [
      rule({
        d: WEB,
        p: 'tcp',
        m: [cmt('default/web cluster IP'), tcp(80)],
        j: jump('KUBE-SVC-WEB'),
      }),
      rule({
        d: STICKY,
        p: 'tcp',
        m: [cmt('default/sticky cluster IP'), tcp(80)],
        j: jump('KUBE-SVC-STICKY'),
      }),
      rule({
        m: [
          cmt('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
          { m: 'addrtype', dstType: 'LOCAL' },
        ],
        j: jump('KUBE-NODEPORTS'),
      }),
    ],
    'KUBE-EXT-WEB': [
      rule({
        m: [cmt('masquerade traffic for default/web external destinations')],
        j: jump('KUBE-MARK-MASQ'),
      }),
      rule({ j: jump('KUBE-SVC-WEB') }),
    ],
    'KUBE-SVC-WEB': webSvc,
    'KUBE-SVC-STICKY': stickySvc,
  };
  for (const ip of WEB_EPS) nat[sep(ip)] = sepChain('default/web', ip, false);
  for (const ip of STICKY_EPS) nat[sep(ip)] = sepChain('default/sticky', ip, true);

  const filter: Record<string, Rule[]> = {
    INPUT: [
      rule({
        m: [ctstate('NEW'), cmt('kubernetes load balancer firewall')],
        j: jump('KUBE-PROXY-FIREWALL'),
      }),
      rule({ m: [cmt('kubernetes health check service ports')], j: jump('KUBE-NODEPORTS') }),
      rule({
        m: [ctstate('NEW'), cmt('kubernetes externally-visible service portals')],
        j: jump('KUBE-EXTERNAL-SERVICES'),
      }),
      rule({ j: jump('KUBE-FIREWALL') }),
    ],
    FORWARD: [
      rule({
        m: [ctstate('NEW'), cmt('kubernetes load balancer firewall')],
        j: jump('KUBE-PROXY-FIREWALL'),
      }),
      rule({ m: [cmt('kubernetes forwarding rules')], j: jump('KUBE-FORWARD') }),
      rule({ m: [ctstate('NEW'), cmt('kubernetes service portals')], j: jump('KUBE-SERVICES') }),
      rule({
        m: [ctstate('NEW'), cmt('kubernetes externally-visible service portals')],
        j: jump('KUBE-EXTERNAL-SERVICES'),
      }),
    ],
    OUTPUT: [
      rule({
        m: [ctstate('NEW'), cmt('kubernetes load balancer firewall')],
        j: jump('KUBE-PROXY-FIREWALL'),
      }),
      rule({ m: [ctstate('NEW'), cmt('kubernetes service portals')], j: jump('KUBE-SERVICES') }),
      rule({ j: jump('KUBE-FIREWALL') }),
    ],
    'KUBE-EXTERNAL-SERVICES': [],
    'KUBE-FIREWALL': [
      rule({
        s: '! 127.0.0.0/8',
        d: '127.0.0.0/8',
        m: [
          cmt('block incoming localnet connections'),
          { m: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true },
        ],
        j: { j: 'DROP' },
      }),
    ],
    'KUBE-FORWARD': [
      rule({ m: [ctstate('INVALID')], j: { j: 'DROP' } }),
      rule({
        m: [cmt('kubernetes forwarding rules'), { m: 'mark', value: MASQ_MARK, mask: MASQ_MARK }],
        j: ACCEPT,
      }),
      rule({
        m: [cmt('kubernetes forwarding conntrack rule'), ctstate('RELATED', 'ESTABLISHED')],
        j: ACCEPT,
      }),
    ],
    'KUBE-NODEPORTS': [],
    'KUBE-PROXY-FIREWALL': [],
    'KUBE-SERVICES': [
      rule({
        d: EMPTY,
        p: 'tcp',
        m: [cmt('default/empty has no endpoints'), tcp(80)],
        j: { j: 'REJECT' },
      }),
    ],
  };
  return makeTables({ nat, filter });
}

const isLocal = (ip: string): boolean =>
  ip === NODE_IP || ip === CNI_IP || cidrContains('127.0.0.0/8', ip);

/** node1's routing table: local addresses, its pods behind cni0, the rest out of eth0. */
const route = (p: Packet): RouteDecision =>
  isLocal(p.dst)
    ? { local: true, outgoingAddress: cidrContains('127.0.0.0/8', p.dst) ? '127.0.0.1' : p.dst }
    : { local: false, outgoingAddress: cidrContains('10.244.1.0/24', p.dst) ? CNI_IP : NODE_IP };

function pkt(over: Partial<Packet> = {}): Packet {
  return {
    proto: 'tcp',
    src: '10.244.1.3',
    sport: 40512,
    dst: WEB,
    dport: 80,
    bytes: 60,
    mark: 0,
    ...over,
  };
}

interface Node {
  tables: Tables;
  conntrack: Conntrack;
  env: PassEnv & { counters: WeakMap<Rule, Counters>; policyCounters: Map<string, Counters> };
  rng: Rng;
}

function node1(seed = 1): Node {
  const rng = new Rng(seed);
  return {
    tables: kubeProxyTables(),
    conntrack: new Conntrack(),
    rng,
    env: {
      now: T0,
      random: () => rng.float(),
      isLocalAddress: isLocal,
      recent: new RecentLists(),
      counters: new WeakMap(),
      policyCounters: new Map(),
    },
  };
}

function send(n: Node, packet: Packet, origin: 'local' | 'incoming' = 'incoming') {
  return natPass({ tables: n.tables, conntrack: n.conntrack, packet, origin, env: n.env, route });
}

const text = (steps: Step[]): string[] => steps.map(describeStep);

/** A NEW packet through node1's filter FORWARD that no rule stops. */
const FORWARD_NEW = [
  'filter FORWARD #1 → KUBE-PROXY-FIREWALL',
  'filter FORWARD #2 → KUBE-FORWARD',
  'filter FORWARD #3 → KUBE-SERVICES',
  'filter FORWARD #4 → KUBE-EXTERNAL-SERVICES',
  'filter FORWARD policy ACCEPT',
];

// ---------------------------------------------------------------------------------------------
// Single-rule evaluation

function env(over: Partial<EvalEnv> = {}): EvalEnv {
  return {
    now: T0,
    random: () => 0,
    isLocalAddress: isLocal,
    ctstate: ['NEW'],
    recent: new RecentLists(),
    ...over,
  };
}

/** Whether a lone `… -j ACCEPT` rule in filter OUTPUT matches the packet. */
function matches(r: RuleSpec, p: Packet, e: Partial<EvalEnv> = {}): boolean {
  const tables = makeTables({ filter: { OUTPUT: [rule({ ...r, j: ACCEPT })] } });
  const t = traverse(tables, 'filter', 'OUTPUT', p, env(e));
  return t.steps[0]?.effect.kind === 'verdict';
}

const PHYSDEV_IN: MatchModule = { m: 'physdev', isIn: true };
const NOT_PHYSDEV_IN: MatchModule = { m: 'physdev', isIn: true, negate: true };

describe('traverse: matches', () => {
  const ESTABLISHED: readonly CtState[] = ['ESTABLISHED'];
  const cases: Array<[string, RuleSpec, Partial<Packet>, Partial<EvalEnv>, boolean]> = [
    ['-s CIDR hit', { s: '10.244.0.0/16' }, {}, {}, true],
    ['-s CIDR miss', { s: '10.245.0.0/16' }, {}, {}, false],
    ['! -s CIDR on a pod', { s: '! 10.244.0.0/16' }, {}, {}, false],
    ['! -s CIDR on the node', { s: '! 10.244.0.0/16' }, { src: NODE_IP }, {}, true],
    ['-d address (a /32)', { d: WEB }, {}, {}, true],
    ['-d other address', { d: '10.96.12.8' }, {}, {}, false],
    ['! -d 127.0.0.0/8', { d: '! 127.0.0.0/8' }, { dst: '127.0.0.1' }, {}, false],
    ['-p tcp on tcp', { p: 'tcp' }, {}, {}, true],
    ['-p udp on tcp', { p: 'udp' }, {}, {}, false],
    ['-m tcp --dport 80', { p: 'tcp', m: [tcp(80)] }, {}, {}, true],
    ['-m tcp --dport 443', { p: 'tcp', m: [tcp(443)] }, {}, {}, false],
    ['-m tcp on a udp packet', { m: [tcp()] }, { proto: 'udp' }, {}, false],
    ['-m udp --dport 53', { m: [{ m: 'udp', dport: 53 }] }, { proto: 'udp', dport: 53 }, {}, true],
    ['-m comment', { m: [cmt('anything')] }, {}, {}, true],
    [
      'addrtype dst LOCAL, node IP',
      { m: [{ m: 'addrtype', dstType: 'LOCAL' }] },
      { dst: NODE_IP },
      {},
      true,
    ],
    ['addrtype dst LOCAL, ClusterIP', { m: [{ m: 'addrtype', dstType: 'LOCAL' }] }, {}, {}, false],
    [
      'addrtype ! dst LOCAL',
      { m: [{ m: 'addrtype', dstType: 'LOCAL', negate: true }] },
      {},
      {},
      true,
    ],
    ['addrtype src LOCAL, pod', { m: [{ m: 'addrtype', srcType: 'LOCAL' }] }, {}, {}, false],
    [
      'addrtype src LOCAL, node',
      { m: [{ m: 'addrtype', srcType: 'LOCAL' }] },
      { src: NODE_IP },
      {},
      true,
    ],
    [
      'mark 0x4000/0x4000 set',
      { m: [{ m: 'mark', value: 0x4000, mask: 0x4000 }] },
      { mark: 0x4001 },
      {},
      true,
    ],
    [
      'mark 0x4000/0x4000 unset',
      { m: [{ m: 'mark', value: 0x4000, mask: 0x4000 }] },
      { mark: 0x1 },
      {},
      false,
    ],
    [
      '! mark, unset',
      { m: [{ m: 'mark', value: 0x4000, mask: 0x4000, negate: true }] },
      {},
      {},
      true,
    ],
    [
      'mark with a high bit',
      { m: [{ m: 'mark', value: 0x80000000, mask: 0x80000000 }] },
      { mark: 0x80000000 },
      {},
      true,
    ],
    ['ctstate NEW on NEW', { m: [ctstate('NEW')] }, {}, {}, true],
    ['ctstate NEW on ESTABLISHED', { m: [ctstate('NEW')] }, {}, { ctstate: ESTABLISHED }, false],
    [
      'ctstate RELATED,ESTABLISHED',
      { m: [ctstate('RELATED', 'ESTABLISHED')] },
      {},
      { ctstate: ESTABLISHED },
      true,
    ],
    ['ctstate DNAT', { m: [ctstate('DNAT')] }, {}, { ctstate: ['NEW', 'DNAT'] }, true],
    [
      '! ctstate R,E,DNAT on NEW',
      { m: [{ m: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true }] },
      {},
      {},
      true,
    ],
    [
      '! ctstate R,E,DNAT on DNAT',
      { m: [{ m: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true }] },
      {},
      { ctstate: ['NEW', 'DNAT'] },
      false,
    ],
    ['physdev-is-in, from a pod over cni0', { m: [PHYSDEV_IN] }, {}, { physdevIsIn: true }, true],
    ['physdev-is-in, from eth0', { m: [PHYSDEV_IN] }, {}, { physdevIsIn: false }, false],
    ['physdev-is-in, not said (the node itself)', { m: [PHYSDEV_IN] }, {}, {}, false],
    [
      '! physdev-is-in, from a pod over cni0',
      { m: [NOT_PHYSDEV_IN] },
      {},
      { physdevIsIn: true },
      false,
    ],
    ['! physdev-is-in, from eth0', { m: [NOT_PHYSDEV_IN] }, {}, { physdevIsIn: false }, true],
    ['! physdev-is-in, not said (the node itself)', { m: [NOT_PHYSDEV_IN] }, {}, {}, true],
    ['state NEW', { m: [{ m: 'state', state: ['NEW'] }] }, {}, {}, true],
    ['state ESTABLISHED on NEW', { m: [{ m: 'state', state: ['ESTABLISHED'] }] }, {}, {}, false],
    [
      'all of several matches',
      { s: '10.244.1.0/24', d: WEB, p: 'tcp', m: [cmt('x'), tcp(80)] },
      {},
      {},
      true,
    ],
    [
      'one of several fails',
      { s: '10.244.1.0/24', d: WEB, p: 'tcp', m: [cmt('x'), tcp(81)] },
      {},
      {},
      false,
    ],
  ];
  it.each(cases)('%s', (_name, r, p, e, want) => {
    expect(matches(r, pkt(p), e)).toBe(want);
  });

  it('-m set picks each dimension from the packet by its flags', () => {
    const sets = new Map<string, IpSet>(
      (
        [
          ['KUBE-CLUSTER-IP', 'hash:ip,port', ['10.96.12.7,tcp:80']],
          ['KUBE-LOOP-BACK', 'hash:ip,port,ip', ['10.244.1.5,tcp:80,10.244.1.5']],
          ['KUBE-NODE-PORT-TCP', 'bitmap:port', ['30080']],
          ['KUBE-LOAD-BALANCER-SOURCE-CIDR', 'hash:ip,port,net', ['5.6.7.8,tcp:80,203.0.113.0/25']],
          ['KUBE-IPS', 'hash:ip', ['10.244.1.3']],
          ['KUBE-NETS', 'hash:net', ['10.244.0.0/16']],
        ] as const
      ).map(([name, type, entries]) => [name, { name, type, comment: '', entries: [...entries] }]),
    );
    const e = { ipset: ipsetTester(sets) };
    const set = (name: string, flags: Array<'src' | 'dst'>, negate = false): RuleSpec => ({
      m: [{ m: 'set', set: name, flags, ...(negate ? { negate } : {}) }],
    });
    expect(matches(set('KUBE-CLUSTER-IP', ['dst', 'dst']), pkt(), e)).toBe(true);
    expect(matches(set('KUBE-CLUSTER-IP', ['dst', 'dst']), pkt({ dport: 81 }), e)).toBe(false);
    expect(matches(set('KUBE-CLUSTER-IP', ['dst', 'dst'], true), pkt(), e)).toBe(false);
    const hairpin = pkt({ src: '10.244.1.5', dst: '10.244.1.5' });
    expect(matches(set('KUBE-LOOP-BACK', ['dst', 'dst', 'src']), hairpin, e)).toBe(true);
    expect(
      matches(set('KUBE-LOOP-BACK', ['dst', 'dst', 'src']), pkt({ dst: '10.244.1.5' }), e),
    ).toBe(false);
    expect(matches(set('KUBE-NODE-PORT-TCP', ['dst']), pkt({ dport: 30080 }), e)).toBe(true);
    const lb = pkt({ src: '203.0.113.9', dst: '5.6.7.8' });
    expect(matches(set('KUBE-LOAD-BALANCER-SOURCE-CIDR', ['dst', 'dst', 'src']), lb, e)).toBe(true);
    expect(
      matches(
        set('KUBE-LOAD-BALANCER-SOURCE-CIDR', ['dst', 'dst', 'src']),
        { ...lb, src: '203.0.113.200' },
        e,
      ),
    ).toBe(false);
    expect(matches(set('KUBE-IPS', ['src']), pkt(), e)).toBe(true);
    expect(matches(set('KUBE-NETS', ['src']), pkt(), e)).toBe(true);
    expect(() => matches(set('NOPE', ['src']), pkt(), e)).toThrow("Set NOPE doesn't exist.");
    expect(() => matches(set('KUBE-IPS', ['src']), pkt())).toThrow('no ipsets on this node');
  });
});

describe('traverse: -m statistic uses the probability the kernel stores', () => {
  it('rounds as kube-proxy writes and the kernel parses (k8s-reference §1.4)', () => {
    expect(statisticThreshold(1 / 3)).toBe(715827883);
    expect(statisticThreshold(0.5)).toBe(0x40000000);
    const shown = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => kernelProbability(1 / k).toFixed(11));
    expect(shown).toEqual([
      '0.50000000000',
      '0.33333333349',
      '0.25000000000',
      '0.20000000019',
      '0.16666666651',
      '0.14285714272',
      '0.12500000000',
      '0.11111111101',
      '0.10000000009',
    ]);
  });

  it('matches when the 31-bit draw is below the threshold', () => {
    const r: RuleSpec = { m: [{ m: 'statistic', probability: 1 / 3 }] };
    const at = (x: number) => matches(r, pkt(), { random: () => x / 0x80000000 });
    expect(at(715827882)).toBe(true);
    expect(at(715827883)).toBe(false);
    expect(at(0)).toBe(true);
  });

  it('draws only when the matches before it held', () => {
    let draws = 0;
    const tables = makeTables({
      filter: {
        OUTPUT: [
          rule({ d: '10.1.1.1', m: [{ m: 'statistic', probability: 0.5 }], j: ACCEPT }),
          rule({
            m: [
              { m: 'statistic', probability: 0.5 },
              { m: 'tcp', dport: 1 },
            ],
            j: ACCEPT,
          }),
        ],
      },
    });
    traverse(tables, 'filter', 'OUTPUT', pkt(), env({ random: () => (draws++, 0.9) }));
    expect(draws).toBe(1);
  });
});

describe('traverse: targets', () => {
  it('jumps, RETURNs, falls off user chains, and ends with the policy', () => {
    const tables = makeTables({
      filter: {
        OUTPUT: [
          rule({ j: jump('A') }),
          rule({ m: [cmt('after A')] }),
          rule({ j: { j: 'RETURN' } }),
          rule({ j: { j: 'DROP' } }),
        ],
        A: [rule({ j: jump('B') }), rule({ m: [cmt('end of A')] })],
        B: [rule({ j: { j: 'RETURN' } }), rule({ j: { j: 'DROP' } })],
      },
    });
    const t = traverse(tables, 'filter', 'OUTPUT', pkt(), env());
    expect(t.verdict).toBe('ACCEPT');
    expect(text(t.steps)).toEqual([
      'filter OUTPUT #1 → A',
      'filter A #1 → B',
      'filter B #1 RETURN',
      'filter A #2 (no target)',
      'filter OUTPUT #2 (no target)',
      'filter OUTPUT #3 RETURN',
      'filter OUTPUT policy ACCEPT',
    ]);
    expect(t.steps.map((s) => [s.chain, s.index])).toEqual([
      ['OUTPUT', 1],
      ['A', 1],
      ['B', 1],
      ['A', 2],
      ['OUTPUT', 2],
      ['OUTPUT', 3],
      ['OUTPUT', 0],
    ]);
    expect(t.steps[6]?.rule).toBe(null);
  });

  it('ACCEPT inside a user chain ends the whole table; DROP and REJECT are verdicts', () => {
    const tables = makeTables({
      filter: {
        OUTPUT: [rule({ j: jump('A') }), rule({ j: { j: 'DROP' } })],
        INPUT: [rule({ p: 'udp', j: { j: 'REJECT' } }), rule({ j: { j: 'DROP' } })],
        A: [rule({ j: ACCEPT })],
      },
    });
    expect(traverse(tables, 'filter', 'OUTPUT', pkt(), env()).verdict).toBe('ACCEPT');
    expect(traverse(tables, 'filter', 'INPUT', pkt(), env()).verdict).toBe('DROP');
    expect(traverse(tables, 'filter', 'INPUT', pkt({ proto: 'udp' }), env()).verdict).toBe(
      'REJECT',
    );
  });

  it('MARK --set-xmark is not terminal: or-mark and xor-mark', () => {
    const tables = makeTables({
      nat: {
        POSTROUTING: [
          rule({ j: { j: 'MARK', value: 0x4000, mask: 0x4000 } }),
          rule({
            m: [{ m: 'mark', value: 0x4000, mask: 0x4000 }],
            j: { j: 'MARK', value: 0x4000, mask: 0 },
          }),
          rule({ j: { j: 'MARK', value: 0x10, mask: 0xff } }),
        ],
      },
    });
    const t = traverse(tables, 'nat', 'POSTROUTING', pkt({ mark: 0x80000001 }), env());
    expect(t.steps.map((s) => s.effect)).toEqual([
      { kind: 'mark', mark: 0x80004001 },
      { kind: 'mark', mark: 0x80000001 },
      { kind: 'mark', mark: 0x80000010 },
      { kind: 'policy', verdict: 'ACCEPT' },
    ]);
    expect([t.mark, t.packet.mark]).toEqual([0x80000010, 0x80000010]);
  });

  it('DNAT rewrites the destination and ends the table; an address alone keeps the port', () => {
    const tables = makeTables({
      nat: {
        PREROUTING: [
          rule({ d: '10.96.0.1', j: { j: 'DNAT', to: '192.168.100.10:6443' } }),
          rule({ d: '10.96.0.2', j: { j: 'DNAT', to: '10.244.2.9' } }),
          rule({ d: '10.96.0.3', j: { j: 'DNAT', to: '10.244.2.1-10.244.2.9:8080-8090' } }),
          rule({ j: { j: 'DROP' } }),
        ],
      },
    });
    const go = (dst: string) =>
      traverse(tables, 'nat', 'PREROUTING', pkt({ dst, dport: 443 }), env());
    const a = go('10.96.0.1');
    expect([a.verdict, a.packet.dst, a.packet.dport, a.dnat]).toEqual([
      'ACCEPT',
      '192.168.100.10',
      6443,
      { ip: '192.168.100.10', port: 6443 },
    ]);
    expect(a.packet.src).toBe('10.244.1.3');
    expect(go('10.96.0.2').packet).toMatchObject({ dst: '10.244.2.9', dport: 443 });
    expect(go('10.96.0.3').packet).toMatchObject({ dst: '10.244.2.1', dport: 8080 });
  });

  it('REDIRECT: incoming to the interface address, local to 127.0.0.1, no address drops', () => {
    const tables = makeTables({
      nat: {
        PREROUTING: [rule({ j: { j: 'REDIRECT', toPorts: 36123 } })],
        OUTPUT: [rule({ j: { j: 'REDIRECT', toPorts: 36123 } })],
      },
    });
    const pre = traverse(tables, 'nat', 'PREROUTING', pkt(), env({ redirectAddress: CNI_IP }));
    expect([pre.verdict, pre.packet.dst, pre.packet.dport]).toEqual(['ACCEPT', CNI_IP, 36123]);
    expect(pre.steps[0]?.effect).toEqual({ kind: 'redirect', ip: CNI_IP, port: 36123 });
    const out = traverse(tables, 'nat', 'OUTPUT', pkt(), env({ redirectAddress: CNI_IP }));
    expect(out.packet.dst).toBe('127.0.0.1');
    expect(traverse(tables, 'nat', 'PREROUTING', pkt(), env()).verdict).toBe('DROP');
  });

  it('MASQUERADE records the outgoing address (applied by the caller); none drops', () => {
    const tables = makeTables({
      nat: { POSTROUTING: [rule({ j: { j: 'MASQUERADE' } }), rule({ j: { j: 'DROP' } })] },
    });
    const t = traverse(tables, 'nat', 'POSTROUTING', pkt(), env({ outgoingAddress: NODE_IP }));
    expect([t.verdict, t.masquerade, t.packet.src]).toEqual([
      'ACCEPT',
      { address: NODE_IP, randomFully: false },
      '10.244.1.3',
    ]);
    expect(traverse(tables, 'nat', 'POSTROUTING', pkt(), env()).verdict).toBe('DROP');
  });

  it('refuses what iptables-restore would refuse', () => {
    const bad = (spec: TableSpec, table: TableName, hook: Hook) => () =>
      traverse(makeTables(spec), table, hook, pkt(), env({ outgoingAddress: NODE_IP }));
    expect(
      bad(
        { nat: { POSTROUTING: [rule({ j: { j: 'DNAT', to: '1.2.3.4:5' } })] } },
        'nat',
        'POSTROUTING',
      ),
    ).toThrow('DNAT target: used from nat POSTROUTING, but only usable from nat PREROUTING/OUTPUT');
    expect(bad({ nat: { OUTPUT: [rule({ j: { j: 'REJECT' } })] } }, 'nat', 'OUTPUT')).toThrow(
      'REJECT target: used from nat OUTPUT',
    );
    expect(bad({ filter: { OUTPUT: [rule({ j: jump('NOPE') })] } }, 'filter', 'OUTPUT')).toThrow(
      'chain NOPE does not exist in filter',
    );
    expect(
      bad(
        { filter: { OUTPUT: [rule({ j: jump('L') })], L: [rule({ j: jump('L') })] } },
        'filter',
        'OUTPUT',
      ),
    ).toThrow('too many levels of jumps');
    expect(bad({}, 'filter', 'PREROUTING')).toThrow(
      'table filter has no built-in chain PREROUTING',
    );
  });

  it('counts packets and bytes of every matched rule and of the policy', () => {
    const n = node1();
    const tables = n.tables;
    const e = { ...n.env, ctstate: ['NEW'] as CtState[] };
    traverse(tables, 'filter', 'OUTPUT', pkt({ bytes: 60 }), e);
    traverse(tables, 'filter', 'OUTPUT', pkt({ bytes: 1500 }), e);
    traverse(tables, 'filter', 'OUTPUT', pkt({ bytes: 40 }), { ...e, ctstate: ['ESTABLISHED'] });
    const output = tables.filter.chains.get('OUTPUT')?.rules ?? [];
    expect(output.map((r) => e.counters.get(r))).toEqual([
      { packets: 2, bytes: 1560 },
      { packets: 2, bytes: 1560 },
      { packets: 3, bytes: 1600 },
    ]);
    const empty = tables.filter.chains.get('KUBE-SERVICES')?.rules[0] as Rule;
    expect(e.counters.get(empty)).toBe(undefined);
    expect(e.policyCounters.get('filter/OUTPUT')).toEqual({ packets: 3, bytes: 1600 });
  });
});

describe('RecentLists (xt_recent)', () => {
  it('rcheck matches within --seconds of the last --set, inclusive', () => {
    const r = new RecentLists();
    expect(r.check('L', '10.244.1.3', T0, 10, false)).toBe(false);
    r.set('L', '10.244.1.3', T0);
    expect(r.check('L', '10.244.1.3', T0 + 10 * S, 10, false)).toBe(true);
    expect(r.check('L', '10.244.1.3', T0 + 10 * S + 1, 10, false)).toBe(false);
    expect(r.check('L', '10.244.1.4', T0, 10, false)).toBe(false);
    expect(r.check('M', '10.244.1.3', T0, 10, false)).toBe(false);
    r.set('L', '10.244.1.3', T0 + 5 * S);
    expect(r.check('L', '10.244.1.3', T0 + 15 * S, 10, false)).toBe(true);
    expect(r.entries('L')).toEqual([{ addr: '10.244.1.3', stamps: [T0, T0 + 5 * S] }]);
  });

  it('--reap removes the least recently set entry when it has expired, never the one checked', () => {
    const r = new RecentLists();
    r.set('L', 'a', T0);
    r.set('L', 'b', T0 + 100 * S);
    expect(r.check('L', 'a', T0 + 50 * S, 10, true)).toBe(false);
    expect(r.entries('L').map((e) => e.addr)).toEqual(['a', 'b']);
    expect(r.check('L', 'b', T0 + 105 * S, 10, true)).toBe(true);
    expect(r.entries('L').map((e) => e.addr)).toEqual(['b']);
  });

  it('keeps 20 stamps per address and 100 addresses per list', () => {
    const r = new RecentLists();
    for (let i = 0; i < 25; i++) r.set('L', 'a', T0 + i);
    expect(r.entries('L')[0]?.stamps).toHaveLength(20);
    for (let i = 0; i < 100; i++) r.set('L', `10.0.0.${i}`, T0 + 100 + i);
    const addrs = r.entries('L').map((e) => e.addr);
    expect(addrs).toHaveLength(100);
    expect(addrs[0]).toBe('10.0.0.0');
    expect(addrs.includes('a')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// kube-proxy's rules, packet by packet

describe('natPass over kube-proxy rules', () => {
  it('a pod reaching a ClusterIP: DNAT to an endpoint, no SNAT, a conntrack entry', () => {
    const n = node1();
    const r = send(n, pkt());
    expect(r.verdict).toBe('ACCEPT');
    expect(r.hooks).toEqual(['PREROUTING', 'FORWARD', 'POSTROUTING']);
    expect(r.connection).toBe('new');
    const ep = r.packet.dst;
    const chosen = WEB_EPS.indexOf(ep);
    expect(chosen).toBeGreaterThanOrEqual(0);
    expect(r.packet).toEqual(pkt({ dst: ep }));
    expect(text(r.steps)).toEqual([
      'nat PREROUTING #1 → KUBE-SERVICES',
      'nat KUBE-SERVICES #1 → KUBE-SVC-WEB',
      `nat KUBE-SVC-WEB #${chosen + 2} → ${sep(ep)}`,
      `nat ${sep(ep)} #2 DNAT → ${ep}:80`,
      ...FORWARD_NEW,
      'nat POSTROUTING #1 → KUBE-POSTROUTING',
      'nat KUBE-POSTROUTING #1 RETURN',
      'nat POSTROUTING policy ACCEPT',
    ]);
    expect(r.entry?.reply).toEqual({
      proto: 'tcp',
      src: ep,
      sport: 80,
      dst: '10.244.1.3',
      dport: 40512,
    });
  });

  it('the 2nd packet skips the nat table and follows the first DNAT; replies are un-NATed', () => {
    const n = node1(7);
    const first = send(n, pkt());
    const ep = first.packet.dst;
    // Whatever the rng would say now, conntrack decides.
    n.env.random = () => 0.999999;
    const second = send(n, pkt({ bytes: 1500 }));
    expect(second.connection).toBe('original');
    expect(second.packet).toEqual(pkt({ dst: ep, bytes: 1500 }));
    expect(second.conntrackNat).toEqual({ dst: { ip: ep, port: 80 } });
    expect(second.steps.filter((s) => s.table === 'nat')).toEqual([]);
    // No reply yet: ctstate is still NEW, so the filter table's NEW rules are entered again.
    expect(text(second.steps)).toEqual(FORWARD_NEW);

    const reply = send(n, {
      proto: 'tcp',
      src: ep,
      sport: 80,
      dst: '10.244.1.3',
      dport: 40512,
      bytes: 60,
      mark: 0,
    });
    expect(reply.connection).toBe('reply');
    expect(reply.packet).toMatchObject({ src: WEB, sport: 80, dst: '10.244.1.3', dport: 40512 });
    expect(text(reply.steps)).toEqual([
      'filter FORWARD #2 → KUBE-FORWARD',
      'filter KUBE-FORWARD #3 ACCEPT',
    ]);
    expect(reply.conntrackNat).toEqual({ src: { ip: WEB, port: 80 } });
    expect(reply.entry?.tcpState).toBe('ESTABLISHED');
    const third = send(n, pkt());
    expect(text(third.steps)).toEqual([
      'filter FORWARD #2 → KUBE-FORWARD',
      'filter KUBE-FORWARD #3 ACCEPT',
    ]);
    expect(conntrackList(n.conntrack, T0).stdout).toBe(
      `tcp      6 431999 ESTABLISHED src=10.244.1.3 dst=${WEB} sport=40512 dport=80 ` +
        `src=${ep} dst=10.244.1.3 sport=80 dport=40512 [ASSURED] mark=0 use=1\n`,
    );
  });

  it('30,000 first packets split evenly over the 3-endpoint cascade (1/3 ± 2% each)', () => {
    const n = node1(20240603);
    const counts = new Map<string, number>();
    const N = 30_000;
    let known = 0;
    for (let i = 0; i < N; i++) {
      const src = `10.244.1.${2 + (i % 200)}`;
      const r = send(n, pkt({ src, sport: 10_000 + Math.floor(i / 200) }));
      if (r.connection !== 'new') known++;
      counts.set(r.packet.dst, (counts.get(r.packet.dst) ?? 0) + 1);
    }
    expect(known).toBe(0);
    expect([...counts.keys()].sort()).toEqual([...WEB_EPS].sort());
    for (const ep of WEB_EPS) {
      expect(Math.abs((counts.get(ep) ?? 0) / N - 1 / 3)).toBeLessThan(0.02);
    }
    expect(n.conntrack.entries(T0)).toHaveLength(N);
    // The cascade's rule counters tell the same story: the first rule saw every packet.
    const svc = n.tables.nat.chains.get('KUBE-SVC-WEB')?.rules ?? [];
    const sepCounts = svc.slice(1).map((r) => n.env.counters.get(r)?.packets);
    expect(sepCounts).toEqual(WEB_EPS.map((ep) => counts.get(ep)));
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const n = node1(seed);
      return Array.from({ length: 50 }, (_, i) => send(n, pkt({ sport: 20_000 + i })).packet.dst);
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('sessionAffinity ClientIP sticks for the timeout after the last connection, then expires', () => {
    const n = node1(11);
    const at = (t: number, sport: number) => {
      n.env.now = t;
      return send(n, pkt({ dst: STICKY, sport }));
    };
    const first = at(T0, 30_000);
    const ep = first.packet.dst;
    expect(STICKY_EPS).toContain(ep);
    expect(text(first.steps)).toContain(`nat ${sep(ep)} #2 DNAT → ${ep}:80`);
    expect(n.env.recent.entries(sep(ep))).toEqual([{ addr: '10.244.1.3', stamps: [T0] }]);
    // 100 new connections over the next hours all land on the same endpoint through rcheck.
    for (let i = 1; i <= 100; i++) {
      const r = at(T0 + i * 100 * S, 30_000 + i);
      expect(r.packet.dst).toBe(ep);
      expect(text(r.steps)[2]).toBe(
        `nat KUBE-SVC-STICKY #${2 + STICKY_EPS.indexOf(ep)} → ${sep(ep)}`,
      );
    }
    // Exactly 10800 s after the last --set it still sticks (and refreshes).
    const last = T0 + 100 * 100 * S;
    expect(at(last + 10800 * S, 31_000).packet.dst).toBe(ep);
    // 10800 s + 1 ms after: the rcheck fails and the statistic rules choose again.
    const later = at(last + 2 * 10800 * S + 1, 31_001);
    const viaStatistic = text(later.steps)[2];
    expect([
      `nat KUBE-SVC-STICKY #4 → ${sep(STICKY_EPS[0] as string)}`,
      `nat KUBE-SVC-STICKY #5 → ${sep(STICKY_EPS[1] as string)}`,
    ]).toContain(viaStatistic);
    // The expired entry is the one checked, so --reap leaves it; only another client's reaps it.
    expect(n.env.recent.entries(sep(ep)).map((e) => e.addr)).toEqual(['10.244.1.3']);
  });

  it('REJECTs a service without endpoints, from a pod (FORWARD) and from the node (OUTPUT); no entry', () => {
    const n = node1();
    const fromPod = send(n, pkt({ dst: EMPTY }));
    expect(fromPod.verdict).toBe('REJECT');
    expect(text(fromPod.steps)).toEqual([
      'nat PREROUTING #1 → KUBE-SERVICES',
      'nat PREROUTING policy ACCEPT',
      'filter FORWARD #1 → KUBE-PROXY-FIREWALL',
      'filter FORWARD #2 → KUBE-FORWARD',
      'filter FORWARD #3 → KUBE-SERVICES',
      'filter KUBE-SERVICES #1 REJECT',
    ]);
    expect(fromPod.hooks).toEqual(['PREROUTING', 'FORWARD']);
    const fromNode = send(n, pkt({ src: NODE_IP, dst: EMPTY }), 'local');
    expect(fromNode.verdict).toBe('REJECT');
    expect(text(fromNode.steps).slice(-2)).toEqual([
      'filter OUTPUT #2 → KUBE-SERVICES',
      'filter KUBE-SERVICES #1 REJECT',
    ]);
    expect(n.conntrack.entries(T0)).toEqual([]);
    const rejectRule = n.tables.filter.chains.get('KUBE-SERVICES')?.rules[0] as Rule;
    expect(n.env.counters.get(rejectRule)).toEqual({ packets: 2, bytes: 120 });
  });

  it('NodePort from outside: KUBE-NODEPORTS → KUBE-EXT marks, MASQUERADE to the node address', () => {
    const n = node1(5);
    const client = pkt({ src: '192.168.100.1', sport: 51000, dst: NODE_IP, dport: 30080 });
    const r = send(n, client);
    expect(r.verdict).toBe('ACCEPT');
    const ep = r.packet.dst;
    expect(WEB_EPS).toContain(ep);
    const t = text(r.steps);
    expect(t.slice(0, 6)).toEqual([
      'nat PREROUTING #1 → KUBE-SERVICES',
      'nat KUBE-SERVICES #3 → KUBE-NODEPORTS',
      'nat KUBE-NODEPORTS #1 → KUBE-EXT-WEB',
      'nat KUBE-EXT-WEB #1 → KUBE-MARK-MASQ',
      'nat KUBE-MARK-MASQ #1 MARK → 0x4000',
      'nat KUBE-EXT-WEB #2 → KUBE-SVC-WEB',
    ]);
    const outAddr = ep.startsWith('10.244.1.') ? CNI_IP : NODE_IP;
    expect(t.slice(-4)).toEqual([
      'filter KUBE-FORWARD #2 ACCEPT',
      'nat POSTROUTING #1 → KUBE-POSTROUTING',
      'nat KUBE-POSTROUTING #2 MARK → 0x0',
      `nat KUBE-POSTROUTING #3 MASQUERADE → ${outAddr}`,
    ]);
    // --random-fully: a random source port; the mark is cleared before leaving.
    expect(r.packet.src).toBe(outAddr);
    expect(r.packet.sport).toBeGreaterThanOrEqual(1024);
    expect(r.packet.mark).toBe(0);
    expect(r.entry).toMatchObject({ srcNat: true, dstNat: true });
    // The backend's reply goes back to the client, from the NodePort.
    const reply = send(n, {
      proto: 'tcp',
      src: ep,
      sport: 80,
      dst: outAddr,
      dport: r.packet.sport,
      bytes: 60,
      mark: 0,
    });
    expect(reply.connection).toBe('reply');
    expect(reply.hooks).toEqual(['PREROUTING', 'FORWARD', 'POSTROUTING']);
    expect(reply.packet).toMatchObject({
      src: NODE_IP,
      sport: 30080,
      dst: '192.168.100.1',
      dport: 51000,
    });
  });

  it('MASQUERADE only when marked: off-cluster source and hairpin yes, pod to pod no', () => {
    // The node itself (src not in the cluster CIDR) reaching a ClusterIP: KUBE-SVC marks it.
    const a = node1(2);
    const fromNode = send(a, pkt({ src: NODE_IP, sport: 33000 }), 'local');
    expect(fromNode.hooks).toEqual(['OUTPUT', 'POSTROUTING']);
    expect(text(fromNode.steps).slice(0, 4)).toEqual([
      'nat OUTPUT #1 → KUBE-SERVICES',
      'nat KUBE-SERVICES #1 → KUBE-SVC-WEB',
      'nat KUBE-SVC-WEB #1 → KUBE-MARK-MASQ',
      'nat KUBE-MARK-MASQ #1 MARK → 0x4000',
    ]);
    expect(text(fromNode.steps)).toContain(
      `nat KUBE-POSTROUTING #3 MASQUERADE → ${fromNode.packet.dst.startsWith('10.244.1.') ? CNI_IP : NODE_IP}`,
    );

    // Hairpin: pod 10.244.1.5 reaches the service and is sent to itself.
    const b = node1();
    b.env.random = () => 0; // the first statistic rule: 10.244.1.5
    const hairpin = send(b, pkt({ src: '10.244.1.5', sport: 41000 }));
    expect(hairpin.packet).toMatchObject({ dst: '10.244.1.5', src: CNI_IP, mark: 0 });
    expect(text(hairpin.steps)).toContain(`nat ${sep('10.244.1.5')} #1 → KUBE-MARK-MASQ`);

    // A pod to a pod on another node through the service keeps its source address.
    const c = node1();
    c.env.random = () => 0.99; // past both statistic rules: 10.244.2.6
    const plain = send(c, pkt({ sport: 42000 }));
    expect(plain.packet).toMatchObject({ src: '10.244.1.3', sport: 42000, dst: '10.244.2.6' });
    expect(plain.entry?.srcNat).toBe(false);
    expect(text(plain.steps).some((s) => s.includes('MASQUERADE'))).toBe(false);
  });

  it('a local process to a NodePort on its own node loops back through INPUT', () => {
    const n = node1(9);
    const r = send(n, pkt({ src: NODE_IP, sport: 45000, dst: '127.0.0.1', dport: 30080 }), 'local');
    // 127.0.0.1 is LOCAL: KUBE-NODEPORTS → KUBE-EXT marks and DNATs to an endpoint.
    expect(r.verdict).toBe('ACCEPT');
    expect(WEB_EPS).toContain(r.packet.dst);
    expect(r.hooks).toEqual(['OUTPUT', 'POSTROUTING']);
    // The node's own address to itself: delivered locally, KUBE-FIREWALL passes it.
    const local = send(n, pkt({ src: NODE_IP, sport: 45001, dst: NODE_IP, dport: 10250 }), 'local');
    expect(local.hooks).toEqual(['OUTPUT', 'POSTROUTING', 'PREROUTING', 'INPUT']);
    expect(local.verdict).toBe('ACCEPT');
    expect(text(local.steps).slice(-2)).toEqual([
      'filter INPUT #4 → KUBE-FIREWALL',
      'filter INPUT policy ACCEPT',
    ]);
    // Something else DNATed to 127.0.0.1 from outside is what KUBE-FIREWALL drops.
    const tables = n.tables;
    const e: EvalEnv = { ...n.env, ctstate: ['NEW'] };
    const t = traverse(tables, 'filter', 'INPUT', pkt({ src: '10.244.1.3', dst: '127.0.0.1' }), e);
    expect(t.verdict).toBe('DROP');
  });

  it('-m physdev ! --physdev-is-in at PREROUTING: the bridge-port flag of the pass decides', () => {
    // The userspace proxy's external-IP portal: from off the node REDIRECTed, from a pod not.
    const portal = rule({
      d: '192.168.100.200',
      p: 'tcp',
      m: [cmt('default/ext'), tcp(80), NOT_PHYSDEV_IN],
      j: { j: 'REDIRECT', toPorts: 40000 },
    });
    const tables = makeTables({ nat: { PREROUTING: [portal] } });
    const pass = (physdevIsIn: boolean, src: string, redirectAddress: string) =>
      natPass({
        tables,
        conntrack: new Conntrack(),
        packet: pkt({ src, dst: '192.168.100.200', dport: 80 }),
        origin: 'incoming',
        env: { ...node1().env, physdevIsIn, redirectAddress },
        route,
      });
    const laptop = pass(false, '192.168.100.50', NODE_IP);
    expect(text(laptop.steps)).toContain(`nat PREROUTING #1 REDIRECT → ${NODE_IP}:40000`);
    expect(laptop.packet).toMatchObject({ dst: NODE_IP, dport: 40000 });
    const fromPod = pass(true, '10.244.1.9', CNI_IP);
    expect(text(fromPod.steps).some((s) => s.includes('REDIRECT'))).toBe(false);
    expect(fromPod.packet).toMatchObject({ dst: '192.168.100.200', dport: 80 });
  });

  it('skips empty raw/mangle chains but walks them when they have rules', () => {
    const n = node1();
    const mangled = makeTables({
      mangle: { PREROUTING: [rule({ j: { j: 'MARK', value: 1, mask: 1 } })] },
    });
    n.tables.mangle = mangled.mangle;
    const r = send(n, pkt());
    expect(text(r.steps)[0]).toBe('mangle PREROUTING #1 MARK → 0x1');
    expect(r.steps[r.steps.length - 1]?.table).toBe('nat');
    expect(n.env.policyCounters.get('raw/PREROUTING')).toEqual({ packets: 1, bytes: 60 });
    expect(n.env.policyCounters.get('mangle/PREROUTING')).toEqual({ packets: 1, bytes: 60 });
  });
});

// ---------------------------------------------------------------------------------------------
// Long chains: the destination index must not change what a traversal does

describe('traverse: long chains walked through the destination index', () => {
  /** The kernel's way, written out plainly: every rule in order (no index). */
  function naive(tables: Tables, hook: Hook, p: Packet, random: () => number): string[] {
    const out: string[] = [];
    const walk = (name: string): 'continue' | 'stop' => {
      const rules = tables.filter.chains.get(name)?.rules ?? [];
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i]!;
        if (r.dst && cidrContains(r.dst.cidr, p.dst) === (r.dst.negate === true)) continue;
        let ok = true;
        for (const m of r.matches) {
          if (m.m === 'statistic') {
            ok = Math.floor(random() * 0x80000000) < statisticThreshold(m.probability);
            if (!ok) break;
          }
        }
        if (!ok) continue;
        const t = r.target;
        if (t?.j === 'chain') {
          out.push(`${name} #${i + 1} → ${t.chain}`);
          if (walk(t.chain) === 'stop') return 'stop';
        } else if (t?.j === 'RETURN') {
          out.push(`${name} #${i + 1} RETURN`);
          return 'continue';
        } else if (t?.j === 'ACCEPT') {
          out.push(`${name} #${i + 1} ACCEPT`);
          return 'stop';
        }
      }
      return 'continue';
    };
    if (walk(hook) === 'continue') out.push(`${hook} policy ACCEPT`);
    return out;
  }

  it('matches a plain rule-by-rule walk for 500 random packets over 120-rule chains', () => {
    const gen = new Rng(7);
    const ips = Array.from({ length: 30 }, (_, i) => `10.96.0.${i + 1}`);
    const pick = <T>(xs: readonly T[]): T => xs[gen.int(xs.length)]!;
    const randomRule = (allowJump: boolean): Rule => {
      const kind = gen.int(10);
      const d =
        kind < 6 ? pick(ips) : kind === 6 ? '10.96.0.0/28' : kind === 7 ? `! ${pick(ips)}` : '';
      const m: MatchModule[] = gen.int(3) === 0 ? [{ m: 'statistic', probability: 0.5 }] : [];
      const j: Target =
        allowJump && gen.int(4) === 0
          ? jump('SUB')
          : gen.int(5) === 0
            ? { j: 'RETURN' }
            : gen.int(8) === 0
              ? ACCEPT
              : jump('COUNT');
      return rule({ ...(d ? { d } : {}), m, j });
    };
    const tables = makeTables({
      filter: {
        OUTPUT: Array.from({ length: 120 }, () => randomRule(true)),
        SUB: Array.from({ length: 40 }, () => randomRule(false)),
        COUNT: [],
      },
    });
    for (let n = 0; n < 500; n++) {
      const p = pkt({ dst: gen.int(4) === 0 ? '10.96.0.200' : pick(ips) });
      const seed = gen.int(1_000_000);
      const a = new Rng(seed);
      const b = new Rng(seed);
      const got = traverse(tables, 'filter', 'OUTPUT', p, env({ random: () => a.float() }));
      const want = naive(tables, 'OUTPUT', p, () => b.float());
      expect(
        got.steps.filter((s) => s.chain !== 'COUNT').map((s) => describeStep(s).slice(7)),
      ).toEqual(want);
      // The same number of statistic draws: the index skips only rules whose -d cannot match.
      expect(a.float()).toBe(b.float());
    }
  });
});
