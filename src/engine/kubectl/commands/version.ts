/**
 * `kubectl version [--client] [-o yaml|json]`.
 *
 * Models staging/src/k8s.io/kubectl/pkg/cmd/version/version.go Run: the plain form prints
 * `Client Version`, `Kustomize Version` and (unless --client) `Server Version`; `-o json` is
 * json.MarshalIndent with two spaces in the struct's field order; `-o yaml` is sigs.k8s.io/yaml,
 * so keys come out sorted. Client and server are both v1.30.2: the build facts below are the
 * real release's (gitCommit 39683505…, go1.22.4; kubectl linux/amd64 built 2024-06-11T20:29:44Z,
 * kube-apiserver 2024-06-11T20:21:00Z, as `kubectl version` / `/version` report them). No
 * version-skew warning, as the versions match.
 */
import { KUBERNETES_VERSION } from '../../cluster-config';
import { ok } from '../../shell/types';
import type { CommandResult } from '../../shell/types';
import { toYaml } from '../printers/yaml';
import type { CommandContext, KubectlCommand } from '../types';
import { KubectlError } from '../types';

export const KUSTOMIZE_VERSION = 'v5.0.4-0.20230601165947-6ce0bf390ce3';

interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

function versionInfo(buildDate: string): VersionInfo {
  const [major = '1', minor = '30'] = KUBERNETES_VERSION.slice(1).split('.');
  return {
    major,
    minor,
    gitVersion: KUBERNETES_VERSION,
    gitCommit: '39683505b630ff2121012f3c5b16215a1449d5ed',
    gitTreeState: 'clean',
    buildDate,
    goVersion: 'go1.22.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export const CLIENT_VERSION = versionInfo('2024-06-11T20:29:44Z');
export const SERVER_VERSION = versionInfo('2024-06-11T20:21:00Z');

/** Go's json.MarshalIndent(v, "", "  ") of the version struct (field order kept). */
function jsonVersion(client: boolean): string {
  const info = (v: VersionInfo): string =>
    '{\n' +
    Object.entries(v)
      .map(([k, val]) => `    ${JSON.stringify(k)}: ${JSON.stringify(val)}`)
      .join(',\n') +
    '\n  }';
  const parts = [`  "clientVersion": ${info(CLIENT_VERSION)}`];
  parts.push(`  "kustomizeVersion": ${JSON.stringify(KUSTOMIZE_VERSION)}`);
  if (!client) parts.push(`  "serverVersion": ${info(SERVER_VERSION)}`);
  return `{\n${parts.join(',\n')}\n}\n`;
}

function runVersion(ctx: CommandContext): CommandResult {
  const output = ctx.flags.string('output');
  const client = ctx.flags.bool('client');
  if (output !== '' && output !== 'yaml' && output !== 'json')
    throw new KubectlError("--output must be 'yaml' or 'json'");
  if (output === 'json') return ok(jsonVersion(client));
  if (output === 'yaml') {
    const doc: Record<string, unknown> = {
      clientVersion: CLIENT_VERSION,
      kustomizeVersion: KUSTOMIZE_VERSION,
    };
    if (!client) doc.serverVersion = SERVER_VERSION;
    return ok(toYaml(doc));
  }
  let out = `Client Version: ${CLIENT_VERSION.gitVersion}\nKustomize Version: ${KUSTOMIZE_VERSION}\n`;
  if (!client) out += `Server Version: ${SERVER_VERSION.gitVersion}\n`;
  return ok(out);
}

/** `kubectl version --help` (v1.30, flags limited to the ones implemented). */
const HELP = `Print the client and server version information for the current context.

Examples:
  # Print the client and server versions for the current context
  kubectl version

Options:
    --client=false:
\tIf true, shows client version only (no server required).

    -o, --output='':
\tOne of 'yaml' or 'json'.

Usage:
  kubectl version [flags] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const versionCommand: KubectlCommand = {
  name: 'version',
  short: 'Print the client and server version information',
  help: HELP,
  flags: [
    {
      name: 'client',
      type: 'bool',
      usage: 'If true, shows client version only (no server required).',
    },
    { name: 'output', short: 'o', type: 'string', usage: "One of 'yaml' or 'json'." },
  ],
  run: runVersion,
};
