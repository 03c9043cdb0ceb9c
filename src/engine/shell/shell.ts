/**
 * The terminal's shell: a root bash on the control-plane node, `[root@master test]# ` in
 * /root/test, whose files are the workspace.
 *
 *  - `run(input)` takes one input as typed (several lines for a here-document; ask
 *    `needsMoreInput` first to know whether to show bash's `> ` prompt) and returns its stdout,
 *    stderr and exit status apart;
 *  - `ssh node1` opens a shell on another node (`[root@node1 ~]# `), `exit` returns;
 *  - `kubectl exec -it POD -- sh` opens a container shell (`/ # ` in busybox): the following
 *    inputs run inside it until `exit`;
 *  - builtins: ls, cat, echo, printf, pwd, cd, clear, history, hostname, date (the virtual
 *    clock), sleep (virtual time passes while the cluster runs), whoami, id, uname, touch, rm,
 *    cp, mv, grep, head, tail, wc, sort, uniq, cut, tr, awk, tee, seq, env, true, false, test,
 *    export, and kubectl (on the control-plane node; the workers have no kubeconfig);
 *  - pipes (`cat x.yml | kubectl apply -f -`), redirections (`> f`, `>> f`, `2>&1`,
 *    `2>/dev/null`, `< f`, here-documents), `;` `&&` `||`, `$VAR`, `$(…)`, globs, `for`/`if`.
 *
 * Later layers add node tools (`iptables-save`, `curl` on a node) with `registerHostTool`.
 */
import type { Cluster } from '../cluster';
import { nodeIsDown } from '../controllers/faults';
import { kubectlEnvFor } from '../kubectl/env';
import { runKubectl } from '../kubectl/kubectl';
import type { KubectlEnv } from '../kubectl/types';
import { formatTimestamp } from '../sim/clock';
import { dialectMessages } from './dialect';
import { basename, resolvePath } from './fs';
import type { Tool, ToolIO } from './interpreter';
import { Interpreter } from './interpreter';
import type { NodeIdentity } from './node-fs';
import { NodeFs, WORKSPACE_DIR } from './node-fs';
import { needsMoreInput } from './parser';
import { makeFileTools } from './tools/files';
import { makeTextTools } from './tools/text';
import type { CommandResult, SessionHost, ShellSession, Workspace } from './types';
import { CLEAR_SCREEN } from './types';

export { needsMoreInput };

export interface ShellOptions {
  cluster: Cluster;
  workspace: Workspace;
  /** Terminal width, for `ls` columns (default 80). */
  columns?: number;
}

/** What a node tool added by a later layer can reach. */
export interface HostToolContext {
  cluster: Cluster;
  /** The node the shell runs on (`master`, `node1`). */
  node: string;
  fs: NodeFs;
  cwd(): string;
}

export type HostTool = (argv: string[], io: ToolIO, ctx: HostToolContext) => CommandResult;

const HOST_TOOLS = new Map<string, HostTool>();

/** Add a command to the nodes' shells (`iptables-save`, `ipvsadm`, `curl`, `playground`). */
export function registerHostTool(name: string, tool: HostTool): void {
  HOST_TOOLS.set(name, tool);
}

const KERNEL = '5.15.0-107-generic';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Where the nodes' commands live: `/usr/bin/kubectl` runs kubectl. */
const BIN_DIRS = new Set(PATH.split(':'));
const HOME = '/root';

/** One bash process: on a node, with its working directory and variables. */
interface Frame {
  node: string;
  cwd: string;
  vars: Map<string, string>;
  exported: string[];
  interp: Interpreter;
}

/** bash's PS1 for root on a node: `[root@master test]# `. */
function hostPrompt(node: string, cwd: string): string {
  return `[root@${node} ${cwd === HOME ? '~' : basename(cwd)}]# `;
}

