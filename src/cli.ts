/**
 * `npm run --silent sim -- SCRIPT [--workdir DIR] [--seed N]`: run a shell script line by line
 * against a fresh default cluster and print the transcript, as a terminal would show it.
 *
 * The workspace (`/root/test`, where the prompt starts) holds DIR's files — by default the
 * script's own directory, so `examples/walkthrough/walkthrough.sh` finds its manifests. Exit
 * status 0 when the script ran, whatever its commands returned; 2 for a usage error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createCluster, loadExplainSchema } from './engine';
import { runScript } from './engine/transcript';

const USAGE = `Usage: npm run --silent sim -- SCRIPT [--workdir DIR] [--seed N]

Run SCRIPT, a shell script (one command per line, as typed at the playground's terminal), against a
fresh simulated cluster (master, node1, node2) and print the transcript: each command after its
prompt, then its output. \`#\` lines are comments. \`sleep N\` lets N seconds of virtual time pass.

Options:
  --workdir DIR   the files of the workspace /root/test (default: the script's directory)
  --seed N        the simulation's random seed (default: 1); the same seed gives the same transcript
  -h, --help      show this help

Example:
  npm run --silent sim -- examples/walkthrough/walkthrough.sh
`;

interface CliArgs {
  script: string;
  workdir?: string;
  seed: number;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): CliArgs | 'help' {
  let script: string | undefined;
  let workdir: string | undefined;
  let seed = 1;
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
    } else if (a.startsWith('-')) throw new UsageError(`unknown option: ${a}`);
    else if (script === undefined) script = a;
    else throw new UsageError(`unexpected argument: ${a} (one script at a time)`);
  }
  if (script === undefined) throw new UsageError('no script given');
  return workdir === undefined ? { script, seed } : { script, workdir, seed };
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
    const cluster = createCluster({ seed: args.seed, files });
    process.stdout.write(runScript(cluster.shell, script) + '\n');
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`sim: ${e.message}\n`);
    return 2;
  }
}

// kubectl explain's schema loads on its own (the page fetches it in the background).
await loadExplainSchema();
process.exitCode = main(process.argv.slice(2));
