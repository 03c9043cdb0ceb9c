/**
 * `kubectl config view | current-context | get-contexts | use-context`: the kubeconfig of the
 * control-plane node's root user, which is kubeadm's admin.conf (one cluster `kubernetes` at
 * https://<control-plane IP>:6443, one user `kubernetes-admin`, one context
 * `kubernetes-admin@kubernetes`).
 *
 * Models staging/src/k8s.io/kubectl/pkg/cmd/config/{view,current_context,get_contexts,
 * use_context}.go. `config view` prints the config through the YAML printer (keys sorted) with
 * certificate and key data shortened to `DATA+OMITTED` (clientcmdapi.ShortenConfig) unless
 * `--raw`; with a single context `--minify` changes nothing.
 *
 * Simplified: the kubeconfig is fixed, so `use-context` can only switch to the context that is
 * already current; the `--raw` certificate and key are deterministic stand-ins (PEM-shaped
 * base64 of seeded random bytes), not real X.509 material.
 */
import { ok } from '../../shell/types';
import type { CommandResult } from '../../shell/types';
import { toYaml } from '../printers/yaml';
import { tabulate } from '../printers/tabwriter';
import type { CommandContext, KubectlCommand, KubectlEnv } from '../types';
import { KubectlError, usageError } from '../types';
import { apiServerUrl } from './cluster-info';
import { OPTIONS_TIP } from '../help';

export const CLUSTER_NAME = 'kubernetes';
export const USER_NAME = 'kubernetes-admin';
export const CONTEXT_NAME = 'kubernetes-admin@kubernetes';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}

const asciiBytes = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** base64 of a PEM block whose body is `size` seeded bytes shaped like a DER sequence. */
function fakePemData(env: KubectlEnv, label: string, type: string, size: number): string {
  const rng = env.context.rng(`kubeconfig/${label}`);
  const der = [0x30, 0x82, (size - 4) >> 8, (size - 4) & 0xff];
  while (der.length < size) der.push(rng.int(256));
  const body = base64(der).replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return base64(asciiBytes(`-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`));
}

/** admin.conf as `kubectl config view` shows it. */
export function kubeconfig(env: KubectlEnv, raw: boolean): Record<string, unknown> {
  const data = (label: string, type: string, size: number): string =>
    raw ? fakePemData(env, label, type, size) : 'DATA+OMITTED';
  return {
    apiVersion: 'v1',
    clusters: [
      {
        cluster: {
          'certificate-authority-data': data('ca', 'CERTIFICATE', 764),
          server: apiServerUrl(env),
        },
        name: CLUSTER_NAME,
      },
    ],
    contexts: [{ context: { cluster: CLUSTER_NAME, user: USER_NAME }, name: CONTEXT_NAME }],
    'current-context': CONTEXT_NAME,
    kind: 'Config',
    preferences: {},
    users: [
      {
        name: USER_NAME,
        user: {
          'client-certificate-data': data('client-cert', 'CERTIFICATE', 796),
          'client-key-data': data('client-key', 'RSA PRIVATE KEY', 1191),
        },
      },
    ],
  };
}

function runView(ctx: CommandContext): CommandResult {
  return ok(toYaml(kubeconfig(ctx.env, ctx.flags.bool('raw'))));
}

function runCurrentContext(): CommandResult {
  return ok(`${CONTEXT_NAME}\n`);
}

function runGetContexts(ctx: CommandContext): CommandResult {
  const output = ctx.flags.string('output');
  if (output !== '' && output !== 'name')
    throw new KubectlError(
      `--output ${output} is not available in kubectl config get-contexts; resetting to default output format`,
    );
  const nameOnly = output === 'name';
  const wanted = ctx.args.length > 0 ? ctx.args : [CONTEXT_NAME];
  const rows: string[][] = [];
  if (!nameOnly && !ctx.flags.bool('no-headers'))
    rows.push(['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']);
  const errors: string[] = [];
  for (const name of wanted) {
    if (name !== CONTEXT_NAME) {
      errors.push(`context ${name} not found`);
      continue;
    }
    rows.push(nameOnly ? [name] : ['*', name, CLUSTER_NAME, USER_NAME, '']);
  }
  const stdout = nameOnly ? rows.map((r) => `${r[0]}\n`).join('') : tabulate(rows);
  if (errors.length === 0) return ok(stdout);
  // utilerrors.NewAggregate: one error as is, several as `[a, b]`.
  const message = errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
  return { stdout, stderr: `error: ${message}\n`, exitCode: 1 };
}

