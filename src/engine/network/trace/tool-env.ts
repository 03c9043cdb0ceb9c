/**
 * What a network tool (curl, wget, nslookup, dig…) run inside a container needs from it, shared
 * by the tools' own environments (trace/tools.ts adds the working directory, dns/tools.ts the
 * image's libc): the cluster, the pod as the sender, the container's files, and the clock.
 */
import type { ClusterContext } from '../../context';
import type { ContainerTool } from '../../shell/container/container-shell';
import type { VirtualFs } from '../../shell/fs';
import type { RequestFrom } from './request';

export interface ContainerToolBase {
  ctx: ClusterContext;
  from: RequestFrom;
  fs: VirtualFs;
  /** Let virtual time pass (controllers run meanwhile). */
  advance(ms: number): void;
}

export function containerToolBase(ctx: Parameters<ContainerTool>[2]): ContainerToolBase {
  return {
    ctx: ctx.env.context,
    from: {
      kind: 'pod',
      namespace: ctx.pod.metadata.namespace ?? 'default',
      name: ctx.pod.metadata.name ?? '',
    },
    fs: ctx.fs,
    advance: (ms) => ctx.env.advance(ms),
  };
}
