/**
 * A node's file system for its root shell: a small Ubuntu-like tree, and on the control-plane
 * node `/root/test`, which is the workspace — the files the editor shows. Writing
 * `/root/test/x.yml` (`cat > x.yml <<EOF`, `echo … >> x.yml`) writes the workspace; the workspace
 * has no sub-directories.
 */
import type { FileInfo, VirtualFs, WriteError } from './fs';
import { dirname, MemoryFs, utf8Length } from './fs';
import type { Workspace } from './types';

export const WORKSPACE_DIR = '/root/test';

const UBUNTU_ROOT = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/lost+found',
  '/media',
  '/mnt',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/snap',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/var',
  '/etc/kubernetes',
  '/etc/kubernetes/manifests',
  '/var/log',
  '/var/lib/kubelet',
];

export interface NodeIdentity {
  name: string;
  ip: string;
}

/** The files every node has (hostname, hosts, resolv.conf as systemd-resolved writes it). */
function nodeFiles(self: NodeIdentity, all: readonly NodeIdentity[]): Record<string, string> {
  return {
    '/etc/hostname': `${self.name}\n`,
    '/etc/hosts':
      `127.0.0.1 localhost\n127.0.1.1 ${self.name}\n\n` +
      all.map((n) => `${n.ip} ${n.name}\n`).join('') +
      '\n# The following lines are desirable for IPv6 capable hosts\n' +
      '::1     ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n',
    '/etc/resolv.conf':
      '# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n' +
      '# Do not edit.\n#\n' +
      "# This file might be symlinked as /etc/resolv.conf. If you're looking at\n" +
      '# /etc/resolv.conf and seeing this text, you have followed the symlink.\n#\n' +
      '# This is a dynamic resolv.conf file for connecting local clients to the\n' +
      '# internal DNS stub resolver of systemd-resolved. This file lists all\n' +
      '# configured search domains.\n#\n' +
      '# Run "resolvectl status" to see details about the uplink DNS servers\n' +
      '# currently in use.\n#\n' +
      '# Third party programs should typically not access this file directly, but only\n' +
      '# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a\n' +
      '# different way, replace this symlink by a static file or a different symlink.\n#\n' +
      '# See man:systemd-resolved.service(8) for details about the supported modes of\n' +
      '# operation for /etc/resolv.conf.\n\n' +
      'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n',
    '/etc/os-release':
      'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\nBUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\nPRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\nUBUNTU_CODENAME=jammy\n',
  };
}

export class NodeFs implements VirtualFs {
  private readonly mem: MemoryFs;
  private readonly mtimes = new Map<string, number>();
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    self: NodeIdentity,
    all: readonly NodeIdentity[],
    private readonly now: () => number,
    private readonly workspace?: Workspace,
  ) {
    this.mem = new MemoryFs(now, UBUNTU_ROOT, nodeFiles(self, all));
    if (workspace) {
      const t = now();
      for (const name of workspace.list()) this.mtimes.set(name, t);
      this.unsubscribe = workspace.subscribe((name) => this.mtimes.set(name, this.now()));
    }
  }

  /** Stop following the workspace. */
  dispose(): void {
    this.unsubscribe?.();
  }

  /** The workspace file name a path names, '' for the directory itself, undefined otherwise. */
  private wsName(path: string): string | undefined {
    if (!this.workspace) return undefined;
    if (path === WORKSPACE_DIR) return '';
    if (!path.startsWith(WORKSPACE_DIR + '/')) return undefined;
    return path.slice(WORKSPACE_DIR.length + 1);
  }

  read(path: string): string | undefined {
    const n = this.wsName(path);
    if (n === undefined) return this.mem.read(path);
    return n === '' || n.includes('/') ? undefined : this.workspace?.read(n);
  }

  isDir(path: string): boolean {
    const n = this.wsName(path);
    if (n === undefined) return this.mem.isDir(path);
    return n === '';
  }

  list(dir: string): string[] | undefined {
    const n = this.wsName(dir);
    if (n === '') return [...(this.workspace?.list() ?? [])];
    if (n !== undefined) return undefined;
    const names = this.mem.list(dir);
    if (names && this.workspace && dir === dirname(WORKSPACE_DIR))
      return [...new Set([...names, 'test'])].sort();
    return names;
  }

  write(path: string, text: string): WriteError | undefined {
    const n = this.wsName(path);
    if (n === undefined) return this.mem.write(path, text);
    if (n === '') return 'isdir';
    if (n.includes('/')) return 'nodir';
    this.workspace?.write(n, text);
    return undefined;
  }

  remove(path: string): boolean {
    const n = this.wsName(path);
    if (n === undefined) return this.mem.remove(path);
    return n !== '' && !n.includes('/') && (this.workspace?.remove(n) ?? false);
  }

  mkdir(path: string): WriteError | undefined {
    const n = this.wsName(path);
    if (n === undefined) return this.mem.mkdir(path);
    // The workspace is flat: no sub-directories.
    return n === '' ? 'denied' : n.includes('/') ? 'nodir' : 'denied';
  }

  stat(path: string): FileInfo | undefined {
    const n = this.wsName(path);
    if (n === undefined) return this.mem.stat(path);
    const text = this.read(path);
    if (text === undefined) return undefined;
    return { size: utf8Length(text), mtime: this.mtimes.get(n) ?? this.now() };
  }
}