function runUseContext(ctx: CommandContext): CommandResult {
  if (ctx.args.length !== 1)
    throw usageError('config use-context', `Unexpected args: [${ctx.args.join(' ')}]`);
  const name = ctx.args[0]!;
  if (name !== CONTEXT_NAME) throw new KubectlError(`no context exists with the name: "${name}"`);
  return ok(`Switched to context "${name}".\n`);
}

const viewCommand: KubectlCommand = {
  name: 'view',
  short: 'Display merged kubeconfig settings or a specified kubeconfig file',
  flags: [
    {
      name: 'minify',
      type: 'bool',
      usage: 'Remove all information not used by current-context from the output',
    },
    { name: 'raw', type: 'bool', usage: 'Display raw byte data and sensitive data' },
  ],
  help: `Display merged kubeconfig settings or a specified kubeconfig file.

 You can use --output jsonpath={...} to extract specific values using a jsonpath expression.

Examples:
  # Show merged kubeconfig settings
  kubectl config view
  
  # Show merged kubeconfig settings, raw certificate data, and exposed secrets
  kubectl config view --raw
  
  # Get the password for the e2e user
  kubectl config view -o jsonpath='{.users[?(@.name == "e2e")].user.password}'

Options:
    --minify=false:
\tRemove all information not used by current-context from the output

    --raw=false:
\tDisplay raw byte data and sensitive data

Usage:
  kubectl config view [flags] [options]

${OPTIONS_TIP}`,
  run: runView,
};

const currentContextCommand: KubectlCommand = {
  name: 'current-context',
  short: 'Display the current-context',
  flags: [],
  help: `Display the current-context.

Examples:
  # Display the current-context
  kubectl config current-context

Usage:
  kubectl config current-context [flags] [options]

${OPTIONS_TIP}`,
  run: runCurrentContext,
};

const getContextsCommand: KubectlCommand = {
  name: 'get-contexts',
  short: 'Describe one or many contexts',
  flags: [
    {
      name: 'no-headers',
      type: 'bool',
      usage:
        "When using the default or custom-column output format, don't print headers (default print headers).",
    },
    { name: 'output', short: 'o', type: 'string', usage: 'Output format. One of: (name).' },
  ],
  help: `Display one or many contexts from the kubeconfig file.

Examples:
  # List all the contexts in your kubeconfig file
  kubectl config get-contexts
  
  # Describe one context in your kubeconfig file
  kubectl config get-contexts my-context

Options:
    --no-headers=false:
\tWhen using the default or custom-column output format, don't print headers (default print headers).

    -o, --output='':
\tOutput format. One of: (name).

Usage:
  kubectl config get-contexts [(-o|--output=)name)] [options]

${OPTIONS_TIP}`,
  run: runGetContexts,
};

const useContextCommand: KubectlCommand = {
  name: 'use-context',
  aliases: ['use'],
  short: 'Set the current-context in a kubeconfig file',
  flags: [],
  help: `Set the current-context in a kubeconfig file.

Aliases:
use-context, use

Examples:
  # Use the context for the minikube cluster
  kubectl config use-context minikube

Usage:
  kubectl config use-context CONTEXT_NAME [options]

${OPTIONS_TIP}`,
  run: runUseContext,
};

/** `kubectl config`: a group; alone it prints its help (cmdutil.DefaultSubCommandRun). */
export const configCommand: KubectlCommand = {
  name: 'config',
  short: 'Modify kubeconfig files',
  flags: [],
  help: `Modify kubeconfig files using subcommands like "kubectl config set current-context my-context".

 The loading order follows these rules:

  1.  If the --kubeconfig flag is set, then only that file is loaded. The flag may only be set once and no merging takes place.
  2.  If $KUBECONFIG environment variable is set, then it is used as a list of paths (normal path delimiting rules for your system). These paths are merged. When a value is modified, it is modified in the file that defines the stanza. When a value is created, it is created in the first file that exists. If no files in the chain exist, then it creates the last file in the list.
  3.  Otherwise, \${HOME}/.kube/config is used and no merging takes place.

Available Commands:
  current-context   Display the current-context
  get-contexts      Describe one or many contexts
  use-context       Set the current-context in a kubeconfig file
  view              Display merged kubeconfig settings or a specified kubeconfig file

Usage:
  kubectl config SUBCOMMAND [options]

Use "kubectl config <command> --help" for more information about a given command.
${OPTIONS_TIP}`,
  subcommands: [currentContextCommand, getContextsCommand, useContextCommand, viewCommand],
};
