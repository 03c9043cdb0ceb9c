/**
 * A container's file system as `kubectl exec` sees it: what was written in it (kept per
 * container instance, so a second `kubectl exec` finds the file the first one wrote, and a
 * restarted container starts clean, as containers do) over the files the kubelet mounts
 * (/etc/hosts, /etc/resolv.conf, /etc/hostname), over what the image ships and what its own
 * process wrote so far (`touch /tmp/healthy` in a liveness-probe lesson).
 */
import type { FileInfo, VirtualFs, WriteError } from '../fs';
import { dirname, utf8Length } from '../fs';
import { filesAt } from '../../workloads/behaviour';
import type { ImageProfile } from './image';
import { hostnameFile, hostsFile, resolvConf } from './pod-files';
import type { ContainerEnv, RunningContainer } from './target';

/** What exec sessions changed in one container instance, and its process ids. */
export interface ContainerState {
  files: Map<string, { text: string; mtime: number } | null>;
  dirs: Set<string>;
  /** The next pid an exec'd process gets. */
  nextPid: number;
  /** Interactive shells open in it (for `ps`). */
  sessions: Map<number, string>;
  /** Exec requests so far (their ids name failed execs in errors). */
  execs: number;
}

const STATES = new WeakMap<object, ContainerState>();

/** The state of a container instance (keyed by the runtime's attempt object). */
export function containerState(running: RunningContainer, firstPid = 7): ContainerState {
  const key = running.attempt ?? running.proc;
  let st = STATES.get(key);
  if (!st) {
    st = { files: new Map(), dirs: new Set(), nextPid: firstPid, sessions: new Map(), execs: 0 };
    STATES.set(key, st);
  }
  return st;
}

/** Placeholders the workloads catalogue keeps for every image; the profile knows better. */
const PLACEHOLDERS = new Set(['/etc/os-release', '/proc/1/status', '/etc/passwd']);

export class ContainerFs implements VirtualFs {
  private readonly generated: Map<string, string>;

  constructor(
    private readonly env: ContainerEnv,
    private readonly running: RunningContainer,
    private readonly profile: ImageProfile,
    private readonly state: ContainerState,
    clusterDomain = 'cluster.local',
  ) {
    const pod = running.pod;
    this.generated = new Map([
      ['/etc/hostname', hostnameFile(pod)],
      ['/etc/hosts', hostsFile(pod, clusterDomain)],
      ['/etc/resolv.conf', resolvConf(pod, clusterDomain)],
    ]);
  }

  /** The image's files and what the container's own process wrote until now. */
  private base(): Map<string, string> {
    const files = new Map<string, string>();
    const elapsed = this.env.clock.now() - this.running.startedAt;
    for (const [p, t] of filesAt(this.running.proc, elapsed))
      if (!PLACEHOLDERS.has(p)) files.set(p, t);
    for (const [p, t] of Object.entries(this.profile.files)) files.set(p, t);
    for (const [p, t] of this.generated) files.set(p, t);
    return files;
  }

  read(path: string): string | undefined {
    const o = this.state.files.get(path);
    if (o !== undefined) return o === null ? undefined : o.text;
    return this.base().get(path);
  }

  private allFiles(): Map<string, string> {
    const files = this.base();
    for (const [p, o] of this.state.files) {
      if (o === null) files.delete(p);
      else files.set(p, o.text);
    }
    return files;
  }

  private allDirs(): Set<string> {
    const dirs = new Set<string>(this.profile.dirs);
    for (const d of this.state.dirs) dirs.add(d);
    for (const p of this.allFiles().keys()) {
      for (let d = dirname(p); ; d = dirname(d)) {
        dirs.add(d);
        if (d === '/') break;
      }
    }
    return dirs;
  }

  isDir(path: string): boolean {
    return this.allDirs().has(path);
  }

  list(dir: string): string[] | undefined {
    const dirs = this.allDirs();
    if (!dirs.has(dir)) return undefined;
    const prefix = dir === '/' ? '/' : dir + '/';
    const names = new Set<string>();
    for (const p of [...dirs, ...this.allFiles().keys()]) {
      if (p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        names.add(p.slice(prefix.length));
    }
    return [...names].sort();
  }

  write(path: string, text: string): WriteError | undefined {
    if (this.isDir(path)) return 'isdir';
    if (!this.isDir(dirname(path))) return 'nodir';
    if (path.startsWith('/proc/') || path.startsWith('/sys/')) return 'denied';
    this.state.files.set(path, { text, mtime: this.env.clock.now() });
    return undefined;
  }

  remove(path: string): boolean {
    if (this.read(path) === undefined) return false;
    this.state.files.set(path, null);
    return true;
  }

  mkdir(path: string): WriteError | undefined {
    if (!this.isDir(dirname(path))) return 'nodir';
    if (this.isDir(path) || this.read(path) !== undefined) return 'denied';
    this.state.dirs.add(path);
    return undefined;
  }

  stat(path: string): FileInfo | undefined {
    const o = this.state.files.get(path);
    if (o) return { size: utf8Length(o.text), mtime: o.mtime };
    const t = this.read(path);
    if (t === undefined) return undefined;
    return { size: utf8Length(t), mtime: this.running.startedAt };
  }
}