/** An input that is one `sleep` command and nothing else (see Shell.deferSleep). */
const LONE_SLEEP = /^\s*sleep(?:[ \t]+[^\s;&|<>()$`'"\\]+)+[ \t]*\n*$/;

/** Engine units the cluster may run at once around a command (see Shell.run). */
const REACT_UNITS = 250;

export class Shell {
  private readonly cluster: Cluster;
  private readonly workspace: Workspace;
  private readonly columns: number;
  private readonly frames: Frame[] = [];
  private readonly fsByNode = new Map<string, NodeFs>();
  private readonly histories = new Map<string, string[]>();
  private session: ShellSession | undefined;
  private nextPid = 2301;

  constructor(opts: ShellOptions) {
    this.cluster = opts.cluster;
    this.workspace = opts.workspace;
    this.columns = opts.columns ?? 80;
    const master =
      this.cluster.config.nodes.find((n) => n.role === 'control-plane')?.name ?? 'master';
    this.frames.push(this.newFrame(master, WORKSPACE_DIR));
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1] as Frame;
  }

  /** The node the prompt is on. */
  get node(): string {
    return this.top.node;
  }

  get cwd(): string {
    return this.top.cwd;
  }

  /** Inside `kubectl exec -it … sh`. */
  get inContainer(): boolean {
    return this.session !== undefined;
  }

  /** The current node's history, oldest first. */
  history(): readonly string[] {
    return this.historyOf(this.top.node);
  }

  /** `[root@master test]# `, `[root@node1 ~]# `, or the container shell's prompt. */
  prompt(): string {
    if (this.session) return this.session.prompt();
    return hostPrompt(this.top.node, this.top.cwd);
  }

  /** The prompt runOnMaster's commands run at: `[root@master test]# `. */
  masterPrompt(): string {
    return hostPrompt(this.frames[0]!.node, WORKSPACE_DIR);
  }

  /** Whether bash would ask for more lines (`> `) before running this input. */
  needsMoreInput(input: string): boolean {
    return needsMoreInput(input);
  }

  /**
   * Run one input as typed at the prompt. Before and after it the cluster runs whatever is due
   * at this instant: real controllers react within milliseconds, so a `get` right after a write
   * (here, or from the editor) sees its effect, and the UI hears about every change at once.
   * At most REACT_UNITS units each time, though: a 1,000-replica apply sets off thousands (pod
   * creations, bindings, kubelet syncs), and a real kubectl returns long before the controllers
   * are done too. What is left runs as time goes on (the page's frames, the next command).
   */
  run(input: string): CommandResult {
    this.cluster.advance(0, REACT_UNITS, this.yieldNow);
    // A lone `sleep` on a node's shell, at a host that plays it (deferSleep): the tool checks
    // its arguments and answers as ever, and the time it would let pass is handed back.
    const slept =
      this.deferSleep && !this.session && LONE_SLEEP.test(input) ? { ms: 0 } : undefined;
    this.sleeping = slept;
    let r: CommandResult;
    try {
      r = this.runInput(input);
    } finally {
      this.sleeping = undefined;
    }
    if (slept && slept.ms > 0) r = { ...r, sleepMs: slept.ms };
    this.cluster.advance(0, REACT_UNITS, this.yieldNow);
    return r;
  }

  /**
   * Set by a host that plays a lone `sleep N` as a visible fast-forward (the page): run() then
   * returns the time in `sleepMs` instead of letting it pass. Unset (scripts, tests), sleep
   * lets the time pass at once.
   */
  deferSleep = false;
  /** While a deferred sleep runs: the time it asked for. */
  private sleeping: { ms: number } | undefined;

  /**
   * Run one input as a fresh root login on the control-plane node would, in the workspace
   * directory, whatever the terminal is in (a container, another node): the editor's Apply,
   * which is `kubectl apply -f FILE` on the master. The terminal's own state (its node, its
   * directory, a container session, its history) is left as it was.
   */
  runOnMaster(input: string): CommandResult {
    this.cluster.advance(0, REACT_UNITS, this.yieldNow);
    const frame = this.newFrame(this.frames[0]!.node, WORKSPACE_DIR);
    const r = frame.interp.runText(input.replace(/\n+$/, ''), { tty: true });
    this.cluster.advance(0, REACT_UNITS, this.yieldNow);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  }

  /**
   * Set by a host with a clock (the page): asked after each unit of that work, it may stop it
   * sooner than REACT_UNITS, leaving the rest to the host's frames. Unset, the cap alone decides
   * (scripted runs stay deterministic).
   */
  yieldNow: (() => boolean) | undefined;

  private runInput(input: string): CommandResult {
    if (this.session) {
      const r = this.session.run(input);
      if (r.ended) {
        this.session = undefined;
        this.top.interp.status = r.exitCode;
      }
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
    }
    const text = input.replace(/\n+$/, '');
    if (text.trim() === '') return { stdout: '', stderr: '', exitCode: this.top.interp.status };
    this.remember(text);
    const frame = this.top;
    const r = frame.interp.runText(text, { tty: true });
    if (r.exited && this.frames.length > 1 && this.top === frame) {
      this.frames.pop();
      this.top.interp.status = r.exitCode;
      const closed = `Connection to ${frame.node} closed.\n`;
      return {
        stdout: r.stdout + 'logout\n',
        stderr: r.stderr + closed,
        exitCode: r.exitCode,
        screen: r.stdout + r.stderr + 'logout\n' + closed,
      };
    }
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  }

  /** Leave a container session without `exit` (Ctrl-D in the terminal). */
  closeSession(): void {
    this.session?.close();
    this.session = undefined;
  }

  /** bash's history (HISTCONTROL=ignoreboth: no repeats, nothing typed with a leading blank). */
  private remember(text: string): void {
    if (/^[ \t]/.test(text)) return;
    const h = this.historyOf(this.top.node);
    if (h[h.length - 1] !== text) h.push(text);
  }

  private historyOf(node: string): string[] {
    let h = this.histories.get(node);
    if (!h) {
      h = [];
      this.histories.set(node, h);
    }
    return h;
  }

  private nodes(): NodeIdentity[] {
    return this.cluster.config.nodes.map((n) => ({ name: n.name, ip: n.ip }));
  }

  private fsOf(node: string): NodeFs {
    let fs = this.fsByNode.get(node);
    if (!fs) {
      const self = this.nodes().find((n) => n.name === node) ?? { name: node, ip: '' };
      const isMaster =
        this.cluster.config.nodes.find((n) => n.name === node)?.role === 'control-plane';
      fs = new NodeFs(
        self,
        this.nodes(),
        () => this.cluster.now(),
        isMaster ? this.workspace : undefined,
      );
      this.fsByNode.set(node, fs);
    }
    return fs;
  }

  private newFrame(node: string, cwd: string): Frame {
    const fs = this.fsOf(node);
    const vars = new Map<string, string>([
      ['SHELL', '/bin/bash'],
      ['PWD', cwd],
      ['LOGNAME', 'root'],
      ['HOME', HOME],
      ['LANG', 'en_US.UTF-8'],
      ['TERM', 'xterm-256color'],
      ['USER', 'root'],
      ['SHLVL', '1'],
      [
        'PATH',
        '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin',
      ],
      ['_', '/usr/bin/env'],
    ]);
    const exported = [...vars.keys()];
    vars.set('HOSTNAME', node);
    const frame: Frame = { node, cwd, vars, exported, interp: undefined as unknown as Interpreter };
    const pid = this.nextPid;
    this.nextPid += 37;
    const tools = this.toolsFor(frame, fs);
    // A command named by a path (`./x`, `/usr/bin/kubectl`): the tool when the path is where
    // the binary lives, otherwise bash's error for what is (or is not) at that path.
    const pathTool = (name: string): Tool => {
      const abs = resolvePath(frame.cwd, name);
      const tool = tools.get(basename(abs));
      if (tool && BIN_DIRS.has(abs.slice(0, abs.lastIndexOf('/')))) return tool;
      const [why, code] = fs.isDir(abs)
        ? ['Is a directory', 126]
        : fs.read(abs) !== undefined
          ? ['Permission denied', 126]
          : ['No such file or directory', 127];
      return () => ({ stdout: '', stderr: `bash: ${name}: ${why}\n`, exitCode: code });
    };
    frame.interp = new Interpreter({
      messages: dialectMessages('bash'),
      fs,
      vars,
      exported,
      cwd: () => frame.cwd,
      lookup: (name) => (name.includes('/') ? pathTool(name) : tools.get(name)),
      shellName: 'bash',
      pid,
      glob: (re, typed) => {
        const slash = typed.lastIndexOf('/');
        const dirPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
        const dir = resolvePath(frame.cwd, dirPart || '.');
        return (fs.list(dir) ?? [])
          .filter((n) => !n.startsWith('.') || typed.slice(slash + 1).startsWith('.'))
          .map((n) => dirPart + n)
          .filter((p) => re.test(p))
          .sort();
      },
    });
    return frame;
  }

  private toolsFor(frame: Frame, fs: NodeFs): Map<string, Tool> {
    const files = makeFileTools({
      fs,
      userland: 'gnu',
      messages: dialectMessages('bash'),
      cwd: () => frame.cwd,
      setCwd: (p) => {
        frame.vars.set('OLDPWD', frame.cwd);
        frame.cwd = p;
        frame.vars.set('PWD', p);
      },
      home: () => HOME,
      now: () => this.cluster.now(),
      columns: this.columns,
      collation: 'locale',
    });
    const text = makeTextTools({
      userland: 'gnu',
      dialect: 'bash',
      fs,
      cwd: () => frame.cwd,
      now: () => this.cluster.now(),
      advance: (ms) => {
        if (this.sleeping) this.sleeping.ms += ms;
        else this.cluster.advance(ms);
      },
      hostname: () => frame.node,
      environment: () =>
        frame.exported
          .filter((k) => frame.vars.has(k))
          .map((k) => [k, frame.vars.get(k) as string] as [string, string]),
      kernel: KERNEL,
      collation: 'locale',
    });
    const tools = new Map<string, Tool>(Object.entries({ ...files, ...text }));
    tools.set('clear', () => ({ stdout: CLEAR_SCREEN, stderr: '', exitCode: 0 }));
    tools.set('history', (argv) => this.historyTool(frame, argv));
    tools.set('kubectl', (argv, io) => this.kubectl(frame, argv, io));
    tools.set('ssh', (argv, io) => this.ssh(argv, io));
    const ctx: HostToolContext = {
      cluster: this.cluster,
      node: frame.node,
      fs,
      cwd: () => frame.cwd,
    };
    for (const [name, tool] of HOST_TOOLS) tools.set(name, (argv, io) => tool(argv, io, ctx));
    return tools;
  }

  private historyTool(frame: Frame, argv: string[]): CommandResult {
    const h = this.historyOf(frame.node);
    const arg = argv[1];
    if (arg === '-c') {
      h.length = 0;
      return { stdout: '', stderr: '', exitCode: 0 };
    }
    let from = 0;
    if (arg !== undefined) {
      if (!/^\d+$/.test(arg)) {
        return {
          stdout: '',
          stderr: `bash: history: ${arg}: numeric argument required\n`,
          exitCode: 1,
        };
      }
      from = Math.max(0, h.length - Number(arg));
    }
    const out = h
      .slice(from)
      .map((line, i) => `${String(from + i + 1).padStart(5)}  ${line}\n`)
      .join('');
    return { stdout: out, stderr: '', exitCode: 0 };
  }

  private kubectl(frame: Frame, argv: string[], io: ToolIO): CommandResult {
    const isMaster =
      this.cluster.config.nodes.find((n) => n.name === frame.node)?.role === 'control-plane';
    if (!isMaster) return noKubeconfig(this.cluster.now());
    const base = kubectlEnvFor(this.cluster, this.workspace, {
      commandLine: argv.join(' '),
      cwd: frame.cwd,
      ...(io.stdin !== undefined ? { stdin: io.stdin } : {}),
    });
    const env: KubectlEnv & SessionHost = {
      ...base,
      enterSession: (session) => {
        this.session = session;
      },
    };
    return runKubectl(argv.slice(1), env);
  }

  private ssh(argv: string[], io: ToolIO): CommandResult {
    // ssh's options come before the destination; everything after it is the remote command
    // (`ssh node1 ls -l /etc`), joined with spaces as ssh sends it.
    const args: string[] = [];
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i] ?? '';
      if (args.length === 0 && a.startsWith('-') && a.length > 1) {
        // Options that take a value, given separately (`-p 22`) rather than attached (`-p22`).
        if (a.length === 2 && SSH_VALUE_OPTIONS.includes(a[1] ?? '')) i++;
        continue;
      }
      args.push(a);
    }
    const dest = args[0];
    if (dest === undefined) {
      return {
        stdout: '',
        stderr:
          'usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]\n           [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]\n           [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]\n           [-i identity_file] [-J [user@]host[:port]] [-L address]\n           [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]\n           [-Q query_option] [-R address] [-S ctl_path] [-W host:port]\n           [-w local_tun[:remote_tun]] destination [command [argument ...]]\n',
        exitCode: 255,
      };
    }
    const host = dest.includes('@') ? dest.slice(dest.indexOf('@') + 1) : dest;
    const node = this.nodes().find((n) => n.name === host || n.ip === host);
    if (!node) {
      return {
        stdout: '',
        stderr: `ssh: Could not resolve hostname ${host}: Name or service not known\n`,
        exitCode: 255,
      };
    }
    // A node annotated `playground/fault=down` is a machine that is off: nothing answers ARP.
    if (nodeIsDown(this.cluster.store.get('Node', undefined, node.name))) {
      return {
        stdout: '',
        stderr: `ssh: connect to host ${host} port 22: No route to host\n`,
        exitCode: 255,
      };
    }
    const remote = args.slice(1);
    if (remote.length > 0) {
      // `ssh node1 hostname`: run the command in a fresh shell there and come back.
      const frame = this.newFrame(node.name, HOME);
      const r = frame.interp.runText(remote.join(' '), {
        tty: false,
        ...(io.stdin !== undefined ? { stdin: io.stdin } : {}),
      });
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
    }
    this.frames.push(this.newFrame(node.name, HOME));
    return { stdout: '', stderr: '', exitCode: 0 };
  }
}

