/**
 * `kubectl cluster-info`: where the control plane and the cluster services run.
 *
 * Models staging/src/k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo.go Run: the API server's
 * address (the kubeconfig's server, https://<control-plane IP>:6443 in a kubeadm cluster), then
 * every Service labelled `kubernetes.io/cluster-service=true` in kube-system (or `-n`), named by
 * its `kubernetes.io/name` label, at its API-server proxy URL
 * (`/api/v1/namespaces/<ns>/services/[https:]<name>[:<port name>]/proxy`) or, for a load
 * balancer, `http://<ingress>:<port>` per port.
 *
 * Simplified: real kubectl colours the names green and the URLs yellow with ANSI escapes when
 * writing to a terminal; this prints plain text. `cluster-info dump` is not implemented.
 */
import type { Service } from 'kubernetes-types/core/v1';
import { parseSelector } from '../../api/selectors';
import type { KObject } from '../../api/types';
import { ok } from '../../shell/types';
import type { CommandResult } from '../../shell/types';
import type { CommandContext, KubectlCommand, KubectlEnv } from '../types';

/** The API server URL kubeadm writes into admin.conf. */
export function apiServerUrl(env: KubectlEnv): string {
  const nodes = env.context.config.nodes;
  const cp = nodes.find((n) => n.role === 'control-plane') ?? nodes[0];
  return `https://${cp?.ip ?? '127.0.0.1'}:6443`;
}

/** utilnet.JoinSchemeNamePort. */
function joinSchemeNamePort(scheme: string, name: string, port: string): string {
  if (scheme !== '') return `${scheme}:${name}:${port}`;
  return port !== '' ? `${name}:${port}` : name;
}

function serviceLink(svc: Service & KObject, host: string): string {
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  const ports = svc.spec?.ports ?? [];
  if (ingress.length > 0) {
    const ip = ingress[0]?.ip || ingress[0]?.hostname || '';
    return ports.map((p) => `http://${ip}:${p.port} `).join('');
  }
  let name = svc.metadata.name ?? '';
  const port = ports[0];
  if (port) {
    // kubectl guesses https from the port's name or number.
    const scheme = port.name === 'https' || port.port === 443 ? 'https' : '';
    name = joinSchemeNamePort(scheme, name, port.name ?? '');
  }
  return `${host}/api/v1/namespaces/${svc.metadata.namespace ?? ''}/services/${name}/proxy`;
}

function runClusterInfo(ctx: CommandContext): CommandResult {
  const { env } = ctx;
  const host = apiServerUrl(env);
  const namespace = ctx.namespaceExplicit ? ctx.namespace : 'kube-system';
  const services = env.store
    .list<Service & KObject>('Service', {
      namespace,
      selector: parseSelector('kubernetes.io/cluster-service=true'),
    })
    .slice()
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  let out = `Kubernetes control plane is running at ${host}\n`;
  for (const svc of services) {
    const name = svc.metadata.labels?.['kubernetes.io/name'] || svc.metadata.name || '';
    out += `${name} is running at ${serviceLink(svc, host)}\n`;
  }
  out += "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n";
  return ok(out);
}

/** `kubectl cluster-info --help` (v1.30; the `dump` sub-command is not implemented). */
const HELP = `Display addresses of the control plane and services with label kubernetes.io/cluster-service=true. To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.

Examples:
  # Print the address of the control plane and cluster services
  kubectl cluster-info

Usage:
  kubectl cluster-info [flags] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const clusterInfoCommand: KubectlCommand = {
  name: 'cluster-info',
  short: 'Display cluster information',
  help: HELP,
  flags: [],
  run: runClusterInfo,
};
