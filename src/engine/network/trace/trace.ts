/**
 * The Trace of one request: what a learner sees animated on the graph and listed in the trace
 * panel, hop by hop, and what `curl` / `wget` print from. One shape for every caller — the
 * shell tools, the UI's "send a request" button and the tests all get the same object from
 * `sendRequest` (request.ts).
 *
 * A hop is one thing that happened to the packet (or to the connection) at one place:
 *  - `send`: the client put the first packet (the SYN) on the wire;
 *  - `chain`: netfilter. Either one rule that matched (with `chain`: its table, chain, position
 *    and the rule as `iptables-save` prints it), or — without `chain` — a translation conntrack
 *    applied to a packet of a known connection (the reply's un-DNAT / un-SNAT);
 *  - `route`: a routing decision (`ip route get`: cni0, flannel.1, eth0, local);
 *  - `wire`: the packet crossed between machines (VXLAN between nodes, the node network);
 *  - `kube-proxy`: the proxy itself handled the connection (userspace mode's proxy process and its
 *    dials, ipvs mode's IPVS scheduler);
 *  - `load-balancer`: the cloud load balancer in front of a LoadBalancer Service picked a node;
 *  - `ingress`: an ingress controller's proxy (ingress-nginx's nginx) handled the request: it
 *    routed by Host and path, dialled an endpoint of the backend, copied the answer back;
 *  - `deliver`: the packet reached the socket that accepts it (a pod's eth0, a node's process);
 *  - `answer`: the server answered (HTTP status), or the reply travelled back;
 *  - `fail`: where and why the request failed (REJECT, DROP, nothing listening, no route).
 *
 * Times are virtual milliseconds since the request started; sendRequest never moves the cluster's
 * clock (the caller lets `durationMs` pass, as the shell tools do).
 */

export type HopKind =
  | 'send'
  | 'chain'
  | 'route'
  | 'wire'
  | 'kube-proxy'
  | 'load-balancer'
  | 'ingress'
  | 'deliver'
  | 'answer'
  | 'fail';

/** `ip:port`. */
export interface Endpoints {
  src: string;
  dst: string;
}

export interface ChainRef {
  table: string;
  chain: string;
  /** The rule's position in its chain, from 1 (`iptables -L --line-numbers`). */
  index: number;
  /** The rule as `iptables-save` prints it: `-A KUBE-SVC-… -m comment … -j KUBE-SEP-…`. */
  rule: string;
}

export interface Hop {
  kind: HopKind;
  /** The node where it happened (absent outside the cluster: the laptop, the load balancer). */
  node?: string;
  /** `namespace/name` of the pod concerned (the client's or the server's). */
  pod?: string;
  chain?: ChainRef;
  /** For humans: `DNAT 10.96.12.7:80 → 10.244.2.5:80`. */
  what: string;
  /** The packet's addresses before and after this hop, when the hop rewrote them. */
  before?: Endpoints;
  after?: Endpoints;
  /** Virtual ms since the request started. */
  atMs: number;
  /**
   * `dns`: the hop belongs to a name lookup (a DNS query and its answer) that came before the
   * request, or that is the whole of it (nslookup, dig). Absent on the request's own hops.
   */
  phase?: 'dns';
}

/** One DNS query a resolver or a DNS tool sent (dns/query.ts), in the order sent. */
export interface DnsQueryRecord {
  /** The name asked, fully qualified: `nginx.default.svc.cluster.local.` */
  name: string;
  /** `A`, `PTR`, `SRV`, … */
  type: string;
  /** `10.96.0.10:53`. */
  server: string;
  /** The answer's rcode (`NOERROR`, `NXDOMAIN`, `SERVFAIL`), or `refused` / `timeout`. */
  result: string;
  /** The answer's records, as `A 10.96.0.1`, `CNAME example.com.` (empty without an answer). */
  answers: string[];
  /** Virtual ms since the trace started, when the query left. */
  atMs: number;
  /** How long until the answer (or until the client gave up). */
  durationMs: number;
}

