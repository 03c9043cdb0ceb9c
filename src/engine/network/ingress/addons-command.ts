/**
 * `playground addons`: optional cluster components, as `minikube addons` has them (cobra-style
 * help and errors, minikube's emoji-led messages, its bordered `addons list` table).
 *
 *   playground addons list                       the addons and whether they are enabled
 *   playground addons enable ingress-nginx       install ingress-nginx (ingress/addon.ts)
 *   playground addons disable ingress-nginx      remove it
 *
 * `ingress` is accepted for `ingress-nginx`, the name minikube gives the same addon. Enabling
 * waits, as minikube's "Verifying ingress addon..." does, until a controller pod is Ready (virtual
 * time passes: image pull, start, the readiness probe's initial delay). Whether an addon is
 * enabled is read from the cluster (its controller Deployment exists), not kept aside.
 */
import type { HostToolContext } from '../../shell/shell';
import type { CommandResult } from '../../shell/types';
import { dataplaneOf } from '../dataplane';
import {
  ADDON_NAME,
  ADDON_NAMESPACE,
  CONTROLLER_NAME,
  addonEnabled,
  addonReady,
  installAddon,
  uninstallAddon,
} from './addon';

/** How long enabling waits for the controller to be Ready (minikube's addon verify timeout). */
export const VERIFY_TIMEOUT_MS = 6 * 60_000;
const VERIFY_STEP_MS = 1_000;

const ok = (stdout: string): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, stdout = ''): CommandResult => ({ stdout, stderr, exitCode: 1 });
const isHelp = (a: string): boolean => a === '-h' || a === '--help';

export const ADDONS_SHORT = 'Enable or disable a playground addon (ingress-nginx)';

export const ADDONS_HELP = `addons modifies the playground's addons: optional cluster components such as an ingress
controller, installed as ordinary objects you can inspect with kubectl.

Usage:
  playground addons SUBCOMMAND [flags]

Available Commands:
  disable     Disables the addon w/ ADDON_NAME (example: playground addons disable ingress-nginx)
  enable      Enables the addon w/ ADDON_NAME (example: playground addons enable ingress-nginx)
  list        Lists all available playground addons as well as their current statuses (enabled/disabled)

Flags:
  -h, --help   help for addons

Use "playground addons [command] --help" for more information about a command.
`;

const ENABLE_HELP = `Enables the addon w/ ADDON_NAME: its objects are created in the cluster (for ingress-nginx:
the ingress-nginx namespace, the controller Deployment, its Service — type NodePort, or
LoadBalancer while "playground cloud-lb" is on — and the IngressClass nginx), then it waits
until the controller is ready.

Usage:
  playground addons enable ADDON_NAME [flags]

Examples:
  playground addons enable ingress-nginx

Flags:
  -h, --help   help for enable
`;

const DISABLE_HELP = `Disables the addon w/ ADDON_NAME: its objects are deleted from the cluster.

Usage:
  playground addons disable ADDON_NAME [flags]

Examples:
  playground addons disable ingress-nginx

Flags:
  -h, --help   help for disable
`;

const LIST_HELP = `Lists all available playground addons as well as their current statuses (enabled/disabled)

Usage:
  playground addons list [flags]

Flags:
  -h, --help   help for list
`;

interface AddonInfo {
  name: string;
  maintainer: string;
  images: string[];
}

const ADDONS: readonly AddonInfo[] = [
  {
    name: ADDON_NAME,
    maintainer: 'Kubernetes',
    images: ['registry.k8s.io/ingress-nginx/controller:v1.10.1'],
  },
];

/** `ingress` is minikube's name for the same addon. */
function addonNamed(name: string): AddonInfo | undefined {
  const n = name === 'ingress' ? ADDON_NAME : name;
  return ADDONS.find((a) => a.name === n);
}

function notAnAddon(name: string): CommandResult {
  return fail(
    `🤷  The addon '${name}' is not a valid addon packaged with the playground.\n` +
      '💡  To see the list of available addons run:\n' +
      '    playground addons list\n',
  );
}

