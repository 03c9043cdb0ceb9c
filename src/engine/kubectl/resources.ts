/**
 * Resource arguments as kubectl reads them (cli-runtime's resource.Builder):
 *
 *   kubectl get pods                       one type, every object
 *   kubectl get pod a b                    one type, named objects
 *   kubectl get pod/a deploy/b             TYPE/NAME pairs (types may differ)
 *   kubectl get deploy,pod,svc             several types
 *   kubectl get deploy,pod x               several types, each with the name
 *
 * Types resolve through short names, singular, plural, `Kind` and `plural.group`
 * (`po`, `pod`, `pods`, `Pod`, `deployments.apps`).
 */
import { kindForResourceArg, KINDS } from '../api/kinds';
import type { KindInfo } from '../api/kinds';
import type { Selector } from '../api/selectors';
import { parseSelector, SelectorParseError } from '../api/selectors';
import type { KObject } from '../api/types';
import { KubectlError } from './types';

/** Resolve a type argument, or throw kubectl's `the server doesn't have a resource type "foo"`. */
export function resolveResource(arg: string): KindInfo {
  const info = kindForResourceArg(arg);
  if (!info) throw new KubectlError(`the server doesn't have a resource type "${arg}"`);
  return info;
}

export interface ResourceRef {
  info: KindInfo;
  /** Absent: every object of the type (in scope). */
  name?: string;
}

/**
 * The objects named by positional arguments, in order. Throws KubectlError with kubectl's
 * messages for mixed forms (`there is no need to specify a resource type as a separate argument
 * when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>'
 * instead of 'kubectl get resource resource/<resource_name>'`).
 */
export function parseTypeNameArgs(args: readonly string[]): ResourceRef[] {
  if (args.length === 0) return [];
  const slashed = args.filter((a) => a.includes('/'));
  if (slashed.length > 0) {
    if (slashed.length !== args.length) {
      throw new KubectlError(
        "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      );
    }
    // Models cli-runtime builder.go splitResourceTypeName.
    return args.map((a) => {
      const seg = a.split('/');
      if (seg.length !== 2)
        throw new KubectlError('arguments in resource/name form may not have more than one slash');
      const [type, name] = seg as [string, string];
      if (type === '' || name === '' || type.includes(','))
        throw new KubectlError(
          'arguments in resource/name form must have a single resource and name',
        );
      return { info: resolveResource(type), name };
    });
  }
  const [typeArg, ...names] = args as [string, ...string[]];
  // SplitResourceArgument: every comma-separated word once, empty ones included (`pods,` names
  // the type "", which the server does not have).
  const infos = [...new Set(typeArg.split(','))].map(resolveResource);
  if (names.length === 0) return infos.map((info) => ({ info }));
  const out: ResourceRef[] = [];
  for (const info of infos) for (const name of names) out.push({ info, name });
  return out;
}

/** `deployment.apps/httpd2`, `pod/x`, `service/y`: kubectl's name printer. */
export function kindSlashName(obj: KObject): string {
  const info = KINDS.find((k) => k.kind === obj.kind);
  const kind = obj.kind.toLowerCase();
  const prefix = info?.group ? `${kind}.${info.group}` : kind;
  return `${prefix}/${obj.metadata.name ?? ''}`;
}

/** `deployment.apps` / `pod`: the name printer's type part for a kind. */
export function kindDotGroup(info: KindInfo): string {
  const kind = info.kind.toLowerCase();
  return info.group ? `${kind}.${info.group}` : kind;
}

/** A `-l` selector, or the parse error as kubectl prints it (`error: ...`). */
export function compileSelector(text: string): Selector {
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorParseError) throw new KubectlError(e.message);
    throw e;
  }
}
