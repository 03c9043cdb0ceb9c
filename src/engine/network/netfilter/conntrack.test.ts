import { describe, expect, it } from 'vitest';
import type { Tuple } from './conntrack';
import {
  CONNTRACK_TIMEOUTS,
  Conntrack,
  conntrackList,
  formatConntrackEntry,
  invertTuple,
  tupleKey,
} from './conntrack';

const T0 = 1_717_401_600_000;
const S = 1000;

const client: Tuple = {
  proto: 'tcp',
  src: '10.244.1.3',
  sport: 40512,
  dst: '10.96.12.7',
  dport: 80,
};
/** The same packet after kube-proxy's DNAT to a pod on node2. */
const dnated: Tuple = { ...client, dst: '10.244.2.5', dport: 80 };

describe('Conntrack tuples and lookup', () => {
  it('keys by the 5-tuple and inverts it', () => {
    expect(tupleKey(client)).toBe('tcp 10.244.1.3:40512 10.96.12.7:80');
    expect(invertTuple(client)).toEqual({
      proto: 'tcp',
      src: '10.96.12.7',
      sport: 80,
      dst: '10.244.1.3',
      dport: 40512,
    });
  });

  it('finds later packets in the original direction and tells the DNAT to apply', () => {
    const ct = new Conntrack();
    const e = ct.confirm(client, dnated, T0);
    expect(e.reply).toEqual({
      proto: 'tcp',
      src: '10.244.2.5',
      sport: 80,
      dst: '10.244.1.3',
      dport: 40512,
    });
    expect(e.dstNat).toBe(true);
    expect(e.srcNat).toBe(false);
    expect(ct.lookup(client, T0 + 1)).toEqual({
      entry: e,
      direction: 'original',
      ctstate: ['NEW', 'DNAT'],
      dst: { ip: '10.244.2.5', port: 80 },
    });
  });

  it('finds replies by the reply tuple and un-NATs them back to the service address', () => {
    const ct = new Conntrack();
    const e = ct.confirm(client, dnated, T0);
    const reply = { proto: 'tcp', src: '10.244.2.5', sport: 80, dst: '10.244.1.3', dport: 40512 };
    expect(ct.lookup(reply as Tuple, T0 + 1)).toEqual({
      entry: e,
      direction: 'reply',
      ctstate: ['ESTABLISHED', 'DNAT'],
      src: { ip: '10.96.12.7', port: 80 },
    });
    ct.seen(e, 'reply', T0 + 1);
    // Once a reply was seen, the original direction is ESTABLISHED too.
    expect(ct.lookup(client, T0 + 2)?.ctstate).toEqual(['ESTABLISHED', 'DNAT']);
  });

  it('un-NATs both halves of a DNAT + MASQUERADE connection', () => {
    const ct = new Conntrack();
    const external: Tuple = {
      proto: 'tcp',
      src: '192.168.100.1',
      sport: 51000,
      dst: '192.168.100.11',
      dport: 30080,
    };
    const out: Tuple = {
      proto: 'tcp',
      src: '192.168.100.11',
      sport: 61000,
      dst: '10.244.2.5',
      dport: 80,
    };
    const e = ct.confirm(external, out, T0);
    expect([e.srcNat, e.dstNat]).toEqual([true, true]);
    expect(ct.lookup(external, T0)).toMatchObject({
      direction: 'original',
      ctstate: ['NEW', 'SNAT', 'DNAT'],
      dst: { ip: '10.244.2.5', port: 80 },
      src: { ip: '192.168.100.11', port: 61000 },
    });
    expect(ct.lookup(invertTuple(out), T0)).toMatchObject({
      direction: 'reply',
      dst: { ip: '192.168.100.1', port: 51000 },
      src: { ip: '192.168.100.11', port: 30080 },
    });
  });

  it('does not know unrelated packets and refuses duplicate tuples', () => {
    const ct = new Conntrack();
    ct.confirm(client, dnated, T0);
    expect(ct.lookup({ ...client, sport: 40513 }, T0)).toBe(undefined);
    expect(ct.isTaken(dnated, T0)).toBe(true);
    expect(ct.isTaken({ ...dnated, sport: 40513 }, T0)).toBe(false);
    expect(() => ct.confirm(client, dnated, T0)).toThrow(
      'conntrack: tcp 10.244.1.3:40512 10.96.12.7:80 is already tracked',
    );
    expect(() => ct.confirm({ ...client, dst: '10.96.99.9' }, dnated, T0)).toThrow(
      'conntrack: reply tuple tcp 10.244.2.5:80 10.244.1.3:40512 is already in use',
    );
  });
});

