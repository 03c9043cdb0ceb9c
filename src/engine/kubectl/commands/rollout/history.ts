/**
 * `kubectl rollout history (TYPE NAME | TYPE/NAME) [--revision=N]`.
 *
 * Models kubectl pkg/cmd/rollout/rollout_history.go and pkg/polymorphichelpers/history.go
 * (DeploymentHistoryViewer.ViewHistory). The revisions are the ReplicaSets' revision
 * annotations; CHANGE-CAUSE is each ReplicaSet's `kubernetes.io/change-cause`. The text goes
 * through the name printer with the history as its "operation":
 *
 *   fmt.Sprintf("%s\n%s", withRevision, historyInfo)  →  "deployment.apps/x " + that + "\n"
 *
 * which is why the first line ends in a space and the output ends with a blank line.
 *
 * Simplified: DaemonSets keep their history in ControllerRevisions, which this API server does
 * not serve, so a DaemonSet has "No rollout history found."; `-o` (printing the ReplicaSets) is
 * not offered.
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { describePodTemplate, rawPrefixWriter } from '../../describe/index';
import { tabbed } from '../../describe/tabwriter';
import { deepClone } from '../../../api/types';
import type { DeploymentObj } from '../../../controllers/deployment/util';
import { getRevision } from '../../../controllers/deployment/util';
import { CHANGE_CAUSE_ANNOTATION } from '../../change-cause';
import { commandHelp } from '../../help';
import type { CommandContext, FlagSpec, KubectlCommand } from '../../types';
import { KubectlError } from '../../types';
import type { CommandResult } from '../../../shell/types';
import {
  namePrinterLine,
  polymorphicKindError,
  replicaSetsOf,
  requireResources,
  resolveTargets,
} from './common';
import { SELECTOR_FLAG } from '../../flag-specs';

/**
 * history.go printTemplate: DescribePodTemplate through a bare PrefixWriter (no tabwriter), so
 * the tabs reach the terminal as they are (`  Labels:<TAB>app=httpd2`).
 */
export function printTemplate(template: PodTemplateSpec): string {
  const w = rawPrefixWriter();
  describePodTemplate(template, w);
  return w.toString();
}

/**
 * Models DeploymentHistoryViewer.ViewHistory: the revision table, or one revision's pod
 * template (with its change-cause among the template's annotations, as upstream adds it).
 */
export function viewDeploymentHistory(
  ctx: CommandContext,
  d: DeploymentObj,
  revision: number,
): string {
  const history = new Map<number, PodTemplateSpec>();
  for (const rs of replicaSetsOf(ctx, d).all) {
    const v = getRevision(rs);
    if (v === undefined) continue;
    const template = deepClone(rs.spec?.template ?? {});
    const cause = rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
    if (cause) {
      template.metadata = {
        ...template.metadata,
        annotations: { ...template.metadata?.annotations, [CHANGE_CAUSE_ANNOTATION]: cause },
      };
    }
    history.set(v, template);
  }
  if (history.size === 0) return 'No rollout history found.';
  if (revision > 0) {
    const template = history.get(revision);
    if (!template) throw new KubectlError('unable to find the specified revision');
    return printTemplate(template);
  }
  // history.go tabbedString: a tabwriter with padding 2, as describe's.
  return tabbed((w) => {
    w.write('REVISION\tCHANGE-CAUSE\n');
    for (const r of [...history.keys()].sort((a, b) => a - b)) {
      const cause = history.get(r)?.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
      w.write(`${r}\t${cause || '<none>'}\n`);
    }
  });
}

function runHistory(ctx: CommandContext): CommandResult {
  requireResources(ctx);
  const revision = ctx.flags.int('revision');
  if (revision < 0) throw new KubectlError(`revision must be a positive integer: ${revision}`);
  // The controllers react to what was just written (a new ReplicaSet, a renumbered one)
  // before kubectl's first look, as they do within milliseconds on a real cluster.
  ctx.env.advance(0);
  let stdout = '';
  for (const { info, obj } of resolveTargets(ctx)) {
    let text: string;
    if (info.kind === 'Deployment')
      text = viewDeploymentHistory(ctx, obj as DeploymentObj, revision);
    else if (info.kind === 'DaemonSet') text = 'No rollout history found.';
    else {
      const e = polymorphicKindError(info, 'history viewer', 'history');
      return { stdout, stderr: `error: ${e.message}\n`, exitCode: 1 };
    }
    const withRevision = revision > 0 ? `with revision #${revision}` : '';
    stdout += namePrinterLine(obj, `${withRevision}\n${text}`);
  }
  return { stdout, stderr: '', exitCode: 0 };
}

const HISTORY_FLAGS: FlagSpec[] = [
  {
    name: 'revision',
    type: 'int',
    default: 0,
    usage: 'See the details, including podTemplate of the revision specified',
  },
  SELECTOR_FLAG,
];

export const historyCommand: KubectlCommand = {
  name: 'history',
  short: 'View rollout history',
  flags: HISTORY_FLAGS,
  help: commandHelp({
    long: ['View previous rollout revisions and configurations.'],
    examples: `# View the rollout history of a deployment
kubectl rollout history deployment/abc

# View the details of daemonset revision 3
kubectl rollout history daemonset/abc --revision=3`,
    flags: HISTORY_FLAGS,
    usage: 'rollout history (TYPE NAME | TYPE/NAME) [flags] [options]',
  }),
  run: runHistory,
};
