import { describe, expect, it } from 'vitest';
import { EPOCH_MS, utcMs } from '../../sim/clock';
import type { Counters, Rule, Tables } from '../model';
import {
  ctime,
  iptablesList,
  iptablesRules,
  iptablesSave,
  saveRule,
  saveString,
  savedProbability,
} from './iptables-save';
import { emptyTables, ensureChain } from './tables';

/** A small nat table: the kubernetes service, the nodeports rule, a SEP chain. */
function sample(): { tables: Tables; rules: Record<string, Rule> } {
  const t = emptyTables();
  const rules: Record<string, Rule> = {
    prerouting: {
      matches: [{ m: 'comment', comment: 'kubernetes service portals' }],
      target: { j: 'chain', chain: 'KUBE-SERVICES' },
    },
    capture: {
      dst: { cidr: '10.96.0.1' },
      proto: 'tcp',
      matches: [
        { m: 'comment', comment: 'default/kubernetes:https cluster IP' },
        { m: 'tcp', dport: 443 },
      ],
      target: { j: 'chain', chain: 'KUBE-SVC-NPX46M4PTMTKRN6Y' },
    },
    nodeports: {
      dst: { cidr: '127.0.0.0/8', negate: true },
      matches: [
        {
          m: 'comment',
          comment: 'kubernetes service nodeports; NOTE: this must be the last rule in this chain',
        },
        { m: 'addrtype', dstType: 'LOCAL' },
      ],
      target: { j: 'chain', chain: 'KUBE-NODEPORTS' },
    },
    masq: {
      matches: [{ m: 'comment', comment: 'kubernetes service traffic requiring SNAT' }],
      target: { j: 'MASQUERADE', randomFully: true },
    },
    dnat: {
      proto: 'tcp',
      matches: [{ m: 'comment', comment: 'default/web' }, { m: 'tcp' }],
      target: { j: 'DNAT', to: '10.244.1.5:80' },
    },
  };
  t.nat.chains.set('PREROUTING', { name: 'PREROUTING', rules: [rules.prerouting!] });
  t.nat.chains.set('OUTPUT', { name: 'OUTPUT', rules: [{ ...rules.prerouting! }] });
  t.nat.chains.set('KUBE-SERVICES', {
    name: 'KUBE-SERVICES',
    rules: [rules.capture!, rules.nodeports!],
  });
  t.nat.chains.set('KUBE-POSTROUTING', { name: 'KUBE-POSTROUTING', rules: [rules.masq!] });
  t.nat.chains.set('KUBE-SEP-X', { name: 'KUBE-SEP-X', rules: [rules.dnat!] });
  ensureChain(t.nat, 'KUBE-NODEPORTS');
  ensureChain(t.nat, 'KUBE-SVC-NPX46M4PTMTKRN6Y');
  return { tables: t, rules };
}

