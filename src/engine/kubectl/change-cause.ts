/**
 * `--record`: the `kubernetes.io/change-cause` annotation kubectl writes on the object it changes,
 * which the deployment controller copies to the new ReplicaSet and `kubectl rollout history`
 * shows in its CHANGE-CAUSE column.
 *
 * Models cli-runtime pkg/genericclioptions/record_flags.go:
 *  - ToRecorder: only `--record` / `--record=true` records; absent or `--record=false` does not
 *    (the flag's help promises "updating the existing annotation value only if one already
 *    exists", which the code never did);
 *  - parseCommandArguments: the cause is rebuilt from the command line the way pflag's ParseAll
 *    sees it: `kubectl`, then every positional argument in order (`set image deploy/x c=img`),
 *    then every flag in the order typed, long name and value, as ` --name=value` (`--record`
 *    becomes `--record=true`, `-n dev` becomes `--namespace=dev`).
 * So `kubectl set image deploy/httpd2 httpd2=httpd:v0.4 --record` records
 * `kubectl set image deploy/httpd2 httpd2=httpd:v0.4 --record=true`.
 */
import type { FlagSpec } from './types';

export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/** pflag prints this on stderr when `--record` is used (MarkDeprecated). */
export const RECORD_DEPRECATION =
  'Flag --record has been deprecated, --record will be removed in the future\n';

/** The `--record` flag as kubectl 1.30 declares it (hidden from --help: it is deprecated). */
export const RECORD_FLAG: FlagSpec = {
  name: 'record',
  type: 'bool',
  usage:
    'Record current kubectl command in the resource annotation. If set to false, do not record the command. If set to true, record the command. If not set, default to updating the existing annotation value only if one already exists.',
  deprecated: '--record will be removed in the future',
};

/**
 * The global flags every command accepts (kubectl.ts adds them to the parser); only their names
 * and whether they take a value matter here. Kept local so that command modules never import
 * kubectl.ts (which imports every command).
 */
const GLOBAL_FLAG_SHAPES: ReadonlyArray<Pick<FlagSpec, 'name' | 'short' | 'type'>> = [
  { name: 'namespace', short: 'n', type: 'string' },
  { name: 'help', short: 'h', type: 'bool' },
  { name: 'context', type: 'string' },
  { name: 'kubeconfig', type: 'string' },
  { name: 'v', short: 'v', type: 'int' },
  { name: 'request-timeout', type: 'string' },
];

/** Split a typed command line into words as a shell does for the simple cases: blanks, quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      const stop = end < 0 ? line.length : end;
      cur += line.slice(i + 1, stop);
      i = stop;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) i++;
        cur += line[i];
        i++;
      }
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/**
 * Models record_flags.go parseCommandArguments: `kubectl <positional args> --flag=value ...` for
 * the command line as typed. `specs` are the command's own flags; the global ones are known here.
 * The first word (the program) is reduced to its base name, as filepath.Base(os.Args[0]).
 */
export function changeCauseFor(commandLine: string, specs: readonly FlagSpec[]): string {
  const words = shellWords(commandLine);
  const program = words[0] ?? 'kubectl';
  const base = program.slice(program.lastIndexOf('/') + 1) || 'kubectl';
  const all = [...specs, ...GLOBAL_FLAG_SHAPES];
  const byName = new Map(all.map((s) => [s.name, s]));
  const byShort = new Map(all.filter((s) => s.short).map((s) => [s.short as string, s]));
  const args: string[] = [];
  let flags = '';
  const add = (name: string, value: string): void => {
    flags += ` --${name}=${value}`;
  };
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '--') {
      args.push(...words.slice(i + 1));
      break;
    }
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = eq >= 0 ? w.slice(2, eq) : w.slice(2);
      const spec = byName.get(name);
      if (eq >= 0) add(name, w.slice(eq + 1));
      else if (!spec || spec.type === 'bool') add(name, 'true');
      else add(name, words[++i] ?? '');
      continue;
    }
    if (w.startsWith('-') && w.length > 1) {
      for (let j = 1; j < w.length; j++) {
        const spec = byShort.get(w[j] as string);
        if (!spec) break;
        const rest = w.slice(j + 1);
        if (spec.type === 'bool') {
          if (rest.startsWith('=')) {
            add(spec.name, rest.slice(1));
            break;
          }
          add(spec.name, 'true');
          continue;
        }
        if (rest.length > 0) add(spec.name, rest.startsWith('=') ? rest.slice(1) : rest);
        else add(spec.name, words[++i] ?? '');
        break;
      }
      continue;
    }
    args.push(w);
  }
  return base + (args.length > 0 ? ' ' + args.join(' ') : '') + flags;
}
