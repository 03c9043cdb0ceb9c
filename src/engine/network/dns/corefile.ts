/**
 * What the playground's CoreDNS takes from its Corefile (the `coredns` ConfigMap in kube-system,
 * as kubeadm writes it): the server block for port 53 and, in it, the plugins that decide
 * answers — `kubernetes` (its zones, `pods` mode, `ttl`, `fallthrough`), `forward` (where names
 * outside the cluster go), `cache`, `loadbalance`, and `hosts` / `rewrite`-free setups.
 *
 * The Corefile is read each time a query is answered: edits to the ConfigMap take effect at once
 * (a real cluster needs the kubelet to refresh the mounted volume, up to a minute, and the
 * `reload` plugin to notice, within 30 s — not modelled). A Corefile the parser cannot use
 * leaves CoreDNS with kubeadm's defaults, as if the reload had been refused.
 *
 * Models coredns/coredns core/dnsserver (server blocks) and plugin/kubernetes/setup.go
 * (ParseStanza: zones, pods, ttl, fallthrough), plugin/forward/setup.go (the FROM and TO
 * arguments), plugin/cache/setup.go (the TTL cap).
 */

export type PodsMode = 'disabled' | 'verified' | 'insecure';

export interface KubernetesPluginConfig {
  /** Fully qualified, lower case: `cluster.local.`, `in-addr.arpa.`, `ip6.arpa.` */
  zones: string[];
  pods: PodsMode;
  /** Answer TTL (the plugin's default is 5; kubeadm sets 30). */
  ttl: number;
  /** Zones for which a name error falls through to the next plugin; `['.']` for all. */
  fallthrough: string[];
}

export interface ForwardPluginConfig {
  /** The zone forwarded (`.` for everything). */
  from: string;
  /** `/etc/resolv.conf` or addresses (`8.8.8.8`, `dns://1.1.1.1`). */
  to: string[];
}

export interface CorefileConfig {
  /** The server block's port (53). */
  port: number;
  kubernetes?: KubernetesPluginConfig;
  forward?: ForwardPluginConfig;
  /** `cache [TTL]`: the cap on cached TTLs, in seconds (default 3600). */
  cache?: number;
  loadbalance: boolean;
}

/** kubeadm's Corefile as the playground bootstraps it (also the fallback). */
export function defaultCorefile(clusterDomain = 'cluster.local'): CorefileConfig {
  return {
    port: 53,
    kubernetes: {
      zones: [`${clusterDomain}.`, 'in-addr.arpa.', 'ip6.arpa.'],
      pods: 'insecure',
      ttl: 30,
      fallthrough: ['in-addr.arpa.', 'ip6.arpa.'],
    },
    forward: { from: '.', to: ['/etc/resolv.conf'] },
    cache: 30,
    loadbalance: true,
  };
}

interface Directive {
  name: string;
  args: string[];
  block: Directive[];
}

/** Tokenise: words, `{`, `}`, newlines; `#` comments to the end of the line. */
function tokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '');
    for (const t of line.match(/[{}]|[^\s{}]+/g) ?? []) out.push(t);
    out.push('\n');
  }
  return out;
}

function parseBlock(ts: string[], pos: { i: number }): Directive[] {
  const out: Directive[] = [];
  let cur: Directive | undefined;
  while (pos.i < ts.length) {
    const t = ts[pos.i++] as string;
    if (t === '}') return out;
    if (t === '\n') {
      cur = undefined;
      continue;
    }
    if (t === '{') {
      const block = parseBlock(ts, pos);
      if (cur) cur.block = block;
      else out.push({ name: '', args: [], block });
      cur = undefined;
      continue;
    }
    if (!cur) {
      cur = { name: t, args: [], block: [] };
      out.push(cur);
    } else {
      cur.args.push(t);
    }
  }
  return out;
}

const zoneOf = (z: string): string => {
  const s = z.toLowerCase().replace(/^dns:\/\//, '');
  return s.endsWith('.') ? s : `${s}.`;
};

/**
 * The configuration of the server block that serves port 53 for the root zone (`.:53`, or `.`
 * with the default port), or undefined when the text holds none (CoreDNS would refuse it).
 */
export function parseCorefile(text: string): CorefileConfig | undefined {
  const top = parseBlock(tokens(text), { i: 0 });
  for (const server of top) {
    const keys = [server.name, ...server.args];
    const serves = keys.some((k) => {
      const m = /^(?:dns:\/\/)?\.(?::(\d+))?$/.exec(k);
      return m !== null && (m[1] === undefined || m[1] === '53');
    });
    if (!serves) continue;
    const cfg: CorefileConfig = { port: 53, loadbalance: false };
    for (const d of server.block) {
      switch (d.name) {
        case 'kubernetes': {
          const k: KubernetesPluginConfig = {
            zones: d.args.length > 0 ? d.args.map(zoneOf) : ['.'],
            pods: 'disabled',
            ttl: 5,
            fallthrough: [],
          };
          for (const o of d.block) {
            if (o.name === 'pods' && (o.args[0] === 'verified' || o.args[0] === 'insecure'))
              k.pods = o.args[0];
            if (o.name === 'pods' && o.args[0] === 'disabled') k.pods = 'disabled';
            if (o.name === 'ttl' && /^\d+$/.test(o.args[0] ?? '')) k.ttl = Number(o.args[0]);
            if (o.name === 'fallthrough')
              k.fallthrough = o.args.length > 0 ? o.args.map(zoneOf) : ['.'];
          }
          cfg.kubernetes = k;
          break;
        }
        case 'forward':
          if (d.args.length >= 2)
            cfg.forward = { from: zoneOf(d.args[0] ?? '.'), to: d.args.slice(1) };
          break;
        case 'cache':
          cfg.cache = /^\d+$/.test(d.args[0] ?? '') ? Number(d.args[0]) : 3600;
          break;
        case 'loadbalance':
          cfg.loadbalance = true;
          break;
      }
    }
    return cfg;
  }
  return undefined;
}

/** Whether `name` (fully qualified) is `zone` or below it. */
export function inZone(name: string, zone: string): boolean {
  const n = name.toLowerCase();
  if (zone === '.') return true;
  return n === zone || n.endsWith(`.${zone}`);
}

/** The longest of `zones` that contains `name` (plugin.Zones.Matches), or undefined. */
export function matchZone(name: string, zones: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const z of zones) {
    if (inZone(name, z) && (best === undefined || z.length > best.length)) best = z;
  }
  return best;
}
