/**
 * `playground`: the simulated cluster's own settings, as one shell command on every node, the
 * way `minikube` has its own (cobra-style help and errors, minikube's emoji-led messages).
 *
 *   playground proxy-mode [iptables|userspace|ipvs]   kube-proxy's mode on every node
 *   playground cloud-lb [on|off]                      the simulated cloud load balancer
 *   playground addons list|enable|disable [ADDON]     optional components (ingress/addons-command.ts)
 *
 * Settings live in the cluster's Dataplane (`dataplaneOf(ctx).update`), which the kube-proxies,
 * the cloud controller and the UI listen to; the shell lets the cluster react before the next
 * prompt, so `kubectl get svc` or `iptables-save` right after shows the effect.
 */
import { registerHostTool } from '../shell/shell';
import type { HostTool } from '../shell/shell';
import type { CommandResult } from '../shell/types';
import { dataplaneOf } from './dataplane';
import { ADDONS_HELP, ADDONS_SHORT, addonsCommand } from './ingress/addons-command';
import type { ProxyMode } from './model';

export const PROXY_MODES: readonly ProxyMode[] = ['iptables', 'userspace', 'ipvs'];
/** The simulated provider's address pool (RFC 5737 TEST-NET-3: documentation addresses). */
export const CLOUD_LB_POOL = '203.0.113.0/24';

const ok = (stdout: string): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string): CommandResult => ({ stdout: '', stderr, exitCode: 1 });

const ROOT_HELP = `playground shapes this simulated cluster: how kube-proxy implements Services, and what
the "cloud" underneath it provides. Settings apply to every node at once.

Usage:
  playground [command]

Available Commands:
  addons        ${ADDONS_SHORT}
  cloud-lb      Show, or turn on or off, the simulated cloud load balancer
  proxy-mode    Show or change kube-proxy's mode on every node (iptables, userspace, ipvs)

Flags:
  -h, --help   help for playground

Use "playground [command] --help" for more information about a command.
`;

const PROXY_MODE_HELP = `Show kube-proxy's mode, or switch every node's kube-proxy to another one. Each node's
rules are rewritten at once, as a restarted kube-proxy would rewrite them:

  iptables    netfilter rules with random DNAT (the default since Kubernetes v1.2)
  userspace   kube-proxy itself proxies each connection (removed in v1.26; kept here to compare)
  ipvs        IPVS virtual servers, service IPs bound to kube-ipvs0

Usage:
  playground proxy-mode [iptables|userspace|ipvs] [flags]

Examples:
  playground proxy-mode
  playground proxy-mode ipvs

Flags:
  -h, --help   help for proxy-mode
`;

const CLOUD_LB_HELP = `Show the simulated cloud load balancer's state, or turn it on or off. While it is on, the
cloud controller gives every Service of type LoadBalancer an EXTERNAL-IP from ${CLOUD_LB_POOL};
while it is off, they stay <pending>, as on a cluster without a cloud provider.

Usage:
  playground cloud-lb [on|off] [flags]

Examples:
  playground cloud-lb
  playground cloud-lb on

Flags:
  -h, --help   help for cloud-lb
`;

const isHelp = (a: string): boolean => a === '-h' || a === '--help';

function unknownFlag(flag: string, command: string): CommandResult {
  return fail(`Error: unknown flag: ${flag}\nRun '${command} --help' for usage.\n`);
}

function tooMany(n: number, command: string): CommandResult {
  return fail(
    `Error: accepts at most 1 arg(s), received ${n}\nRun '${command} --help' for usage.\n`,
  );
}

export const playgroundCommand: HostTool = (argv, _io, ctx) => {
  const plane = dataplaneOf(ctx.cluster.context);
  const [sub, ...rest] = argv.slice(1);
  if (sub === undefined || isHelp(sub)) return ok(ROOT_HELP);
  if (sub === 'help') {
    if (rest[0] === 'proxy-mode') return ok(PROXY_MODE_HELP);
    if (rest[0] === 'cloud-lb') return ok(CLOUD_LB_HELP);
    if (rest[0] === 'addons') return ok(ADDONS_HELP);
    if (rest[0] !== undefined) {
      return fail(`Error: unknown help topic "${rest[0]}"\nRun 'playground --help' for usage.\n`);
    }
    return ok(ROOT_HELP);
  }
  if (sub.startsWith('-')) return unknownFlag(sub, 'playground');

  if (sub === 'addons') return addonsCommand(rest, ctx);

  if (sub === 'proxy-mode') {
    if (rest.some(isHelp)) return ok(PROXY_MODE_HELP);
    const flag = rest.find((a) => a.startsWith('-'));
    if (flag) return unknownFlag(flag, 'playground proxy-mode');
    if (rest.length > 1) return tooMany(rest.length, 'playground proxy-mode');
    const want = rest[0];
    if (want === undefined) return ok(`${plane.settings.proxyMode}\n`);
    if (!(PROXY_MODES as readonly string[]).includes(want)) {
      return fail(
        `❌  Invalid kube-proxy mode "${want}": choose one of ${PROXY_MODES.join(', ')}\n`,
      );
    }
    const mode = want as ProxyMode;
    if (plane.settings.proxyMode === mode) {
      return ok(`👍  kube-proxy is already in "${mode}" mode.\n`);
    }
    plane.update({ proxyMode: mode });
    let text = `✅  kube-proxy mode is now "${mode}": every node's rules were re-synced.\n`;
    if (mode === 'userspace') {
      text +=
        '❗  The userspace mode was removed from kube-proxy in Kubernetes v1.26; the playground keeps it to compare.\n';
    }
    return ok(text);
  }

  if (sub === 'cloud-lb') {
    if (rest.some(isHelp)) return ok(CLOUD_LB_HELP);
    const flag = rest.find((a) => a.startsWith('-'));
    if (flag) return unknownFlag(flag, 'playground cloud-lb');
    if (rest.length > 1) return tooMany(rest.length, 'playground cloud-lb');
    const want = rest[0];
    if (want === undefined) return ok(`${plane.settings.cloudLB ? 'on' : 'off'}\n`);
    if (want !== 'on' && want !== 'off') {
      return fail(`❌  Invalid cloud-lb setting "${want}": choose on or off\n`);
    }
    const on = want === 'on';
    if (plane.settings.cloudLB === on) {
      return ok(`👍  The cloud load balancer is already ${want}.\n`);
    }
    plane.update({ cloudLB: on });
    return ok(
      on
        ? `✅  Cloud load balancer is on: LoadBalancer services get an EXTERNAL-IP from ${CLOUD_LB_POOL}.\n`
        : '✅  Cloud load balancer is off: LoadBalancer services are back to EXTERNAL-IP <pending>.\n',
    );
  }

  return fail(
    `Error: unknown command "${sub}" for "playground"\nRun 'playground --help' for usage.\n`,
  );
};

export function registerPlaygroundCommand(): void {
  registerHostTool('playground', playgroundCommand);
}

registerPlaygroundCommand();