/** Display width: ✅ takes two columns, as go-runewidth counts it. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) n += ch === '✅' ? 2 : 1;
  return n;
}

/** olekukonko/tablewriter as minikube sets it up: borders, `|` and `-`, headers centred. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`;
  const centre = (s: string, w: number): string => {
    const gap = w - width(s);
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + s + ' '.repeat(gap - left);
  };
  const line = (cells: string[], f: (s: string, w: number) => string): string =>
    `|${cells.map((c, i) => ` ${f(c, widths[i] ?? 0)} `).join('|')}|\n`;
  let out = rule + line(header, centre) + rule;
  for (const r of rows) out += line(r, (s, w) => s + ' '.repeat(w - width(s)));
  return out + rule;
}

function list(ctx: HostToolContext): CommandResult {
  const rows = ADDONS.map((a) => {
    const enabled = a.name === ADDON_NAME && addonEnabled(ctx.cluster.context);
    return [a.name, enabled ? 'enabled ✅' : 'disabled', a.maintainer];
  });
  return ok(table(['ADDON NAME', 'STATUS', 'MAINTAINER'], rows));
}

function enable(addon: AddonInfo, ctx: HostToolContext): CommandResult {
  const cctx = ctx.cluster.context;
  const loadBalancer = dataplaneOf(cctx).settings.cloudLB;
  if (addonEnabled(cctx)) {
    installAddon(cctx, { loadBalancer }); // puts back what was deleted by hand, as apply would
    return ok(`👍  The '${addon.name}' addon is already enabled.\n`);
  }
  let out = `💡  ${addon.name} is an addon maintained by ${addon.maintainer}.\n`;
  for (const img of addon.images) out += `    ▪ Using image ${img}\n`;
  installAddon(cctx, { loadBalancer });
  out +=
    `    ▪ Service ${ADDON_NAMESPACE}/${CONTROLLER_NAME} is of type ` +
    `${loadBalancer ? 'LoadBalancer (playground cloud-lb is on)' : 'NodePort (playground cloud-lb is off)'}\n`;
  out += `🔎  Verifying ${addon.name} addon...\n`;
  for (let waited = 0; !addonReady(cctx); waited += VERIFY_STEP_MS) {
    if (waited >= VERIFY_TIMEOUT_MS) {
      return fail(
        `❌  Exiting due to MK_ADDON_ENABLE: enable failed: waiting for ` +
          `app.kubernetes.io/name=ingress-nginx pods: timed out waiting for the condition\n`,
        out,
      );
    }
    ctx.cluster.advance(VERIFY_STEP_MS);
  }
  return ok(`${out}🌟  The '${addon.name}' addon is enabled\n`);
}

function disable(addon: AddonInfo, ctx: HostToolContext): CommandResult {
  const cctx = ctx.cluster.context;
  if (!addonEnabled(cctx)) {
    uninstallAddon(cctx); // whatever is left of it
    return ok(`👍  The '${addon.name}' addon is already disabled.\n`);
  }
  uninstallAddon(cctx);
  return ok(`🌑  The '${addon.name}' addon is disabled\n`);
}

/** `playground addons …` (argv after `addons`). */
export function addonsCommand(args: string[], ctx: HostToolContext): CommandResult {
  const [sub, ...rest] = args;
  if (sub === undefined || isHelp(sub)) return ok(ADDONS_HELP);
  if (sub.startsWith('-')) {
    return fail(`Error: unknown flag: ${sub}\nRun 'playground addons --help' for usage.\n`);
  }
  const helps: Record<string, string> = {
    enable: ENABLE_HELP,
    disable: DISABLE_HELP,
    list: LIST_HELP,
  };
  const help = helps[sub];
  if (help === undefined) {
    return fail(
      `Error: unknown command "${sub}" for "playground addons"\nRun 'playground addons --help' for usage.\n`,
    );
  }
  if (rest.some(isHelp)) return ok(help);
  const flag = rest.find((a) => a.startsWith('-'));
  if (flag) {
    return fail(`Error: unknown flag: ${flag}\nRun 'playground addons ${sub} --help' for usage.\n`);
  }
  if (sub === 'list') {
    if (rest.length > 0) return fail('usage: playground addons list\n');
    return list(ctx);
  }
  if (rest.length !== 1) {
    return fail(`❌  Exiting due to MK_USAGE: usage: playground addons ${sub} ADDON_NAME\n`);
  }
  const name = rest[0] ?? '';
  const addon = addonNamed(name);
  if (!addon) return notAnAddon(name);
  return sub === 'enable' ? enable(addon, ctx) : disable(addon, ctx);
}
