/**
 * `kubectl describe namespace`.
 *
 * Models kubectl pkg/describe/describe.go describeNamespace, DescribeResourceQuotas and
 * DescribeLimitRanges. The simulator serves neither ResourceQuotas nor LimitRanges, so every
 * namespace has none, which is what kubectl says about a fresh namespace on a real cluster.
 */
import type { Namespace } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import type { DescribeContext } from './context';
import { printAnnotationsMultiline, printLabelsMultiline, rfc1123z } from './format';
import { LEVEL_0, LEVEL_1, tabbedString } from './prefix-writer';

type StoredNamespace = Namespace & KObject;

// Models describe.go NamespaceDescriber.Describe + describeNamespace.
export function describeNamespace(obj: KObject, _ctx: DescribeContext): string {
  const ns = obj as StoredNamespace;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${ns.metadata.name ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', ns.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations);
    w.write(LEVEL_0, `Status:\t${ns.status?.phase ?? ''}\n`);
    const conditions = ns.status?.conditions ?? [];
    if (conditions.length > 0) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t------------------\t------\t-------\n');
      for (const c of conditions) {
        w.write(
          LEVEL_1,
          `${c.type}\t${c.status}\t${rfc1123z(c.lastTransitionTime)}\t${c.reason ?? ''}\t${c.message ?? ''}\n`,
        );
      }
    }
    w.write(LEVEL_0, '\n');
    w.write(LEVEL_0, 'No resource quota.\n');
    w.write(LEVEL_0, '\n');
    w.write(LEVEL_0, 'No LimitRange resource.\n');
  });
}
