/**
 * The shell inside a container — what `kubectl exec -it POD -- sh` opens, and what runs a
 * non-interactive `kubectl exec POD -- CMD ARGS`.
 *
 * The image decides what exists (image.ts): busybox's ash and applets (`/ # ` prompt,
 * `sh: foo: not found`), Debian's dash with GNU coreutils (`# `, `sh: 1: foo: not found`), bash
 * where images have it (`root@web-0:/# `). Tools: `ls`, `cat` (the kubelet-managed /etc/hosts,
 * /etc/resolv.conf, /etc/hostname), `env` (with the service variables), `hostname`, `ps`,
 * `echo`, `pwd`, `cd`, `sleep` (virtual time passes), `date`, the text tools, the image's own
 * CLIs (`redis-cli ping`), and whatever later layers register (`nslookup`, `wget`, `curl`).
 *
 * A command the container does not have: from a shell, the shell's "not found" (exit 127);
 * exec'd directly, the runtime's error as kubectl prints it (containerd/runc wording).
 */
import type { Container } from 'kubernetes-types/core/v1';
import { fakeSha256 } from '../../workloads/catalog';
import type { DialectMessages } from '../dialect';
import { dialectMessages } from '../dialect';
import { basename, resolvePath } from '../fs';
import type { VirtualFs } from '../fs';
import type { RunResult, Tool, ToolIO } from '../interpreter';
import { Interpreter } from '../interpreter';
import { makeFileTools } from '../tools/files';
import { makeTextTools } from '../tools/text';
import type { CommandResult, ShellSession, SessionResult } from '../types';
import { CLEAR_SCREEN } from '../types';
import { ContainerFs, containerState } from './container-fs';
import type { ContainerState } from './container-fs';
import type { ImageProfile, ShellInfo } from './image';
import { imageProfile } from './image';
import { podHostname, processEnvironment } from './pod-files';
import type { ContainerEnv, RunningContainer, StoredPod } from './target';
import { runningContainer } from './target';
import type { ProcessBehaviour } from '../../workloads/behaviour';

export interface ContainerToolContext {
  env: ContainerEnv;
  pod: StoredPod;
  container: Container;
  proc: ProcessBehaviour;
  profile: ImageProfile;
  fs: VirtualFs;
  cwd(): string;
  /** The shell's error wording (for tools that are builtins). */
  messages: DialectMessages;
}

/** A tool a later layer adds inside containers (`nslookup`, `wget`, `curl`). */
export type ContainerTool = (
  argv: string[],
  io: ToolIO,
  ctx: ContainerToolContext,
) => CommandResult;

interface RegisteredTool {
  tool: ContainerTool;
  /** Whether the image has this binary (default: every image with a userland). */
  available: (profile: ImageProfile) => boolean;
}

const REGISTRY = new Map<string, RegisteredTool>();

/** Add a command to containers (e.g. `registerContainerTool('nslookup', fn, p => p.userland === 'busybox')`). */
export function registerContainerTool(
  name: string,
  tool: ContainerTool,
  available: (profile: ImageProfile) => boolean = (p) => p.userland !== undefined,
): void {
  REGISTRY.set(name, { tool, available });
}

/** The binaries both busybox and a Debian-like userland have (ps aside). */
const COMMON_BINARIES = [
  'ls',
  'cat',
  'touch',
  'rm',
  'cp',
  'mv',
  'mkdir',
  'pwd',
  'echo',
  'printf',
  'sleep',
  'date',
  'grep',
  'head',
  'tail',
  'wc',
  'sort',
  'uniq',
  'cut',
  'tr',
  'awk',
  'tee',
  'seq',
  'env',
  'printenv',
  'hostname',
  'whoami',
  'id',
  'uname',
  'clear',
  'true',
  'false',
  'test',
  '[',
];

export interface ContainerShellOptions {
  shell: ShellInfo;
  tty: boolean;
  /**
   * `session`: an interactive shell (a prompt, listed by `ps`, dash counts the lines typed);
   * `script`: `sh -c …` (shells exec their last command, so ps shows the command, not them);
   * `direct`: no shell at all, just a command exec'd (the tools are looked up here).
   */
  kind: 'session' | 'script' | 'direct';
}

