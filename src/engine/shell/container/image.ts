/**
 * What an image's file system offers someone who execs into it: which shells exist (and which
 * one `sh` is), whether its tools are busybox applets or GNU coreutils, what `ls /` shows, and
 * whether `ps` is installed at all (the Debian-based official images — nginx, httpd, redis —
 * ship without procps, a classic surprise).
 */
import type { Dialect, Userland } from '../dialect';
import type { ImageRef } from '../../workloads/image-ref';
import { parseImageRef } from '../../workloads/image-ref';
import { lookupImage } from '../../workloads/catalog';

export type Distro = 'busybox' | 'alpine' | 'debian' | 'ubuntu' | 'centos' | 'distroless';

export interface ShellInfo {
  dialect: Dialect;
  /** The name the shell calls itself in errors (`sh`, `bash`). */
  name: string;
}

export interface ImageProfile {
  distro: Distro;
  /** Undefined for distroless images: nothing but the app's own binary. */
  userland: Userland | undefined;
  ref: ImageRef | undefined;
  /** Catalogue id (`nginx`, `busybox`, …) or `generic`. */
  imageId: string;
  /** Shells by basename (`sh`, `bash`, `ash`). */
  shells: Readonly<Record<string, ShellInfo>>;
  /** Directories of the image (the root listing and a few well-known ones). */
  dirs: readonly string[];
  /** Files every container of the image has (beyond /etc/hosts, resolv.conf, hostname). */
  files: Readonly<Record<string, string>>;
  hasPs: boolean;
}

const DEBIAN_ROOT = [
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib64',
  'media',
  'mnt',
  'opt',
  'proc',
  'root',
  'run',
  'sbin',
  'srv',
  'sys',
  'tmp',
  'usr',
  'var',
];
const ALPINE_ROOT = [
  'bin',
  'dev',
  'etc',
  'home',
  'lib',
  'media',
  'mnt',
  'opt',
  'proc',
  'root',
  'run',
  'sbin',
  'srv',
  'sys',
  'tmp',
  'usr',
  'var',
];
const UBUNTU_ROOT = [
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'media',
  'mnt',
  'opt',
  'proc',
  'root',
  'run',
  'sbin',
  'srv',
  'sys',
  'tmp',
  'usr',
  'var',
];
const CENTOS_ROOT = [
  'bin',
  'dev',
  'etc',
  'home',
  'lib',
  'lib64',
  'lost+found',
  'media',
  'mnt',
  'opt',
  'proc',
  'root',
  'run',
  'sbin',
  'srv',
  'sys',
  'tmp',
  'usr',
  'var',
];

const OS_RELEASE: Partial<Record<Distro, string>> = {
  alpine:
    'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.0\nPRETTY_NAME="Alpine Linux v3.20"\nHOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n',
  debian:
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n',
  ubuntu:
    'PRETTY_NAME="Ubuntu 24.04 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\nBUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\nPRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\nUBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n',
  centos:
    'NAME="CentOS Linux"\nVERSION="8"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="8"\nPLATFORM_ID="platform:el8"\nPRETTY_NAME="CentOS Linux 8"\nANSI_COLOR="0;31"\nCPE_NAME="cpe:/o:centos:centos:8"\nHOME_URL="https://centos.org/"\nBUG_REPORT_URL="https://bugs.centos.org/"\n',
};

const PASSWD_BUSYBOX =
  'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
const PASSWD_DEBIAN =
  'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';

/** busybox images up to 1.30 had no /lib at the root (the glibc variants since 1.31 do). */
function busyboxHasLib(ref: ImageRef | undefined): boolean {
  const m = /^1\.(\d+)/.exec(ref?.tag ?? '');
  return !m || Number(m[1]) >= 31;
}

export function imageProfile(image: string): ImageProfile {
  const parsed = parseImageRef(image);
  const ref = parsed.ok ? parsed.ref : undefined;
  const entry = ref ? lookupImage(ref) : undefined;
  const imageId = entry?.id ?? 'generic';
  const alpineTag = (ref?.tag ?? '').includes('alpine');
  let distro: Distro;
  if (entry?.shell === 'none') distro = 'distroless';
  else if (imageId === 'busybox') distro = 'busybox';
  else if (imageId === 'alpine' || alpineTag) distro = 'alpine';
  else if (imageId === 'ubuntu' || imageId === 'mongo') distro = 'ubuntu';
  else if (imageId === 'centos') distro = 'centos';
  else distro = 'debian';

  const ash: ShellInfo = { dialect: 'ash', name: 'sh' };
  const bash: ShellInfo = { dialect: 'bash', name: 'bash' };
  const dash: ShellInfo = { dialect: 'dash', name: 'sh' };
  let shells: Record<string, ShellInfo>;
  let dirs: string[];
  const files: Record<string, string> = {};
  switch (distro) {
    case 'busybox':
      shells = { sh: ash, ash };
      dirs = [
        'bin',
        'dev',
        'etc',
        'home',
        ...(busyboxHasLib(ref) ? ['lib', 'lib64'] : []),
        'proc',
        'root',
        'sys',
        'tmp',
        'usr',
        'var',
      ];
      files['/etc/passwd'] = PASSWD_BUSYBOX;
      files['/etc/group'] =
        'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nnobody:x:65534:\n';
      files['/etc/shadow'] = 'root:*:10933:0:99999:7:::\n';
      files['/etc/localtime'] = 'TZif2\n';
      files['/etc/mtab'] =
        'overlay / overlay rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n';
      dirs.push('etc/network', 'usr/sbin', 'var/spool', 'var/www');
      break;
    case 'alpine':
      shells = { sh: ash, ash };
      dirs = [...ALPINE_ROOT];
      files['/etc/passwd'] = PASSWD_BUSYBOX;
      files['/etc/alpine-release'] = '3.20.0\n';
      break;
    case 'ubuntu':
      shells = { sh: dash, dash, bash };
      dirs = [...UBUNTU_ROOT];
      files['/etc/passwd'] = PASSWD_DEBIAN;
      break;
    case 'centos':
      shells = { sh: { dialect: 'bash', name: 'sh' }, bash };
      dirs = [...CENTOS_ROOT];
      files['/etc/passwd'] = PASSWD_DEBIAN.replace(/nologin/g, 'nologin');
      break;
    case 'distroless':
      shells = {};
      dirs = ['dev', 'etc', 'proc', 'sys'];
      break;
    default:
      shells = { sh: dash, dash, bash };
      dirs = [...DEBIAN_ROOT];
      files['/etc/passwd'] = PASSWD_DEBIAN;
      files['/etc/debian_version'] = '12.5\n';
      break;
  }
  const osRelease = OS_RELEASE[distro];
  if (osRelease) files['/etc/os-release'] = osRelease;
  if (imageId === 'nginx' && distro !== 'alpine') {
    dirs.push('docker-entrypoint.d', 'etc/nginx/conf.d', 'usr/share/nginx/html');
    files['/docker-entrypoint.sh'] = '#!/bin/sh\n# vim:sw=4:ts=4:et\n\nset -e\n';
  }
  if (imageId === 'redis') dirs.push('data');
  return {
    distro,
    userland:
      distro === 'distroless'
        ? undefined
        : distro === 'busybox' || distro === 'alpine'
          ? 'busybox'
          : 'gnu',
    ref,
    imageId,
    shells,
    dirs: ['/', ...dirs.map((d) => `/${d}`)],
    files,
    hasPs:
      distro === 'busybox' || distro === 'alpine' || distro === 'ubuntu' || distro === 'centos',
  };
}