/** ssh(1)'s options that take an argument. */
const SSH_VALUE_OPTIONS = 'BbcDEeFIiJLlmOopQRSWw';

/**
 * kubectl on a worker (no kubeconfig there): client-go falls back to localhost:8080 and
 * kubectl 1.30 logs its discovery failures before giving up.
 */
function noKubeconfig(now: number): CommandResult {
  const iso = formatTimestamp(now);
  const mmdd = iso.slice(5, 7) + iso.slice(8, 10);
  const time = iso.slice(11, 19);
  const line = (k: number): string =>
    `E${mmdd} ${time}.${String(123456 + k * 2113).padStart(6, '0')}    4218 memcache.go:265] couldn't get current server API group list: Get "http://localhost:8080/api?timeout=32s": dial tcp 127.0.0.1:8080: connect: connection refused\n`;
  let err = '';
  for (let k = 0; k < 5; k++) err += line(k);
  err +=
    'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n';
  return { stdout: '', stderr: err, exitCode: 1 };
}

/** The shell the terminal, the CLI and tests use (cluster.shell once the facade wires it). */
export function createShell(cluster: Cluster, workspace: Workspace, columns?: number): Shell {
  return new Shell(
    columns !== undefined ? { cluster, workspace, columns } : { cluster, workspace },
  );
}