/** The main process(es) as ps shows them: [pid, user, command]. */
function mainProcesses(
  running: RunningContainer,
  profile: ImageProfile,
): Array<[number, string, string]> {
  const desc = running.proc.description;
  // The image's own server (not a command that replaced it) forks its workers.
  const serves = (app: string): boolean => running.proc.ports.some((p) => p.app === app);
  if (profile.imageId === 'nginx' && serves('http')) {
    return [
      [1, 'root', 'nginx: master process nginx -g daemon off;'],
      [29, 'nginx', 'nginx: worker process'],
      [30, 'nginx', 'nginx: worker process'],
    ];
  }
  if (profile.imageId === 'redis' && serves('redis')) return [[1, 'redis', 'redis-server *:6379']];
  return [[1, 'root', desc]];
}

export class ContainerShell {
  readonly profile: ImageProfile;
  readonly fs: ContainerFs;
  readonly state: ContainerState;
  readonly messages: DialectMessages;
  /** This shell's pid. */
  readonly pid: number;
  private cwd = '/';
  private line = 0;
  private readonly vars: Map<string, string>;
  private readonly exported: string[];
  private readonly interp: Interpreter;
  private readonly tools: Map<string, Tool>;

  constructor(
    private readonly env: ContainerEnv,
    readonly running: RunningContainer,
    private readonly opts: ContainerShellOptions,
  ) {
    this.profile = imageProfile(running.spec.image ?? '');
    const firstPid = Math.max(...mainProcesses(running, this.profile).map(([p]) => p)) + 6;
    this.state = containerState(running, firstPid);
    this.fs = new ContainerFs(env, running, this.profile, this.state);
    this.pid = opts.kind === 'direct' ? 0 : this.allocPid();
    this.messages = dialectMessages(
      opts.shell.dialect,
      () => Math.max(1, this.line),
      opts.shell.name,
    );
    const base = processEnvironment({
      store: env.store,
      pod: running.pod,
      container: running.spec,
      ref: this.profile.ref,
      startedAtMs: running.startedAt,
      tty: opts.tty,
    });
    this.vars = new Map(base);
    this.exported = base.map(([k]) => k);
    if (opts.kind === 'session') {
      this.vars.set('SHLVL', '1');
      this.exported.push('SHLVL');
    }
    if (opts.kind !== 'direct') {
      // A shell exports PWD; a binary exec'd directly has only what the runtime gave it.
      this.vars.set('PWD', '/');
      this.exported.push('PWD');
    }
    this.tools = this.buildTools();
    this.interp = new Interpreter({
      messages: this.messages,
      fs: this.fs,
      vars: this.vars,
      exported: this.exported,
      cwd: () => this.cwd,
      lookup: (name) => this.lookup(name),
      shellName: opts.shell.name,
      pid: this.pid,
      glob: (re, typed) => this.glob(re, typed),
    });
    if (opts.kind === 'session') this.state.sessions.set(this.pid, opts.shell.name);
  }

  private allocPid(): number {
    const pid = this.state.nextPid;
    this.state.nextPid += 6;
    return pid;
  }

  /** The prompt: ash `/ # ` (cwd, ~ for /root), dash `# `, bash `root@host:/# `. */
  prompt(): string {
    if (!this.opts.tty) return '';
    const home = this.vars.get('HOME') ?? '/root';
    const w =
      this.cwd === home
        ? '~'
        : this.cwd.startsWith(home + '/')
          ? '~' + this.cwd.slice(home.length)
          : this.cwd;
    const host = podHostname(this.running.pod).split('.')[0] ?? '';
    const { dialect, name } = this.opts.shell;
    if (dialect === 'ash') return `${w} # `;
    if (dialect === 'dash') return '# ';
    if (this.profile.distro === 'centos') {
      if (name === 'sh') return 'sh-4.4# ';
      return `[root@${host} ${w === '~' ? '~' : basename(this.cwd)}]# `;
    }
    return `root@${host}:${w}# `;
  }

  /** Whether the container instance this shell runs in is still running. */
  alive(): boolean {
    const pod = this.env.store.get<StoredPod>(
      'Pod',
      this.running.pod.metadata.namespace,
      this.running.pod.metadata.name ?? '',
    );
    if (!pod || pod.metadata.uid !== this.running.pod.metadata.uid) return false;
    const now = runningContainer(this.env, pod, this.running.spec.name);
    if (!now) return false;
    return this.running.attempt === undefined || now.attempt === this.running.attempt;
  }

