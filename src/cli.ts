/**
 * `npm run --silent sim -- SCRIPT [--workdir DIR] [--seed N] [--proxy-mode MODE] [--cloud-lb on|off]`
 * runs a shell script line by line against a fresh default cluster and prints the transcript, as
 * a terminal would show it. The playground settings are applied before the first line.
 *
 * The workspace (`/root/test`, where the prompt starts) holds DIR's files — by default the
 * script's own directory, so `examples/walkthrough/walkthrough.sh` finds its manifests. Exit
 * status 0 when the script ran, whatever its commands returned; 2 for a usage error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCluster, dataplaneOf, loadExplainSchema } from './engine';
import type { PlaygroundSettings, ProxyMode } from './engine';
import { runScript } from './engine/transcript';

const PROXY_MODES: readonly ProxyMode[] = ['iptables', 'userspace', 'ipvs'];

const USAGE = `Usage: npm run --silent sim -- SCRIPT [--workdir DIR] [--seed N]
                               [--proxy-mode MODE] [--cloud-lb on|off]

Run SCRIPT, a shell script (one command per line, as typed at the playground's terminal), against a
fresh simulated cluster (master, node1, node2) and print the transcript: each command after its
prompt, then its output. \`#\` lines are comments. \`sleep N\` lets N seconds of virtual time pass.

Options:
  --workdir DIR   the files of the workspace /root/test (default: the script's directory)
  --seed N        the simulation's random seed (default: 1); the same seed gives the same transcript
  --proxy-mode MODE
                  kube-proxy's mode on every node: iptables (default), userspace or ipvs
                  (as \`playground proxy-mode MODE\` before the script's first line)
  --cloud-lb on|off
                  the simulated cloud load balancer (default: off); on, LoadBalancer Services get
                  an EXTERNAL-IP from 203.0.113.0/24 (as \`playground cloud-lb on\`)
  -h, --help      show this help

Examples:
  npm run --silent sim -- examples/walkthrough/walkthrough.sh
  npm run --silent sim -- examples/walkthrough/walkthrough.sh --proxy-mode ipvs
`;

export interface CliArgs {
  script: string;
  workdir?: string;
  seed: number;
  /** The playground settings to apply before the script runs (only those given). */
  settings: Partial<PlaygroundSettings>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs | 'help' {
  let script: string | undefined;
  let workdir: string | undefined;
  let seed = 1;
  const settings: Partial<PlaygroundSettings> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (name: string): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--workdir' || a.startsWith('--workdir=')) workdir = value('--workdir');
    else if (a === '--seed' || a.startsWith('--seed=')) {
      const v = value('--seed');
      if (!/^\d+$/.test(v))
        throw new UsageError(`--seed must be a non-negative integer, not "${v}"`);
      seed = Number(v);
    } else if (a === '--proxy-mode' || a.startsWith('--proxy-mode=')) {
      const v = value('--proxy-mode');
      if (!(PROXY_MODES as readonly string[]).includes(v))
        throw new UsageError(`--proxy-mode must be one of ${PROXY_MODES.join(', ')}, not "${v}"`);
      settings.proxyMode = v as ProxyMode;
    } else if (a === '--cloud-lb' || a.startsWith('--cloud-lb=')) {
      const v = value('--cloud-lb');
      if (v !== 'on' && v !== 'off')
        throw new UsageError(`--cloud-lb must be on or off, not "${v}"`);
      settings.cloudLB = v === 'on';
    } else if (a.startsWith('-')) throw new UsageError(`unknown option: ${a}`);
    else if (script === undefined) script = a;
    else throw new UsageError(`unexpected argument: ${a} (one script at a time)`);
  }
  if (script === undefined) throw new UsageError('no script given');
  return workdir === undefined ? { script, seed, settings } : { script, workdir, seed, settings };
}

/** The transcript of `script` run on a fresh cluster with these files, seed and settings. */
export function simulate(
  script: string,
  files: Record<string, string>,
  opts: Pick<CliArgs, 'seed' | 'settings'>,
): string {
  const cluster = createCluster({ seed: opts.seed, files });
  // As `playground proxy-mode …` / `playground cloud-lb …` typed before the first line.
  dataplaneOf(cluster.context).update(opts.settings);
  return runScript(cluster.shell, script) + '\n';
}

/** The regular files directly in dir, by name. */
function readWorkdir(dir: string): Record<string, string> {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`cannot read workdir "${dir}": no such directory`);
  }
  if (!st.isDirectory()) throw new UsageError(`workdir "${dir}" is not a directory`);
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path, 'utf8');
  }
  return files;
}

function main(argv: readonly string[]): number {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`sim: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    let script: string;
    try {
      script = readFileSync(args.script, 'utf8');
    } catch {
      throw new UsageError(`cannot read script "${args.script}": no such file`);
    }
    const workdir = args.workdir ?? dirname(args.script);
    const files = readWorkdir(workdir);
    // The script itself is not part of the workspace unless it lives in --workdir explicitly.
    if (args.workdir === undefined) delete files[basename(args.script)];
    process.stdout.write(simulate(script, files, args));
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`sim: ${e.message}\n`);
    return 2;
  }
}

// Run when started as the program (tests import the functions above instead).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // kubectl explain's schema loads on its own (the page fetches it in the background).
  await loadExplainSchema();
  process.exitCode = main(process.argv.slice(2));
}