describe('numbers and strings as iptables prints them', () => {
  it('prints the kernel’s stored probability with 11 decimals (§1.4)', () => {
    expect([2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => savedProbability(1 / k))).toEqual([
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

  it('quotes a comment only when it has characters outside [A-Za-z0-9_-] (xtables_save_string)', () => {
    expect(saveString('plain-word_1')).toBe('plain-word_1');
    expect(saveString('ns/svc:port')).toBe('"ns/svc:port"');
    expect(saveString('with space')).toBe('"with space"');
    expect(saveString('say "hi" \\ it\'s')).toBe('"say \\"hi\\" \\\\ it\\\'s"');
  });

  it('formats the header date as ctime() does', () => {
    expect(ctime(EPOCH_MS)).toBe('Mon Jun  3 08:00:00 2024');
    expect(ctime(utcMs(2024, 12, 25, 23, 59, 7))).toBe('Wed Dec 25 23:59:07 2024');
  });

  it('canonicalises addresses, protocol and options (§1.5)', () => {
    expect(
      saveRule('KUBE-SVC-X', {
        src: { cidr: '10.244.7.7/16', negate: true },
        dst: { cidr: '10.96.0.1' },
        proto: 'tcp',
        matches: [
          { m: 'comment', comment: 'a b' },
          { m: 'tcp', dport: 443 },
        ],
        target: { j: 'chain', chain: 'KUBE-MARK-MASQ' },
      }),
    ).toBe(
      '-A KUBE-SVC-X ! -s 10.244.0.0/16 -d 10.96.0.1/32 -p tcp -m comment --comment "a b" -m tcp --dport 443 -j KUBE-MARK-MASQ',
    );
    expect(
      saveRule('C', {
        src: { cidr: '0.0.0.0/0' },
        matches: [{ m: 'conntrack', ctstate: ['ESTABLISHED', 'RELATED'], negate: true }],
        target: { j: 'MARK', value: 0x4000, mask: 0x4000 },
      }),
    ).toBe('-A C -m conntrack ! --ctstate RELATED,ESTABLISHED -j MARK --set-xmark 0x4000/0x4000');
    expect(
      saveRule('C', {
        matches: [{ m: 'set', set: 'KUBE-CLUSTER-IP', flags: ['dst', 'dst'] }],
        target: { j: 'REDIRECT', toPorts: 34567 },
      }),
    ).toBe('-A C -m set --match-set KUBE-CLUSTER-IP dst,dst -j REDIRECT --to-ports 34567');
    // The userspace proxy's external-IP portal, in iptablesCommonPortalArgs order.
    expect(
      saveRule('KUBE-PORTALS-CONTAINER', {
        dst: { cidr: '192.168.100.200/32' },
        proto: 'tcp',
        matches: [
          { m: 'comment', comment: 'default/ext' },
          { m: 'tcp', dport: 80 },
          { m: 'physdev', isIn: true, negate: true },
        ],
        target: { j: 'REDIRECT', toPorts: 41234 },
      }),
    ).toBe(
      '-A KUBE-PORTALS-CONTAINER -d 192.168.100.200/32 -p tcp -m comment --comment "default/ext" -m tcp --dport 80 -m physdev ! --physdev-is-in -j REDIRECT --to-ports 41234',
    );
    expect(
      saveRule('C', { matches: [{ m: 'physdev', isIn: true }], target: { j: 'ACCEPT' } }),
    ).toBe('-A C -m physdev --physdev-is-in -j ACCEPT');
  });
});

describe('iptables-save', () => {
  it('prints each loaded table: header, chains, rules, COMMIT, trailer', () => {
    const { tables, rules } = sample();
    const counters = new WeakMap<Rule, Counters>([[rules.capture!, { packets: 7, bytes: 420 }]]);
    const text = iptablesSave(tables, counters, {
      date: 'Mon Jun  3 08:10:00 2024',
      counters: true,
      policyCounters: new Map([['nat/PREROUTING', { packets: 12, bytes: 3456 }]]),
    });
    expect(text).toBe(
      [
        '# Generated by iptables-save v1.8.7 on Mon Jun  3 08:10:00 2024',
        '*nat',
        ':PREROUTING ACCEPT [12:3456]',
        ':INPUT ACCEPT [0:0]',
        ':OUTPUT ACCEPT [0:0]',
        ':POSTROUTING ACCEPT [0:0]',
        ':KUBE-NODEPORTS - [0:0]',
        ':KUBE-POSTROUTING - [0:0]',
        ':KUBE-SEP-X - [0:0]',
        ':KUBE-SERVICES - [0:0]',
        ':KUBE-SVC-NPX46M4PTMTKRN6Y - [0:0]',
        '[0:0] -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '[0:0] -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '[0:0] -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
        '[0:0] -A KUBE-SEP-X -p tcp -m comment --comment "default/web" -m tcp -j DNAT --to-destination 10.244.1.5:80',
        '[7:420] -A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y',
        '[0:0] -A KUBE-SERVICES ! -d 127.0.0.0/8 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
        'COMMIT',
        '# Completed on Mon Jun  3 08:10:00 2024',
        '',
      ].join('\n'),
    );
  });

  it('prints a table nothing used only when asked for by name', () => {
    const { tables } = sample();
    expect(iptablesSave(tables, undefined, { date: 'D' })).not.toContain('*raw');
    expect(iptablesSave(tables, undefined, { date: 'D', table: 'raw' })).toBe(
      '# Generated by iptables-save v1.8.7 on D\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n# Completed on D\n',
    );
  });
});

describe('iptables -S', () => {
  it('lists -P, -N and -A lines; one chain; one rule; counters with -v', () => {
    const { tables, rules } = sample();
    const counters = new WeakMap<Rule, Counters>([[rules.capture!, { packets: 7, bytes: 420 }]]);
    expect(iptablesRules(tables, counters, { table: 'nat', chain: 'KUBE-SERVICES' })).toBe(
      '-N KUBE-SERVICES\n' +
        '-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y\n' +
        '-A KUBE-SERVICES ! -d 127.0.0.0/8 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n',
    );
    expect(
      iptablesRules(tables, counters, {
        table: 'nat',
        chain: 'KUBE-SERVICES',
        rulenum: 1,
        counters: true,
      }),
    ).toBe(
      '-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -c 7 420 -j KUBE-SVC-NPX46M4PTMTKRN6Y\n',
    );
    expect(
      iptablesRules(tables, counters, { table: 'nat', chain: 'PREROUTING', counters: true }),
    ).toBe(
      '-P PREROUTING ACCEPT -c 0 0\n-A PREROUTING -m comment --comment "kubernetes service portals" -c 0 0 -j KUBE-SERVICES\n',
    );
    expect(iptablesRules(tables, counters, { table: 'nat', chain: 'NOPE' })).toBeUndefined();
  });
});

describe('iptables -L', () => {
  it('-n --line-numbers: the numeric table with a num column', () => {
    const { tables } = sample();
    expect(
      iptablesList(tables, undefined, {
        table: 'nat',
        chain: 'KUBE-SERVICES',
        numeric: true,
        lineNumbers: true,
      }),
    ).toBe(
      'Chain KUBE-SERVICES (2 references)\n' +
        'num  target     prot opt source               destination         \n' +
        '1    KUBE-SVC-NPX46M4PTMTKRN6Y  tcp  --  0.0.0.0/0            10.96.0.1            /* default/kubernetes:https cluster IP */ tcp dpt:443\n' +
        '2    KUBE-NODEPORTS  all  --  0.0.0.0/0           !127.0.0.0/8          /* kubernetes service nodeports; NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL\n',
    );
  });

  it('-v: counters (12K style), policy counters, interfaces; chains apart by a blank line', () => {
    const { tables, rules } = sample();
    const counters = new WeakMap<Rule, Counters>([
      [rules.prerouting!, { packets: 123, bytes: 123_456 }],
    ]);
    const text = iptablesList(tables, counters, {
      table: 'nat',
      numeric: true,
      verbose: true,
      policyCounters: new Map([['nat/PREROUTING', { packets: 12, bytes: 3456 }]]),
    })!;
    expect(text.split('\n').slice(0, 7)).toEqual([
      'Chain PREROUTING (policy ACCEPT 12 packets, 3456 bytes)',
      ' pkts bytes target     prot opt in     out     source               destination         ',
      '  123  123K KUBE-SERVICES  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes service portals */',
      '',
      'Chain INPUT (policy ACCEPT 0 packets, 0 bytes)',
      ' pkts bytes target     prot opt in     out     source               destination         ',
      '',
    ]);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('without -n: anywhere, any, names for addresses and ports', () => {
    const { tables } = sample();
    const text = iptablesList(tables, undefined, {
      table: 'nat',
      chain: 'KUBE-POSTROUTING',
      verbose: true,
    });
    expect(text).toBe(
      'Chain KUBE-POSTROUTING (0 references)\n' +
        ' pkts bytes target     prot opt in     out     source               destination         \n' +
        '    0     0 MASQUERADE  all  --  any    any     anywhere             anywhere             /* kubernetes service traffic requiring SNAT */ random-fully\n',
    );
    const services = iptablesList(tables, undefined, {
      table: 'nat',
      chain: 'KUBE-SERVICES',
      resolve: (ip) => (ip.startsWith('127.') ? 'localhost' : undefined),
    })!;
    expect(services.split('\n')[2]).toBe(
      'KUBE-SVC-NPX46M4PTMTKRN6Y  tcp  --  anywhere             10.96.0.1            /* default/kubernetes:https cluster IP */ tcp dpt:https',
    );
    expect(services.split('\n')[3]).toContain('anywhere            !localhost/8          /*');
  });

  it('-v -x: exact counters in wide columns', () => {
    const { tables, rules } = sample();
    const counters = new WeakMap<Rule, Counters>([
      [rules.dnat!, { packets: 123_456, bytes: 98_765_432 }],
    ]);
    expect(
      iptablesList(tables, counters, {
        table: 'nat',
        chain: 'KUBE-SEP-X',
        numeric: true,
        verbose: true,
        exact: true,
      }),
    ).toBe(
      'Chain KUBE-SEP-X (0 references)\n' +
        '    pkts      bytes target     prot opt in     out     source               destination         \n' +
        '  123456 98765432 DNAT       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/web */ tcp to:10.244.1.5:80\n',
    );
  });

  it('prints every match and target kube-proxy uses the way iptables -L does', () => {
    const t = emptyTables();
    const r = (rule: Rule): string =>
      iptablesList(
        {
          ...t,
          filter: { name: 'filter', chains: new Map([['C', { name: 'C', rules: [rule] }]]) },
        },
        undefined,
        { table: 'filter', chain: 'C', numeric: true },
      )!.split('\n')[2]!;
    const tail = (rule: Rule): string => r(rule).slice(r(rule).indexOf('0.0.0.0/0') + 41);
    expect(
      tail({
        matches: [{ m: 'statistic', probability: 1 / 3 }],
        target: { j: 'chain', chain: 'KUBE-SEP-X' },
      }),
    ).toBe(' statistic mode random probability 0.33333333349');
    expect(
      tail({
        matches: [{ m: 'recent', name: 'KUBE-SEP-X', op: 'rcheck', seconds: 10800, reap: true }],
        target: { j: 'chain', chain: 'KUBE-SEP-X' },
      }),
    ).toBe(
      ' recent: CHECK seconds: 10800 reap name: KUBE-SEP-X side: source mask: 255.255.255.255',
    );
    expect(
      tail({
        matches: [{ m: 'recent', name: 'KUBE-SEP-X', op: 'set' }],
        target: { j: 'DNAT', to: '10.0.0.1:80' },
      }),
    ).toBe(' recent: SET name: KUBE-SEP-X side: source mask: 255.255.255.255 to:10.0.0.1:80');
    expect(
      tail({
        matches: [{ m: 'mark', value: 0x4000, mask: 0x4000, negate: true }],
        target: { j: 'RETURN' },
      }),
    ).toBe(' mark match ! 0x4000/0x4000');
    expect(tail({ matches: [], target: { j: 'MARK', value: 0x4000, mask: 0 } })).toBe(
      ' MARK xor 0x4000',
    );
    expect(tail({ matches: [], target: { j: 'MARK', value: 0x4000, mask: 0x4000 } })).toBe(
      ' MARK or 0x4000',
    );
    expect(tail({ matches: [{ m: 'conntrack', ctstate: ['NEW'] }], target: { j: 'ACCEPT' } })).toBe(
      ' ctstate NEW',
    );
    expect(
      tail({
        matches: [{ m: 'conntrack', ctstate: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true }],
        target: { j: 'DROP' },
      }),
    ).toBe(' ! ctstate RELATED,ESTABLISHED,DNAT');
    expect(
      tail({ proto: 'udp', matches: [{ m: 'udp', dport: 53 }], target: { j: 'REJECT' } }),
    ).toBe(' udp dpt:53 reject-with icmp-port-unreachable');
    expect(tail({ matches: [{ m: 'addrtype', srcType: 'LOCAL' }], target: { j: 'ACCEPT' } })).toBe(
      ' ADDRTYPE match src-type LOCAL',
    );
    expect(
      tail({ matches: [{ m: 'physdev', isIn: true, negate: true }], target: { j: 'ACCEPT' } }),
    ).toBe(' PHYSDEV match ! --physdev-is-in');
    // A comment-only rule (the end of a KUBE-FW chain) has an empty target column.
    expect(r({ matches: [{ m: 'comment', comment: 'other traffic' }] })).toBe(
      '           all  --  0.0.0.0/0            0.0.0.0/0            /* other traffic */',
    );
    expect(iptablesList(t, undefined, { table: 'filter', chain: 'NOPE' })).toBeUndefined();
  });

  it('-L CHAIN N prints rule N alone, without the header', () => {
    const { tables } = sample();
    expect(
      iptablesList(tables, undefined, {
        table: 'nat',
        chain: 'KUBE-SERVICES',
        rulenum: 2,
        numeric: true,
      }),
    ).toBe(
      'KUBE-NODEPORTS  all  --  0.0.0.0/0           !127.0.0.0/8          /* kubernetes service nodeports; NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL\n',
    );
  });
});