  /** Run one input (an interactive line, or a whole `sh -c` script). */
  run(input: string, stdin?: string): RunResult {
    this.line += this.opts.kind === 'session' ? Math.max(1, input.split('\n').length) : 1;
    const io: { stdin?: string; tty: boolean } = { tty: this.opts.tty };
    if (stdin !== undefined) io.stdin = stdin;
    const r = this.interp.runText(input, io);
    if (r.exited) this.state.sessions.delete(this.pid);
    return r;
  }

  /** The shell ends without `exit` (the session was closed). */
  close(): void {
    this.state.sessions.delete(this.pid);
  }

  /** Look a command up as this shell would (builtins, then the image's binaries). */
  lookup(name: string): Tool | undefined {
    const base = name.includes('/') ? basename(name) : name;
    if (
      name.includes('/') &&
      !/^\/(usr\/)?(local\/)?s?bin\/[^/]+$/.test(resolvePath(this.cwd, name))
    ) {
      return undefined;
    }
    return this.tools.get(base);
  }

  private glob(re: RegExp, typed: string): string[] {
    const slash = typed.lastIndexOf('/');
    const dirPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
    const dir = resolvePath(this.cwd, dirPart || '.');
    const names = this.fs.list(dir) ?? [];
    return names
      .filter((n) => !n.startsWith('.') || typed.slice(slash + 1).startsWith('.'))
      .map((n) => dirPart + n)
      .filter((p) => re.test(p))
      .sort();
  }

