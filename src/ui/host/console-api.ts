/**
 * `window.playground`: the console API of every build, for power users and for the e2e tests.
 *
 *   playground.run('kubectl get pods')       → { stdout, stderr, exitCode }   (the terminal's shell)
 *   playground.apply(yamlText)               → kubectl apply's output, for text not in a file
 *   playground.advance(5000)                 → let 5 s of virtual time pass
 *   playground.settle()                      → run until nothing is pending
 *   playground.get('Pod', 'default', 'x')    → the object (frozen), or undefined
 *   playground.list('Pod', 'default')        → objects of a kind (in a namespace)
 *   playground.files() / readFile(n) / writeFile(n, text)   the workspace (the editor's tabs)
 *   playground.now()                         → virtual time, RFC 3339
 *   playground.reset()                       → back to the default cluster and files
 *   playground.help()                        → this list
 */
import type { CommandResult, KObject } from '../../engine';
import { formatTimestamp } from '../../engine';
import type { PlaygroundHost } from './playground-host';

export interface PlaygroundConsole {
  run(command: string): CommandResult;
  apply(yaml: string): CommandResult;
  advance(ms: number): void;
  settle(): void;
  get(kind: string, namespace: string | undefined, name: string): KObject | undefined;
  list(kind: string, namespace?: string): KObject[];
  files(): string[];
  readFile(name: string): string | undefined;
  writeFile(name: string, text: string): void;
  now(): string;
  reset(): void;
  help(): string;
}

const HELP = `window.playground — the playground's console API
  run(command)            run a shell command (kubectl …) as the terminal would; returns {stdout, stderr, exitCode}
  apply(yaml)             kubectl apply -f - with this text
  advance(ms)             let ms of virtual time pass
  settle()                run until nothing is pending
  get(kind, ns, name)     one object;  list(kind, ns?)  objects of a kind
  files() / readFile(name) / writeFile(name, text)   the workspace (the editor's tabs)
  now()                   virtual time;  reset()  back to the default cluster and files`;

export function consoleApi(host: PlaygroundHost): PlaygroundConsole {
  return {
    run: (command) => host.run(command),
    apply: (yaml) => host.run(`kubectl apply -f - <<'PLAYGROUND_EOF'\n${yaml}\nPLAYGROUND_EOF`),
    advance: (ms) => {
      host.cluster.advance(ms);
    },
    settle: () => {
      host.cluster.settle();
    },
    get: (kind, namespace, name) => host.cluster.store.get(kind, namespace, name),
    list: (kind, namespace) =>
      host.cluster.store.list(kind, namespace === undefined ? {} : { namespace }),
    files: () => host.cluster.workspace.list(),
    readFile: (name) => host.cluster.workspace.read(name),
    writeFile: (name, text) => host.cluster.workspace.write(name, text),
    now: () => formatTimestamp(host.cluster.now()),
    reset: () => host.reset(),
    help: () => HELP,
  };
}

declare global {
  interface Window {
    playground?: PlaygroundConsole;
  }
}
