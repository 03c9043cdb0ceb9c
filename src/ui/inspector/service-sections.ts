/**
 * A Service in the inspector: its type, virtual IP and ports (what `kubectl get svc` and
 * `describe svc` show), and its endpoints as the EndpointSlice controller published them: each
 * address, whether it is ready (kube-proxy sends traffic to ready endpoints only), and the pod and
 * node behind it.
 */
import type { Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { KObject } from '../../engine';
import type { Block, Cell, Field, Item, SectionInput } from './model';
import { cell, field, mapChips } from './model';
import { listKind } from './snapshot';

type StoredService = Service & KObject;
type StoredSlice = EndpointSlice & KObject;

/** discovery.k8s.io LabelServiceName: the label tying a slice to its Service. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function serviceSummaryBlocks(input: SectionInput): Block[] {
  const svc = input.obj as StoredService;
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const fields: Field[] = [field('Type', type)];
  const clusterIPs = spec.clusterIPs?.length ? spec.clusterIPs : [spec.clusterIP ?? '<none>'];
  fields.push(field('Cluster IP', cell(clusterIPs.join(', '), { mono: true })));
  if (type === 'ExternalName' && spec.externalName)
    fields.push(field('External name', cell(spec.externalName, { mono: true })));
  if (spec.externalIPs?.length)
    fields.push(field('External IPs', cell(spec.externalIPs.join(', '), { mono: true })));
  const ingress = (svc.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip ?? i.hostname ?? '')
    .filter((s) => s !== '');
  if (type === 'LoadBalancer') {
    fields.push(
      field(
        'LoadBalancer',
        ingress.length > 0
          ? cell(ingress.join(', '), { mono: true })
          : cell('<pending>', { tone: 'info' }),
      ),
    );
  }
  const selector = mapChips(spec.selector);
  fields.push(
    field(
      'Selector',
      selector.length > 0
        ? cell(selector.join(', '), { chips: selector })
        : cell('<none>', { tone: 'muted' }),
    ),
  );
  fields.push(field('Session affinity', spec.sessionAffinity ?? 'None'));
  if (type === 'NodePort' || type === 'LoadBalancer')
    fields.push(field('External traffic policy', spec.externalTrafficPolicy ?? 'Cluster'));
  const blocks: Block[] = [{ type: 'fields', fields }];
  const ports = spec.ports ?? [];
  if (ports.length > 0) {
    const withNodePort = ports.some((p) => p.nodePort !== undefined);
    blocks.push({
      type: 'table',
      label: 'Service ports',
      columns: ['Name', 'Port', 'Target', ...(withNodePort ? ['NodePort'] : [])],
      rows: ports.map((p) => [
        p.name ? cell(p.name) : cell('<unset>', { tone: 'muted' }),
        cell(`${p.port}/${p.protocol ?? 'TCP'}`, { mono: true }),
        cell(String(p.targetPort ?? p.port), { mono: true }),
        ...(withNodePort
          ? [cell(p.nodePort !== undefined ? String(p.nodePort) : '', { mono: true })]
          : []),
      ]),
    });
  }
  return blocks;
}

/** The Service's EndpointSlices (by the service-name label), in name order. */
export function slicesOf(input: SectionInput): StoredSlice[] {
  const name = input.obj.metadata.name;
  const ns = input.obj.metadata.namespace;
  const out: StoredSlice[] = [];
  for (const o of listKind(input.objects, 'EndpointSlice')) {
    if (o.metadata.namespace === ns && o.metadata.labels?.[SERVICE_NAME_LABEL] === name)
      out.push(o as StoredSlice);
  }
  return out.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
}

/** IPv4 addresses in numeric order; anything else after them, as text. */
function addressKey(a: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (!m) return `z${a}`;
  return `a${m
    .slice(1)
    .map((x) => x.padStart(3, '0'))
    .join('.')}`;
}

export function serviceEndpointBlocks(input: SectionInput): Block[] {
  const svc = input.obj as StoredService;
  if (svc.spec?.type === 'ExternalName') {
    return [
      { type: 'note', text: 'An ExternalName Service has no endpoints: DNS answers with a CNAME.' },
    ];
  }
  const slices = slicesOf(input);
  const items: Array<{ sort: string; item: Item }> = [];
  const ports = new Set<string>();
  for (const slice of slices) {
    for (const p of slice.ports ?? [])
      ports.add(`${p.name ? `${p.name}: ` : ''}${p.port ?? '<unset>'}/${p.protocol ?? 'TCP'}`);
    for (const ep of slice.endpoints ?? []) {
      const address = ep.addresses[0] ?? '';
      const ready = ep.conditions?.ready !== false;
      const terminating = ep.conditions?.terminating === true;
      const fields: Field[] = [];
      const target = ep.targetRef;
      if (target?.name) {
        fields.push(
          field(
            target.kind ?? 'Target',
            cell(target.name, {
              ...(target.kind
                ? {
                    ref: {
                      kind: target.kind,
                      namespace: target.namespace ?? slice.metadata.namespace ?? '',
                      name: target.name,
                    },
                  }
                : {}),
            }),
          ),
        );
      }
      if (ep.nodeName)
        fields.push(field('Node', cell(ep.nodeName, { ref: { kind: 'Node', name: ep.nodeName } })));
      const badges: Cell[] = [cell(ready ? 'ready' : 'not ready', { tone: ready ? 'ok' : 'warn' })];
      if (terminating) badges.push(cell('terminating', { tone: 'muted' }));
      items.push({
        sort: addressKey(address),
        item: {
          key: `${slice.metadata.name ?? ''}/${address}/${target?.uid ?? ''}`,
          title: cell(address, { mono: true }),
          badges,
          fields,
        },
      });
    }
  }
  items.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));

  const blocks: Block[] = [];
  if (slices.length === 0) {
    blocks.push({
      type: 'note',
      text: svc.spec?.selector
        ? 'No EndpointSlice yet.'
        : 'This Service has no selector: the EndpointSlice controller does not manage its endpoints.',
    });
    return blocks;
  }
  const readyCount = items.filter((i) => i.item.badges[0]?.text === 'ready').length;
  blocks.push({
    type: 'fields',
    fields: [
      field(
        'EndpointSlices',
        cell(slices.map((s) => s.metadata.name ?? '').join(', '), { mono: true }),
      ),
      field('Ports', cell(ports.size > 0 ? [...ports].join(', ') : '<unset>', { mono: true })),
      field(
        'Ready',
        cell(`${readyCount} of ${items.length}`, {
          tone: readyCount > 0 ? 'ok' : items.length > 0 ? 'warn' : 'muted',
        }),
      ),
    ],
  });
  if (items.length === 0) {
    blocks.push({ type: 'note', text: noEndpointsReason(input), tone: 'warn' });
  } else {
    blocks.push({ type: 'items', label: 'Endpoints', items: items.map((i) => i.item) });
  }
  return blocks;
}

/** Why a Service with a selector has no endpoints: no pod matches, or none has an IP yet. */
function noEndpointsReason(input: SectionInput): string {
  const selector = (input.obj as StoredService).spec?.selector ?? {};
  const text = mapChips(selector).join(',');
  if (text === '') return 'No endpoints.';
  let matching = 0;
  for (const pod of listKind(input.objects, 'Pod')) {
    if (pod.metadata.namespace !== input.obj.metadata.namespace) continue;
    const labels = pod.metadata.labels ?? {};
    if (Object.entries(selector).every(([k, v]) => labels[k] === v)) matching++;
  }
  if (matching === 0) return `No endpoints: no pod in this namespace has the labels ${text}.`;
  const pods = matching === 1 ? '1 pod matches' : `${matching} pods match`;
  return `No endpoints yet: ${pods} ${text}, none with an IP yet.`;
}