  private environment(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const k of this.exported) {
      const v = this.vars.get(k);
      if (v !== undefined) out.push([k, v]);
    }
    return out;
  }

  private buildTools(): Map<string, Tool> {
    const tools = new Map<string, Tool>();
    const profile = this.profile;
    const userland = profile.userland;
    const ctx: ContainerToolContext = {
      env: this.env,
      pod: this.running.pod,
      container: this.running.spec,
      proc: this.running.proc,
      profile,
      fs: this.fs,
      cwd: () => this.cwd,
      messages: this.messages,
    };
    const extra = this.running.proc.exec.extraCommands ?? {};
    for (const [name, fn] of Object.entries(extra)) {
      tools.set(name, (argv) => {
        const r = fn(argv.slice(1));
        return { stdout: r.output ? r.output + '\n' : '', stderr: '', exitCode: r.code };
      });
    }
    if (!userland) return tools;
    const files = makeFileTools({
      fs: this.fs,
      userland,
      messages: this.messages,
      cwd: () => this.cwd,
      setCwd: (p) => {
        this.vars.set('OLDPWD', this.cwd);
        this.cwd = p;
        this.vars.set('PWD', p);
      },
      home: () => this.vars.get('HOME') ?? '/root',
      now: () => this.env.clock.now(),
      columns: 80,
      // Containers run without LANG: the C locale's byte order.
      collation: 'c',
    });
    const text = makeTextTools({
      userland,
      dialect: this.opts.shell.dialect,
      fs: this.fs,
      cwd: () => this.cwd,
      now: () => this.env.clock.now(),
      advance: (ms) => this.env.advance(ms),
      hostname: () => podHostname(this.running.pod),
      environment: () => this.environment(),
      kernel: '5.15.0-107-generic',
      collation: 'c',
    });
    const all: Record<string, Tool> = { ...files, ...text };
    for (const name of COMMON_BINARIES) {
      const t = all[name];
      if (t) tools.set(name, t);
    }
    tools.set('cd', all['cd'] as Tool);
    // The binaries behind the shell builtins (`kubectl exec POD -- true` execs /bin/true).
    tools.set('true', () => ({ stdout: '', stderr: '', exitCode: 0 }));
    tools.set('false', () => ({ stdout: '', stderr: '', exitCode: 1 }));
    const viaShell: Tool = (argv, io) => {
      const r = this.interp.runText(argv.map(shellQuote).join(' '), { tty: io.tty });
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
    };
    tools.set('test', viaShell);
    tools.set('[', viaShell);
    tools.set('clear', () => ({ stdout: CLEAR_SCREEN, stderr: '', exitCode: 0 }));
    if (profile.hasPs) tools.set('ps', (argv, io) => this.ps(argv, io));
    for (const [name, info] of Object.entries(profile.shells)) {
      tools.set(name, (argv, io) => this.subshell(info, argv, io));
    }
    for (const [name, reg] of REGISTRY) {
      if (reg.available(profile)) tools.set(name, (argv, io) => reg.tool(argv, io, ctx));
    }
    return tools;
  }

  /** `sh -c '…'` (or `sh script`) run from this shell. */
  private subshell(info: ShellInfo, argv: string[], io: ToolIO): CommandResult {
    return runShellCommand(this.env, this.running, info, argv.slice(1), {
      stdin: io.stdin,
      tty: false,
    });
  }

  /** busybox `ps` (PID USER TIME COMMAND), or procps `ps` / `ps -ef` / `ps aux`. */
  private ps(argv: string[], io: ToolIO): CommandResult {
    const own = this.allocPid();
    // [pid, user, command, on the terminal]
    const procs: Array<[number, string, string, boolean]> = mainProcesses(
      this.running,
      this.profile,
    ).map(([p, u, c]) => [p, u, c, false]);
    for (const [pid, name] of [...this.state.sessions].sort((a, b) => a[0] - b[0]))
      procs.push([pid, 'root', name, true]);
    procs.push([own, 'root', argv.join(' '), this.opts.tty]);
    if (this.profile.userland === 'busybox') {
      let out = 'PID   USER     TIME  COMMAND\n';
      for (const [pid, user, cmd] of procs)
        out += `${String(pid).padStart(5)} ${user.padEnd(8)} ${'0:00'.padStart(5)} ${cmd}\n`;
      return { stdout: out, stderr: '', exitCode: 0 };
    }
    const tty = (t: boolean): string => (t ? 'pts/0' : '?');
    const comm = (cmd: string): string => basename(cmd.split(' ')[0] ?? '');
    const args = argv.slice(1).join(' ');
    const start = hhmm(this.running.startedAt);
    const parent = (pid: number): number =>
      pid === own && this.state.sessions.size > 0 ? Math.max(...this.state.sessions.keys()) : 0;
    if (args === '-ef' || args === '-e' || args === '-A') {
      let out = 'UID          PID    PPID  C STIME TTY          TIME CMD\n';
      for (const [pid, user, cmd, t] of procs) {
        out += `${user.padEnd(8)} ${String(pid).padStart(7)} ${String(parent(pid)).padStart(7)}  0 ${start} ${tty(t).padEnd(8)} 00:00:00 ${cmd}\n`;
      }
      return { stdout: out, stderr: '', exitCode: 0 };
    }
    if (args === 'aux' || args === '-aux' || args === 'ax') {
      let out = 'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n';
      for (const [pid, user, cmd, t] of procs) {
        const stat = pid === own ? 'R+' : pid === 1 ? 'Ss' : 'Ss+';
        out += `${user.padEnd(8)} ${String(pid).padStart(7)}  0.0  0.0   2788  1024 ${tty(t).padEnd(8)} ${stat.padEnd(4)} ${start}   0:00 ${cmd}\n`;
      }
      return { stdout: out, stderr: '', exitCode: 0 };
    }
    // Plain `ps`: the processes on this terminal (without one, those without a terminal).
    let out = '    PID TTY          TIME CMD\n';
    for (const [pid, , cmd, t] of procs) {
      if (t !== io.tty && pid !== own) continue;
      out += `${String(pid).padStart(7)} ${tty(t).padEnd(8)} 00:00:00 ${comm(cmd)}\n`;
    }
    return { stdout: out, stderr: '', exitCode: 0 };
  }
}

/** Quote a word for the shell: `'it'\''s'`. */
function shellQuote(w: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** `HH:MM` of a virtual time (procps STIME / START). */
function hhmm(ms: number): string {
  const m = Math.floor(ms / 60_000);
  return `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** A shell started with arguments: `-c SCRIPT`, `SCRIPT-FILE`, or commands on stdin. */
export function runShellCommand(
  env: ContainerEnv,
  running: RunningContainer,
  info: ShellInfo,
  args: readonly string[],
  io: { stdin: string | undefined; tty: boolean },
): CommandResult {
  const shell = new ContainerShell(env, running, { shell: info, tty: io.tty, kind: 'script' });
  const ci = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  let script: string;
  if (ci >= 0) {
    const s = args[ci + 1];
    if (s === undefined) {
      const msg =
        info.dialect === 'bash'
          ? `${info.name}: -c: option requires an argument\n`
          : info.dialect === 'dash'
            ? `${info.name}: 0: -c requires an argument\n`
            : `${info.name}: -c requires an argument\n`;
      return { stdout: '', stderr: msg, exitCode: 2 };
    }
    script = s;
  } else {
    const file = args.find((a) => !a.startsWith('-'));
    if (file !== undefined) {
      const text = shell.fs.read(resolvePath('/', file));
      if (text === undefined) {
        const msg =
          info.dialect === 'bash'
            ? `${info.name}: ${file}: No such file or directory\n`
            : info.dialect === 'dash'
              ? `${info.name}: 0: cannot open ${file}: No such file\n`
              : `${info.name}: can't open '${file}': No such file or directory\n`;
        return { stdout: '', stderr: msg, exitCode: info.dialect === 'bash' ? 127 : 2 };
      }
      script = text;
    } else script = io.stdin ?? '';
  }
  const r = shell.run(script, ci >= 0 ? io.stdin : undefined);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