describe('Conntrack states and timeouts (Linux defaults)', () => {
  it('has the kernel defaults', () => {
    expect(CONNTRACK_TIMEOUTS.tcp.ESTABLISHED).toBe(432000);
    expect(CONNTRACK_TIMEOUTS.tcp.SYN_SENT).toBe(120);
    expect(CONNTRACK_TIMEOUTS.tcp.TIME_WAIT).toBe(120);
    expect(CONNTRACK_TIMEOUTS.udp).toEqual({ unreplied: 30, stream: 120 });
  });

  it('TCP: SYN_SENT 120 s unreplied, then ESTABLISHED and ASSURED for 5 days once answered', () => {
    const ct = new Conntrack();
    const e = ct.confirm(client, dnated, T0);
    expect([e.tcpState, e.seenReply, e.assured, e.expires - T0]).toEqual([
      'SYN_SENT',
      false,
      false,
      120 * S,
    ]);
    ct.seen(e, 'reply', T0 + 5);
    expect([e.tcpState, e.seenReply, e.assured, e.expires - T0]).toEqual([
      'ESTABLISHED',
      true,
      true,
      5 + 432000 * S,
    ]);
    ct.seen(e, 'original', T0 + 60 * S);
    expect(e.expires - T0).toBe(60 * S + 432000 * S);
  });

  it('TCP: an unanswered SYN expires after 120 s', () => {
    const ct = new Conntrack();
    ct.confirm(client, dnated, T0);
    expect(ct.entries(T0 + 120 * S - 1)).toHaveLength(1);
    expect(ct.entries(T0 + 120 * S)).toHaveLength(0);
    expect(ct.lookup(client, T0 + 120 * S)).toBe(undefined);
    // Gone from both indexes: the tuple can be tracked again.
    expect(ct.isTaken(dnated, T0 + 120 * S)).toBe(false);
    ct.confirm(client, dnated, T0 + 121 * S);
  });

  it('TCP: close() leaves TIME_WAIT for 120 s, reset() CLOSE for 10 s', () => {
    const ct = new Conntrack();
    const e = ct.confirm(client, dnated, T0);
    ct.seen(e, 'reply', T0);
    ct.close(e, T0 + S);
    expect([e.tcpState, e.assured, e.expires - T0]).toEqual(['TIME_WAIT', true, 121 * S]);
    const f = ct.confirm({ ...client, sport: 40600 }, { ...dnated, sport: 40600 }, T0);
    ct.reset(f, T0);
    expect([f.tcpState, f.expires - T0]).toEqual(['CLOSE', 10 * S]);
  });

  it('UDP: 30 s; a reply keeps 30 s; traffic both ways after 2 s makes a 120 s ASSURED stream', () => {
    const ct = new Conntrack();
    const q: Tuple = {
      proto: 'udp',
      src: '10.244.1.3',
      sport: 53123,
      dst: '10.96.0.10',
      dport: 53,
    };
    const e = ct.confirm(q, { ...q, dst: '10.244.0.2' }, T0);
    expect([e.tcpState, e.expires - T0]).toEqual([undefined, 30 * S]);
    ct.seen(e, 'reply', T0 + 10);
    expect([e.seenReply, e.assured, e.expires - T0]).toEqual([true, false, 10 + 30 * S]);
    ct.seen(e, 'original', T0 + 1000);
    expect([e.assured, e.expires - T0]).toEqual([false, 1000 + 30 * S]);
    ct.seen(e, 'original', T0 + 2001);
    expect([e.assured, e.expires - T0]).toEqual([true, 2001 + 120 * S]);
  });

  it('remove() and flush() forget connections', () => {
    const ct = new Conntrack();
    const e = ct.confirm(client, dnated, T0);
    ct.confirm({ ...client, sport: 1 }, { ...dnated, sport: 1 }, T0);
    ct.remove(e);
    expect(ct.lookup(client, T0)).toBe(undefined);
    expect(ct.entries(T0)).toHaveLength(1);
    ct.flush();
    expect(ct.entries(T0)).toHaveLength(0);
  });
});

describe('conntrack -L (conntrack-tools 1.4.6)', () => {
  it('prints an established, DNATed TCP connection exactly', () => {
    const ct = new Conntrack();
    const e = ct.confirm(client, dnated, T0);
    ct.seen(e, 'reply', T0);
    expect(conntrackList(ct, T0)).toEqual({
      stdout:
        'tcp      6 431999 ESTABLISHED src=10.244.1.3 dst=10.96.12.7 sport=40512 dport=80 ' +
        'src=10.244.2.5 dst=10.244.1.3 sport=80 dport=40512 [ASSURED] mark=0 use=1\n',
      stderr: 'conntrack v1.4.6 (conntrack-tools): 1 flow entries have been shown.\n',
    });
  });

  it('prints unreplied, UDP, TIME_WAIT entries and the remaining seconds as time passes', () => {
    const ct = new Conntrack();
    ct.confirm(client, dnated, T0);
    const q: Tuple = {
      proto: 'udp',
      src: '10.244.1.3',
      sport: 53123,
      dst: '10.96.0.10',
      dport: 53,
    };
    const dns = ct.confirm(q, { ...q, dst: '10.244.0.2' }, T0);
    ct.seen(dns, 'reply', T0);
    const w = ct.confirm({ ...client, sport: 40999 }, { ...dnated, sport: 40999 }, T0);
    ct.seen(w, 'reply', T0);
    ct.close(w, T0);
    const out = conntrackList(ct, T0 + 2500);
    expect(out.stdout.split('\n')).toEqual([
      'tcp      6 117 SYN_SENT src=10.244.1.3 dst=10.96.12.7 sport=40512 dport=80 [UNREPLIED] ' +
        'src=10.244.2.5 dst=10.244.1.3 sport=80 dport=40512 mark=0 use=1',
      'udp      17 27 src=10.244.1.3 dst=10.96.0.10 sport=53123 dport=53 ' +
        'src=10.244.0.2 dst=10.244.1.3 sport=53 dport=53123 mark=0 use=1',
      'tcp      6 117 TIME_WAIT src=10.244.1.3 dst=10.96.12.7 sport=40999 dport=80 ' +
        'src=10.244.2.5 dst=10.244.1.3 sport=80 dport=40999 [ASSURED] mark=0 use=1',
      '',
    ]);
    expect(out.stderr).toBe(
      'conntrack v1.4.6 (conntrack-tools): 3 flow entries have been shown.\n',
    );
    expect(formatConntrackEntry(dns, T0 + 30 * S)).toContain('udp      17 0 src=');
  });

  it('prints nothing but the count for an empty table', () => {
    expect(conntrackList(new Conntrack(), T0)).toEqual({
      stdout: '',
      stderr: 'conntrack v1.4.6 (conntrack-tools): 0 flow entries have been shown.\n',
    });
  });
});
