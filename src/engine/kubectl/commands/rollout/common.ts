/**
 * What the `kubectl rollout` sub-commands share: finding the objects named on the line (the
 * resource.Builder part: `TYPE NAME`, `TYPE/NAME`, `TYPE -l SELECTOR`, `TYPE` for all of them),
 * the ReplicaSets a Deployment owns (kubectl's deploymentutil.GetAllReplicaSets), the flag specs
 * and the error wording of kubectl's "polymorphic helpers".
 */
import type { KindInfo } from '../../../api/kinds';
import { kindInfo, qualifiedResource } from '../../../api/kinds';
import { notFound } from '../../../api/errors';
import type { KObject } from '../../../api/types';
import { controllerOf } from '../../../api/types';
import type { DeploymentObj, ReplicaSetObj } from '../../../controllers/deployment/util';
import { findNewReplicaSet } from '../../../controllers/deployment/util';
import { compileSelector, parseTypeNameArgs } from '../../resources';
import type { CommandContext } from '../../types';
import { KubectlError } from '../../types';

export interface Target {
  info: KindInfo;
  obj: KObject;
}

const byName = (a: KObject, b: KObject): number => {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * The objects the positional arguments (and `-l`) name, in the order given; a type alone means
 * every object of that type in the namespace, sorted by name as the API lists them.
 *
 * Simplified: upstream's builder (ContinueOnError) visits the objects it found and reports the
 * missing ones afterwards; here the first missing object fails the command before anything runs.
 */
export function resolveTargets(ctx: CommandContext): Target[] {
  const refs = parseTypeNameArgs(ctx.args);
  const hasSelector = ctx.flags.has('selector');
  let selector;
  if (hasSelector) {
    if (refs.some((r) => r.name !== undefined))
      throw new KubectlError('name cannot be provided when a selector is specified');
    selector = compileSelector(ctx.flags.string('selector'));
  }
  const { store } = ctx.env;
  const out: Target[] = [];
  for (const ref of refs) {
    const ns = ref.info.namespaced ? ctx.namespace : undefined;
    if (ref.name === undefined) {
      const list = store.list(ref.info.kind, {
        ...(ns !== undefined ? { namespace: ns } : {}),
        ...(selector ? { selector } : {}),
      });
      for (const obj of list.slice().sort(byName)) out.push({ info: ref.info, obj });
      continue;
    }
    const obj = store.get(ref.info.kind, ns, ref.name);
    if (!obj) throw notFound(ref.info, ref.name);
    out.push({ info: ref.info, obj });
  }
  return out;
}

/** schema.GroupKind.String(): `Deployment.apps`, `Pod`. */
export function groupKindString(info: KindInfo): string {
  return info.group ? `${info.kind}.${info.group}` : info.kind;
}

/**
 * kubectl's apps.GroupKindElement.Accept knows these kinds; for any other the history viewer and
 * the rollbacker fail with `no visitor method exists for { Service}` (Go's %v of the struct).
 */
const VISITABLE = new Set(['DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'CronJob']);

/**
 * HistoryViewerFor / RollbackerFor: the error for a kind that has no viewer (`what` is
 * `history viewer` or `rollbacker`, `retrieving` is `history` or `rollbacker`).
 */
export function polymorphicKindError(
  info: KindInfo,
  what: string,
  retrieving: string,
): KubectlError {
  const gk = groupKindString(info);
  if (!VISITABLE.has(info.kind))
    return new KubectlError(
      `error retrieving ${retrieving} for "${gk}", no visitor method exists for {${info.group} ${info.kind}}`,
    );
  return new KubectlError(`no ${what} has been implemented for "${gk}"`);
}

/** `deployments.apps "x"`: how CalculatePatches errors name an object. */
export function resourceQuoted(obj: KObject): string {
  const info = kindInfo(obj.kind);
  const resource = info ? qualifiedResource(info) : obj.kind.toLowerCase();
  return `${resource} "${obj.metadata.name ?? ''}"`;
}

/**
 * Models kubectl pkg/util/deployment GetAllReplicaSets: the ReplicaSets the Deployment controls
 * (its owner index; upstream lists by selector and keeps those whose controller is the
 * Deployment), as `[...old, new]`, in the API's name order.
 */
export function replicaSetsOf(
  ctx: CommandContext,
  d: DeploymentObj,
): { all: ReplicaSetObj[]; newRS: ReplicaSetObj | undefined } {
  const uid = d.metadata.uid ?? '';
  const owned = ctx.env.store
    .dependentsOf<ReplicaSetObj>(uid, 'ReplicaSet')
    .filter((rs) => controllerOf(rs)?.uid === uid)
    .sort(byName);
  const newRS = findNewReplicaSet(d, owned);
  const old = owned.filter((rs) => rs !== newRS);
  return { all: newRS ? [...old, newRS] : old, newRS };
}

/** The name printer's line: `deployment.apps/x <operation>`. */
export function namePrinterLine(obj: KObject, operation: string): string {
  const info = kindInfo(obj.kind);
  const kind = obj.kind.toLowerCase();
  const prefix = info?.group ? `${kind}.${info.group}` : kind;
  return `${prefix}/${obj.metadata.name ?? ''}${operation ? ' ' + operation : ''}\n`;
}

/** cobra Validate: `error: required resource not specified` when no resource is named. */
export function requireResources(ctx: CommandContext): void {
  if (ctx.args.length === 0) throw new KubectlError('required resource not specified');
}
