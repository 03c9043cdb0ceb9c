/**
 * The inspector's networking tabs: what the node tools print, live (the rules' packet counters
 * move as requests pass). A node gets the tables its kube-proxy programmed, in the current mode —
 * `iptables-save -c` (nat and filter), and `ipvsadm -Ln` in ipvs mode. A Service gets its own
 * rules on each node: the lines of `iptables-save -c -t nat` that name it (iptables and userspace
 * modes), or its virtual servers in `ipvsadm -Ln` (ipvs mode).
 */
import { ctime, ipvsadmList, iptablesSave } from '../../engine';
import type { NodeDataplane } from '../../engine';
import type { Block, SectionInput } from './model';
import { rulesBlockLabel } from './rule-focus';

function saveOf(dp: NodeDataplane, table: 'nat' | 'filter', now: number): string {
  return iptablesSave(dp.tables, dp.counters, {
    table,
    counters: true,
    date: ctime(now),
    policyCounters: dp.policyCounters,
  });
}

/** A node's `iptables-save -c` (and `ipvsadm -Ln` in ipvs mode). */
export function nodeRulesBlocks({ obj, network, now }: SectionInput): Block[] {
  const dp = network?.nodes.get(obj.metadata.name ?? '');
  if (!dp) return [];
  const blocks: Block[] = [
    {
      type: 'note',
      text: `kube-proxy mode: ${dp.mode}. Counters are [packets:bytes] of the requests that passed.`,
      tone: 'info',
    },
  ];
  if (dp.mode === 'ipvs') {
    blocks.push({
      type: 'code',
      label: 'ipvsadm -Ln',
      text: ipvsadmList(dp.virtualServers, { numeric: true }),
    });
  }
  blocks.push(
    { type: 'code', label: rulesBlockLabel('nat'), text: saveOf(dp, 'nat', now) },
    { type: 'code', label: rulesBlockLabel('filter'), text: saveOf(dp, 'filter', now) },
  );
  return blocks;
}

/** A Service's rules on every node. */
export function serviceRulesBlocks({ obj, network, now }: SectionInput): Block[] {
  if (!network) return [];
  const ns = obj.metadata.namespace ?? 'default';
  const name = obj.metadata.name ?? '';
  const spec = obj.spec as { clusterIP?: string; type?: string } | undefined;
  if (!spec?.clusterIP || spec.clusterIP === 'None' || spec.type === 'ExternalName') {
    return [{ type: 'note', text: 'kube-proxy writes no rules for this Service (no ClusterIP).' }];
  }
  // `ns/name` or `ns/name:port` inside a comment: the service's own rules.
  const mention = new RegExp(`"?${ns}/${name}(:[a-z0-9-]+)?[" ]`);
  const blocks: Block[] = [];
  for (const [node, dp] of [...network.nodes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (dp.mode === 'ipvs') {
      const ips = new Set([spec.clusterIP]);
      const mine = dp.virtualServers.filter((v) => ips.has(v.address));
      blocks.push({
        type: 'code',
        label: `${node}: ipvsadm -Ln (${spec.clusterIP})`,
        text: ipvsadmList(mine, { numeric: true }),
      });
      continue;
    }
    const lines = saveOf(dp, 'nat', now)
      .split('\n')
      .filter((l) => mention.test(l));
    blocks.push({
      type: 'code',
      label: `${node}: iptables-save -c -t nat | grep ${ns}/${name}`,
      text: lines.length > 0 ? lines.join('\n') : '(no rules)',
    });
  }
  return blocks;
}
