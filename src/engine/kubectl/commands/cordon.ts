/**
 * `kubectl cordon` and `kubectl uncordon`: set or clear a node's spec.unschedulable.
 *
 * Models kubectl pkg/cmd/drain/drain.go (NewCmdCordon, NewCmdUncordon, Complete,
 * RunCordonOrUncordon) and pkg/drain/cordon.go (CordonHelper: update only when the flag
 * differs; uncordoning removes the field, which is `omitempty`). Prints `node/x cordoned`,
 * `node/x already cordoned`, `node/x uncordoned`, `node/x already uncordoned`. The scheduler
 * treats a cordoned node as tainted `node.kubernetes.io/unschedulable:NoSchedule`, as the node
 * lifecycle controller's taint makes it upstream; `kubectl drain` (drain.ts) starts here too.
 */
import { notFound } from '../../api/errors';
import { kindInfo } from '../../api/kinds';
import type { KObject } from '../../api/types';
import { deepClone } from '../../api/types';
import { kindForResourceArg } from '../../api/kinds';
import { compileSelector, kindSlashName } from '../resources';
import type { CommandContext, FlagSpec, KubectlCommand } from '../types';
import { commandHelp } from '../help';
import { KubectlError, usageError } from '../types';
import type { CommandResult } from '../../shell/types';
import type { DryRun } from './label';
import { dryRunStrategy, withDryRun } from './label';
import { DRY_RUN_FLAG } from '../flag-specs';

/** drain.go's own `-l` (shorter wording than cmdutil's). */
export const NODE_SELECTOR_FLAG: FlagSpec = {
  name: 'selector',
  short: 'l',
  type: 'string',
  usage: 'Selector (label query) to filter on',
};

const FLAGS: FlagSpec[] = [DRY_RUN_FLAG, NODE_SELECTOR_FLAG];

/** schema.GroupVersionResource's String(), for drain's `expected resource of type node`. */
function gvrString(arg: string): string {
  const info = kindForResourceArg(arg);
  if (!info) return arg;
  return `${info.group}/${info.version}, Resource=${info.resource}`;
}

/** The first checks of DrainCmdOptions.Complete: a node name or `-l`, not both. */
export function checkNodeArgs(ctx: CommandContext, command: string): void {
  if (ctx.args.length === 0 && !ctx.flags.has('selector'))
    throw usageError(command, `USAGE: ${command} NODE [flags]`);
  if (ctx.args.length > 0 && ctx.flags.string('selector') !== '')
    // The message carries its own `error: ` upstream; CheckErr does not add a second one.
    throw usageError(command, 'cannot specify both a node name and a --selector option');
}

/**
 * DrainCmdOptions.Complete: the nodes named (`NODE`, `node/NODE`) or selected with `-l`, in the
 * order given (a selector lists them by name). The first missing node fails the command.
 */
export function resolveNodes(ctx: CommandContext, command: string): KObject[] {
  checkNodeArgs(ctx, command);
  const selector = ctx.flags.string('selector');
  const store = ctx.env.store;
  const nodeInfo = kindInfo('Node')!;
  if (ctx.args.length === 0) {
    return store
      .list('Node', { selector: compileSelector(selector) })
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  }
  const out: KObject[] = [];
  for (const arg of ctx.args) {
    let name = arg;
    const i = arg.indexOf('/');
    if (i >= 0) {
      const type = arg.slice(0, i);
      const info = kindForResourceArg(type);
      if (!info) throw new KubectlError(`the server doesn't have a resource type "${type}"`);
      if (info.kind !== 'Node')
        throw new KubectlError(
          `expected resource of type node, got ${JSON.stringify(gvrString(type))}`,
        );
      name = arg.slice(i + 1);
    }
    const node = store.get('Node', undefined, name);
    if (!node) throw notFound(nodeInfo, name);
    out.push(node);
  }
  return out;
}

/**
 * RunCordonOrUncordon for nodes already resolved: the stdout lines, and stderr for nodes the
 * API refused (`error: unable to cordon node "x": ...`).
 */
export function cordonNodes(
  ctx: CommandContext,
  nodes: readonly KObject[],
  desired: boolean,
  dryRun: DryRun,
): { stdout: string; stderr: string } {
  const verb = desired ? 'cordon' : 'uncordon';
  let stdout = '';
  let stderr = '';
  for (const node of nodes) {
    const current = (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true;
    if (current === desired) {
      stdout += `${kindSlashName(node)} ${withDryRun(`already ${verb}ed`, dryRun)}\n`;
      continue;
    }
    if (dryRun === 'none') {
      const copy = deepClone(node);
      const spec = (copy.spec ?? (copy.spec = {})) as { unschedulable?: boolean };
      if (desired) spec.unschedulable = true;
      else delete spec.unschedulable;
      try {
        ctx.env.store.update(copy, { actor: 'kubectl' });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        stderr += `error: unable to ${verb} node ${JSON.stringify(node.metadata.name ?? '')}: ${msg}\n`;
        continue;
      }
    }
    stdout += `${kindSlashName(node)} ${withDryRun(`${verb}ed`, dryRun)}\n`;
  }
  return { stdout, stderr };
}

function runCordon(ctx: CommandContext, desired: boolean): CommandResult {
  const command = desired ? 'cordon' : 'uncordon';
  const dryRun = dryRunStrategy(ctx);
  const nodes = resolveNodes(ctx, command);
  const { stdout, stderr } = cordonNodes(ctx, nodes, desired, dryRun);
  // RunCordonOrUncordon reports API failures per node and still exits 0.
  return { stdout, stderr, exitCode: 0 };
}

/** `kubectl cordon --help` and `kubectl uncordon --help` (v1.30). */
function cordonHelp(command: 'cordon' | 'uncordon'): string {
  const what = command === 'cordon' ? 'unschedulable' : 'schedulable';
  return commandHelp({
    long: [`Mark node as ${what}.`],
    examples: `# Mark node "foo" as ${what}\nkubectl ${command} foo`,
    flags: FLAGS,
    usage: `${command} NODE [options]`,
  });
}

export const cordonCommand: KubectlCommand = {
  name: 'cordon',
  short: 'Mark node as unschedulable',
  help: cordonHelp('cordon'),
  flags: FLAGS,
  run: (ctx) => runCordon(ctx, true),
};

export const uncordonCommand: KubectlCommand = {
  name: 'uncordon',
  short: 'Mark node as schedulable',
  help: cordonHelp('uncordon'),
  flags: FLAGS,
  run: (ctx) => runCordon(ctx, false),
};
