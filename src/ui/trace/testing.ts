/**
 * For the trace panel's unit tests: the classic lesson's cluster (httpd2 Deployment with three
 * replicas behind a ClusterIP Service; the `sb` nginx pod behind the NodePort Service `nginx`),
 * settled, and the facts the expectations are computed from.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1';
import { createCluster } from '../../engine';
import type { Cluster, ClusterRequest, KObject, Trace } from '../../engine';
import { LESSON_FILES } from '../host/lesson-files';

export interface Lesson {
  cluster: Cluster;
  /** httpd2's ClusterIP. */
  clusterIP: string;
  /** nginx's NodePort. */
  nodePort: number;
  /** httpd2's endpoints (`ip:80`) in kube-proxy's order (ip:port as strings). */
  endpoints: string[];
  /** The pod behind an endpoint address (`10.244.1.4:80` → `default/httpd2-…`). */
  podOf(ipPort: string): string;
  request(r: ClusterRequest): Trace;
}

export function lessonCluster(seed = 1): Lesson {
  const cluster = createCluster({ seed });
  cluster.apply(LESSON_FILES['deployment.yml']!);
  cluster.apply(LESSON_FILES['service.yml']!);
  cluster.advance(120_000);
  const svc = (name: string) => cluster.store.get('Service', 'default', name) as Service & KObject;
  const pods = cluster.store.list('Pod', { namespace: 'default' }) as Array<Pod & KObject>;
  const httpd = pods.filter((p) => p.metadata.name?.startsWith('httpd2-'));
  return {
    cluster,
    clusterIP: svc('httpd2').spec!.clusterIP!,
    nodePort: svc('nginx').spec!.ports![0]!.nodePort!,
    endpoints: httpd.map((p) => `${p.status!.podIP!}:80`).sort(),
    podOf: (ipPort) => {
      const pod = pods.find((p) => `${p.status?.podIP}:80` === ipPort);
      return `default/${pod?.metadata.name ?? '?'}`;
    },
    request: (r) => cluster.request(r),
  };
}
