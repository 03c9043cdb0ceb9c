/**
 * `kubectl describe configmap | secret | serviceaccount`.
 *
 * Models kubectl 1.30 pkg/describe/describe.go ConfigMapDescriber, describeSecret and
 * describeServiceAccount. Data keys are printed sorted (1.30 ranged over the Go map, in random
 * order; later releases sort them, which is also the only deterministic choice).
 */
import type { ConfigMap, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import type { DescribeContext } from './context';
import { describeEvents, eventsFor } from './events';
import { printAnnotationsMultiline, printLabelsMultiline } from './format';
import { LEVEL_0, tabbedString } from './prefix-writer';

type StoredConfigMap = ConfigMap & KObject;
type StoredSecret = Secret & KObject;
type StoredServiceAccount = ServiceAccount & KObject;

/** Bytes of a base64 value (Secret.data is base64 on the wire). */
function base64Length(s: string): number {
  const clean = s.replace(/[\s]/g, '');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - pad;
}

// Models describe.go ConfigMapDescriber.Describe.
export function describeConfigMap(obj: KObject, ctx: DescribeContext): string {
  const cm = obj as StoredConfigMap;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${cm.metadata.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${cm.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', cm.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations);
    w.write(LEVEL_0, '\nData\n====\n');
    const data = cm.data ?? {};
    for (const k of Object.keys(data).sort()) {
      w.write(LEVEL_0, `${k}:\n----\n`);
      w.write(LEVEL_0, `${data[k]}\n`);
      w.write(LEVEL_0, '\n');
    }
    w.write(LEVEL_0, '\nBinaryData\n====\n');
    const binary = cm.binaryData ?? {};
    for (const k of Object.keys(binary).sort())
      w.write(LEVEL_0, `${k}: ${base64Length(binary[k]!)} bytes\n`);
    w.write(LEVEL_0, '\n');
    if (ctx.showEvents) describeEvents(eventsFor(cm, ctx), w, ctx.now);
  });
}

// Models describe.go describeSecret (no events).
export function describeSecret(obj: KObject, _ctx: DescribeContext): string {
  const s = obj as StoredSecret;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${s.metadata.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${s.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', s.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', s.metadata.annotations);
    w.write(LEVEL_0, `\nType:\t${s.type ?? ''}\n`);
    w.write(LEVEL_0, '\nData\n====\n');
    const data = s.data ?? {};
    for (const k of Object.keys(data).sort()) {
      w.write(LEVEL_0, `${k}:\t${base64Length(data[k]!)} bytes\n`);
    }
  });
}

// Models describe.go describeServiceAccount (1.30: pull secrets, mountable secrets, tokens).
export function describeServiceAccount(obj: KObject, ctx: DescribeContext): string {
  const sa = obj as StoredServiceAccount;
  const emptyHeader = '                   ';
  const types: Array<[string, string[]]> = [
    ['Image pull secrets:', (sa.imagePullSecrets ?? []).map((s) => s.name ?? '')],
    ['Mountable secrets: ', (sa.secrets ?? []).map((s) => s.name ?? '')],
    ['Tokens:            ', []],
  ];
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${sa.metadata.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${sa.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', sa.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', sa.metadata.annotations);
    for (const [header, names] of types) {
      if (names.length === 0) {
        w.write(LEVEL_0, `${header}\t<none>\n`);
        continue;
      }
      let prefix = header;
      for (const name of names) {
        w.write(LEVEL_0, `${prefix}\t${name}\n`);
        prefix = emptyHeader;
      }
    }
    if (ctx.showEvents) describeEvents(eventsFor(sa, ctx), w, ctx.now);
  });
}