/** The error kubectl prints when the runtime cannot exec argv[0] (containerd + runc wording). */
function execNotFound(
  running: RunningContainer,
  state: ContainerState,
  argv0: string,
): CommandResult {
  state.execs++;
  const id = fakeSha256(`${running.attempt?.id ?? running.proc.description}/exec/${state.execs}`);
  const why = argv0.includes('/')
    ? `exec: "${argv0}": stat ${argv0}: no such file or directory`
    : `exec: "${argv0}": executable file not found in $PATH`;
  return {
    stdout: '',
    stderr: `error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: ${why}: unknown\n`,
    exitCode: 1,
  };
}

/**
 * `kubectl exec POD -- CMD ARGS`: run argv in the container, no shell involved (unless argv is
 * one). The exit code is the command's; kubectl adds `command terminated with exit code N`.
 */
export function execProcess(
  env: ContainerEnv,
  running: RunningContainer,
  argv: readonly string[],
  io: { stdin: string | undefined; tty: boolean },
): CommandResult {
  const profile = imageProfile(running.spec.image ?? '');
  const argv0 = argv[0] ?? '';
  const name = basename(argv0);
  const probe = new ContainerShell(env, running, {
    shell: { dialect: profile.userland === 'busybox' ? 'ash' : 'dash', name: 'sh' },
    tty: io.tty,
    kind: 'direct',
  });
  const shellInfo = profile.shells[name];
  // `cd` is only a shell builtin: there is no binary to exec.
  const found = name !== 'cd' && probe.lookup(argv0) !== undefined;
  let r: CommandResult;
  if (shellInfo && found) r = runShellCommand(env, running, shellInfo, argv.slice(1), io);
  else if (found) r = (probe.lookup(argv0) as Tool)([...argv], io);
  else return execNotFound(running, probe.state, argv0);
  if (r.exitCode !== 0) {
    r = { ...r, stderr: r.stderr + `command terminated with exit code ${r.exitCode}\n` };
  }
  return r;
}

/** Whether argv0 names something the container can exec (a binary on PATH, or a path to one). */
export function canExec(env: ContainerEnv, running: RunningContainer, argv0: string): boolean {
  const profile = imageProfile(running.spec.image ?? '');
  const probe = new ContainerShell(env, running, {
    shell: { dialect: profile.userland === 'busybox' ? 'ash' : 'dash', name: 'sh' },
    tty: false,
    kind: 'direct',
  });
  return basename(argv0) !== 'cd' && probe.lookup(argv0) !== undefined;
}

/**
 * An interactive `kubectl exec -it POD -- sh` session: lines typed run in the container until
 * `exit` (or the container stops). kubectl reports a non-zero exit status on the way out.
 */
export class ExecSession implements ShellSession {
  private readonly shell: ContainerShell;

  constructor(env: ContainerEnv, running: RunningContainer, info: ShellInfo, tty: boolean) {
    this.shell = new ContainerShell(env, running, { shell: info, tty, kind: 'session' });
  }

  prompt(): string {
    return this.shell.prompt();
  }

  run(input: string): SessionResult {
    if (!this.shell.alive()) {
      this.shell.close();
      return {
        stdout: '',
        stderr: 'command terminated with exit code 137\n',
        exitCode: 137,
        ended: true,
      };
    }
    if (input.trim() === '') return { stdout: '', stderr: '', exitCode: 0, ended: false };
    const r = this.shell.run(input);
    if (!r.exited)
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, ended: false };
    const tail = r.exitCode !== 0 ? `command terminated with exit code ${r.exitCode}\n` : '';
    return { stdout: r.stdout, stderr: r.stderr + tail, exitCode: r.exitCode, ended: true };
  }

  /** The terminal went away (Ctrl-D): the shell exits with its last status. */
  close(): void {
    this.shell.close();
  }
}