export type TraceError =
  /** RST or ICMP port unreachable: `Connection refused`. */
  | 'refused'
  /** No answer: the SYN was dropped (connect timeout), or the server never answered. */
  | 'timeout'
  /** ARP found nobody at the address: `No route to host`. */
  | 'unreachable'
  /** The connection was accepted, then reset (userspace proxy without a backend). */
  | 'reset'
  /**
   * Something answered that is not an HTTP server: it closed at once (`Empty reply from
   * server`) or sent a line curl will not read (`Received HTTP/0.9 when not allowed`).
   */
  | 'protocol'
  /** The host name did not resolve to an address (curl: `(6) Could not resolve host`). */
  | 'resolve';

/**
 * What more there is to say about a failure: the kind of non-HTTP answer, the TLS verdict, or that
 * the wait for a silent server was given up (see request.ts UNANSWERED_GIVE_UP_MS).
 */
export type FailDetail = 'empty-reply' | 'http09' | 'tls-verify' | 'tls-version' | 'give-up';

export type TraceOutcome =
  | {
      ok: true;
      status: number;
      reason: string;
      /** `HTTP/1.1` (or `HTTP/1.0` for Go's TLS-port answer). */
      httpVersion: string;
      headers: Array<[string, string]>;
      body: string;
    }
  | {
      ok: false;
      error: TraceError;
      message: string;
      /**
       * The connection was established before it failed (the server accepted, then hung or
       * reset): curl then prints the request it sent before the error.
       */
      connected: boolean;
      detail?: FailDetail;
      /** A timeout: the client's own limit (curl -m, --connect-timeout) or the kernel's. */
      timedOut?: 'client' | 'kernel';
    };

export interface TraceRequest {
  /** `pod/default/busybox`, `node/node1`, `outside/laptop`, `outside/internet`. */
  from: string;
  method: string;
  /** `http://10.96.12.7/` as the client wrote it. */
  url: string;
  /** The Host header sent. */
  host: string;
}

export interface Trace {
  request: TraceRequest;
  hops: Hop[];
  outcome: TraceOutcome;
  /** Virtual ms from the first SYN to the answer (or to the failure). */
  durationMs: number;
  /**
   * The client's address and port as the client saw its own socket, and the server's
   * (`10.244.1.3:32768` → `10.96.12.7:80`); absent when no packet left.
   */
  client?: { ip: string; port: number };
  /** Who answered, with the client address it saw (for the source-IP lessons). */
  server?: {
    node: string;
    /** `namespace/name`, when a pod answered. */
    pod?: string;
    ip: string;
    port: number;
    /** The source the server saw: the client, or a masqueraded / proxied address. */
    peer: { ip: string; port: number };
  };
  /**
   * The DNS queries sent before the request to resolve its host name (their hops come first in
   * `hops`, marked `phase: 'dns'`), or the queries of a DNS tool (nslookup, dig). Absent when no
   * name was looked up.
   */
  dns?: DnsQueryRecord[];
}

/** `10.96.0.1:443`. */
export function ipPort(ip: string, port: number): string {
  return `${ip}:${port}`;
}

const TRACE_CAP = 100;

const recorded = new WeakMap<object, Trace[]>();

/**
 * Remember a trace of a request a terminal command sent (curl, wget), newest last, at most 100
 * per cluster. `owner` is the cluster's context (what both node and container tools hold).
 */
export function recordTrace(owner: object, trace: Trace): void {
  let list = recorded.get(owner);
  if (!list) {
    list = [];
    recorded.set(owner, list);
  }
  list.push(trace);
  if (list.length > TRACE_CAP) list.splice(0, list.length - TRACE_CAP);
}

/** The traces recorded for this owner (the cluster's context), oldest first. */
export function tracesOf(owner: object): readonly Trace[] {
  return recorded.get(owner) ?? [];
}
