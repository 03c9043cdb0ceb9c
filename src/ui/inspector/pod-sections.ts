/**
 * A pod in the inspector: its status at a glance (kubectl's derived STATUS, READY and RESTARTS,
 * node, IPs, controller), its containers (image, state, ready, restarts, as `kubectl describe pod`
 * shows them) and its conditions.
 */
import type { Container, ContainerState, ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import type { KObject } from '../../engine';
import { ageOf, podStatusColumns } from '../../engine';
import type { Block, Cell, Field, Item, SectionInput, Tone } from './model';
import { cell, field, mapChips, podStatusTone, refTo } from './model';
import { controllerOf, controllerRef } from './snapshot';

type StoredPod = Pod & KObject;

/** The header badge of a pod: `Running`, `CrashLoopBackOff`, ... */
export function podStatusCell(pod: KObject, now: number): Cell {
  const { status } = podStatusColumns(pod as StoredPod, now);
  return cell(status, { tone: podStatusTone(status) });
}

/** `ReplicaSet/httpd2-5f8d9c6b7d`, linked when the owner exists. */
export function controllerCell(input: SectionInput): Cell | undefined {
  const ref = controllerRef(input.obj);
  if (!ref) return undefined;
  const owner = controllerOf(input.objects, input.obj);
  return cell(`${ref.kind}/${ref.name}`, owner ? { ref: refTo(owner) } : {});
}

export function podSummaryBlocks(input: SectionInput): Block[] {
  const pod = input.obj as StoredPod;
  const spec = pod.spec;
  const status = pod.status ?? {};
  const cols = podStatusColumns(pod, input.now);
  // STATUS and AGE are in the header.
  const fields: Field[] = [
    field('Ready', cols.ready),
    field('Restarts', cols.restarts),
    field(
      'Node',
      spec?.nodeName
        ? cell(spec.nodeName, { ref: { kind: 'Node', name: spec.nodeName } })
        : cell('<none>', { tone: 'muted' }),
    ),
    field('Pod IP', cell(status.podIP || '<none>', { mono: true })),
  ];
  if (status.hostIP) fields.push(field('Host IP', cell(status.hostIP, { mono: true })));
  if (status.nominatedNodeName) fields.push(field('Nominated node', status.nominatedNodeName));
  const owner = controllerCell(input);
  if (owner) fields.push(field('Controlled by', owner));
  if (status.qosClass) fields.push(field('QoS class', status.qosClass));
  if (status.reason) fields.push(field('Reason', status.reason));
  if (status.message) fields.push(field('Message', status.message));
  const labels = mapChips(pod.metadata.labels);
  if (labels.length > 0) fields.push(field('Labels', cell(labels.join(', '), { chips: labels })));
  return [{ type: 'fields', fields }];
}

/** A container state in a few words, with its tone: `Running`, `Waiting: ErrImagePull`. */
export function describeState(
  state: ContainerState | undefined,
  now: number,
): { text: string; tone: Tone; detail?: string } {
  if (state?.running) {
    return {
      text: `Running, started ${ageOf(state.running.startedAt, now)} ago`,
      tone: 'ok',
    };
  }
  if (state?.terminated) {
    const t = state.terminated;
    const code = t.signal ? `signal ${t.signal}` : `exit code ${t.exitCode}`;
    return {
      text: `Terminated: ${t.reason ?? 'Unknown'} (${code})`,
      tone: t.exitCode === 0 ? 'muted' : 'error',
      ...(t.message ? { detail: t.message } : {}),
    };
  }
  const reason = state?.waiting?.reason;
  const waitingTone: Tone =
    !reason || reason === 'ContainerCreating' || reason === 'PodInitializing' ? 'info' : 'error';
  return {
    text: reason ? `Waiting: ${reason}` : 'Waiting',
    tone: waitingTone,
    ...(state?.waiting?.message ? { detail: state.waiting.message } : {}),
  };
}

function containerItem(
  c: Container,
  s: ContainerStatus | undefined,
  init: boolean,
  now: number,
): Item {
  const state = describeState(s?.state, now);
  const ready = s?.ready === true;
  const fields: Field[] = [field('Image', cell(c.image ?? '', { mono: true }))];
  fields.push(field('State', cell(state.text, { tone: state.tone })));
  if (state.detail) fields.push(field('Message', state.detail));
  if (s?.lastState?.terminated) {
    const t = s.lastState.terminated;
    fields.push(
      field(
        'Last state',
        `Terminated: ${t.reason ?? 'Unknown'} (exit code ${t.exitCode}), ${ageOf(t.finishedAt, now)} ago`,
      ),
    );
  }
  const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`);
  if (ports.length > 0) fields.push(field('Ports', cell(ports.join(', '), { mono: true })));
  return {
    key: `${init ? 'init:' : ''}${c.name}`,
    title: cell(c.name),
    ...(init ? { subtitle: 'init container' } : {}),
    badges: [
      cell(ready ? 'ready' : 'not ready', { tone: ready ? 'ok' : 'warn' }),
      cell(`${s?.restartCount ?? 0} restart${s?.restartCount === 1 ? '' : 's'}`, {
        tone: (s?.restartCount ?? 0) > 0 ? 'warn' : 'muted',
      }),
    ],
    fields,
  };
}

export function podContainerBlocks(input: SectionInput): Block[] {
  const pod = input.obj as StoredPod;
  const status = pod.status ?? {};
  const byName = (list: ContainerStatus[] | undefined) =>
    new Map((list ?? []).map((s) => [s.name, s]));
  const init = byName(status.initContainerStatuses);
  const main = byName(status.containerStatuses);
  const items = [
    ...(pod.spec?.initContainers ?? []).map((c) =>
      containerItem(c, init.get(c.name), true, input.now),
    ),
    ...(pod.spec?.containers ?? []).map((c) =>
      containerItem(c, main.get(c.name), false, input.now),
    ),
  ];
  return [{ type: 'items', label: 'Containers', items }];
}

/** A condition's status cell: green when it is in its good state. */
export function conditionCell(status: string, good: boolean): Cell {
  return cell(status, { tone: good ? 'ok' : status === 'Unknown' ? 'warn' : 'error' });
}

export function podConditionBlocks(input: SectionInput): Block[] {
  const pod = input.obj as StoredPod;
  const conditions = pod.status?.conditions ?? [];
  if (conditions.length === 0) return [];
  return [
    {
      type: 'table',
      label: 'Pod conditions',
      columns: ['Type', 'Status', 'Since'],
      rows: conditions.map((c) => [
        cell(c.type, c.message ? { title: c.message } : {}),
        conditionCell(c.status, c.status === 'True'),
        cell(c.lastTransitionTime ? ageOf(c.lastTransitionTime, input.now) : '', {
          tone: 'muted',
          ...(c.reason ? { title: c.reason } : {}),
        }),
      ]),
    },
  ];
}
