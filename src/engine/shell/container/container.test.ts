import type { Pod, Service } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { kubectlFixture } from '../../kubectl/testing';
import { ContainerShell } from './container-shell';
import { imageProfile } from './image';
import { hostsFile, resolvConf, serviceEnvironment } from './pod-files';
import type { StoredPod } from './target';
import { runningContainer } from './target';

const pod = (
  spec: Partial<NonNullable<Pod['spec']>>,
  meta: Partial<Pod['metadata']> = {},
): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'shop', ...meta },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
  status: { podIP: '10.244.1.7', podIPs: [{ ip: '10.244.1.7' }] },
});

describe('/etc/hosts (kubelet managedHostsFileContent)', () => {
  it('lists the pod IP with its hostname', () => {
    expect(hostsFile(pod({}))).toBe(
      '# Kubernetes-managed hosts file.\n' +
        '127.0.0.1\tlocalhost\n' +
        '::1\tlocalhost ip6-localhost ip6-loopback\n' +
        'fe00::0\tip6-localnet\n' +
        'fe00::0\tip6-mcastprefix\n' +
        'fe00::1\tip6-allnodes\n' +
        'fe00::2\tip6-allrouters\n' +
        '10.244.1.7\tweb-0\n',
    );
  });

  it('puts the FQDN first with a subdomain, and appends hostAliases', () => {
    const text = hostsFile(
      pod({
        hostname: 'db',
        subdomain: 'backend',
        hostAliases: [
          { ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] },
          { ip: '10.1.2.3', hostnames: ['foo.remote'] },
        ],
      }),
    );
    expect(text.split('\n').slice(7)).toEqual([
      '10.244.1.7\tdb.backend.shop.svc.cluster.local\tdb',
      '',
      '# Entries added by HostAliases.',
      '127.0.0.1\tfoo.local\tbar.local',
      '10.1.2.3\tfoo.remote',
      '',
    ]);
  });
});

describe('/etc/resolv.conf by dnsPolicy', () => {
  it.each<[string, Partial<NonNullable<Pod['spec']>>, string]>([
    [
      'ClusterFirst (default)',
      {},
      'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    ],
    ['Default: the node’s', { dnsPolicy: 'Default' }, 'nameserver 192.168.100.1\n'],
    [
      'ClusterFirst with hostNetwork: the node’s',
      { hostNetwork: true },
      'nameserver 192.168.100.1\n',
    ],
    [
      'ClusterFirstWithHostNet',
      { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' },
      'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    ],
    [
      'None with dnsConfig',
      {
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['1.2.3.4'],
          searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
      },
      'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 1.2.3.4\noptions ndots:2 edns0\n',
    ],
    [
      'ClusterFirst merged with dnsConfig',
      { dnsConfig: { searches: ['corp.example'], options: [{ name: 'ndots', value: '1' }] } },
      'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:1\n',
    ],
  ])('%s', (_name, spec, expected) => {
    expect(resolvConf(pod(spec))).toBe(expected);
  });
});

describe('service environment variables (envvars.FromServices)', () => {
  it('covers the namespace’s services that existed when the container started, plus kubernetes', () => {
    const k = kubectlFixture();
    const svc = (
      name: string,
      ns: string,
      extra: Partial<NonNullable<Service['spec']>> = {},
    ): KObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns },
      spec: { selector: { app: name }, ports: [{ port: 80 }], ...extra },
    });
    k.cluster.applyObjects([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      svc('my-api', 'shop', {
        ports: [
          { name: 'http', port: 80 },
          { name: 'metrics', port: 9090, protocol: 'UDP' },
        ],
      }),
      svc('headless', 'shop', { clusterIP: 'None' }),
      svc('other', 'default'),
    ]);
    const store = k.cluster.store;
    const ip = (name: string): string =>
      (store.get<KObject & Service>('Service', 'shop', name)?.spec?.clusterIP as string) ?? '';
    const started = k.cluster.now();
    k.cluster.advance(1000);
    k.cluster.applyObjects([svc('later', 'shop')]);
    const env = serviceEnvironment(store, pod({}), started);
    const api = ip('my-api');
    expect(env.filter(([name]) => !name.startsWith('KUBERNETES_'))).toEqual([
      ['MY_API_SERVICE_HOST', api],
      ['MY_API_SERVICE_PORT', '80'],
      ['MY_API_SERVICE_PORT_HTTP', '80'],
      ['MY_API_SERVICE_PORT_METRICS', '9090'],
      ['MY_API_PORT', `tcp://${api}:80`],
      ['MY_API_PORT_80_TCP', `tcp://${api}:80`],
      ['MY_API_PORT_80_TCP_PROTO', 'tcp'],
      ['MY_API_PORT_80_TCP_PORT', '80'],
      ['MY_API_PORT_80_TCP_ADDR', api],
      ['MY_API_PORT_9090_UDP', `udp://${api}:9090`],
      ['MY_API_PORT_9090_UDP_PROTO', 'udp'],
      ['MY_API_PORT_9090_UDP_PORT', '9090'],
      ['MY_API_PORT_9090_UDP_ADDR', api],
    ]);
    expect(env.filter(([name]) => name.startsWith('KUBERNETES_'))).toEqual([
      ['KUBERNETES_SERVICE_HOST', '10.96.0.1'],
      ['KUBERNETES_SERVICE_PORT', '443'],
      ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
      ['KUBERNETES_PORT', 'tcp://10.96.0.1:443'],
      ['KUBERNETES_PORT_443_TCP', 'tcp://10.96.0.1:443'],
      ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'],
      ['KUBERNETES_PORT_443_TCP_PORT', '443'],
      ['KUBERNETES_PORT_443_TCP_ADDR', '10.96.0.1'],
    ]);
    // enableServiceLinks: false keeps only the kubernetes service.
    const noLinks = serviceEnvironment(store, pod({ enableServiceLinks: false }), started);
    expect(noLinks.map(([n]) => n).every((n) => n.startsWith('KUBERNETES_'))).toBe(true);
    expect(noLinks).toHaveLength(8);
  });
});

const PODS = `apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - name: bb
    image: busybox:1.28.4
    command: ['sleep', '3600']
    env:
    - name: GREETING
      value: hello $(MY_NODE)
    - name: MY_NODE
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: MY_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: nginx:1.25
---
apiVersion: v1
kind: Pod
metadata:
  name: alp
spec:
  containers:
  - name: alp
    image: alpine:3.20
    command: ['sleep', 'infinity']
---
apiVersion: v1
kind: Pod
metadata:
  name: ub
spec:
  containers:
  - name: ub
    image: ubuntu:24.04
    command: ['sleep', '1d']
`;

function running(): ReturnType<typeof kubectlFixture> {
  const k = kubectlFixture();
  k.cluster.apply(PODS);
  k.cluster.advance(60_000);
  return k;
}

describe('kubectl exec into busybox', () => {
  const k = running();
  it.each<[string, string]>([
    ['exec bb -- hostname', 'bb\n'],
    ['exec bb -- cat /etc/hostname', 'bb\n'],
    ['exec bb -- ls', 'bin\ndev\netc\nhome\nproc\nroot\nsys\ntmp\nusr\nvar\n'],
    [
      'exec bb -- ls /etc',
      'group\nhostname\nhosts\nlocaltime\nmtab\nnetwork\npasswd\nresolv.conf\nshadow\n',
    ],
    [
      'exec bb -- cat /etc/resolv.conf',
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    ],
    ['exec bb -- pwd', '/\n'],
    ['exec bb -- echo a b', 'a b\n'],
    ['exec bb -- date', 'Mon Jun  3 08:11:00 UTC 2024\n'],
    ['exec bb -- id', 'uid=0(root) gid=0(root) groups=0(root),10(wheel)\n'],
    ['exec bb -- sh -c "cd /tmp && pwd"', '/tmp\n'],
  ])('%s', (line, stdout) => {
    expect(k.run(line)).toEqual({ stdout, stderr: '', exitCode: 0 });
  });

  it('ps in busybox format', () => {
    const k = running();
    expect(k.run('exec bb -- ps').stdout).toBe(
      'PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n    7 root      0:00 ps\n',
    );
    expect(k.run('exec bb -- ps').stdout).toBe(
      'PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n   13 root      0:00 ps\n',
    );
  });

  it('ls -l in busybox format', () => {
    expect(k.run('exec bb -- ls -l /etc/hostname /etc/hosts').stdout).toBe(
      '-rw-r--r--    1 root     root             3 Jun  3 08:10 /etc/hostname\n' +
        '-rw-r--r--    1 root     root           197 Jun  3 08:10 /etc/hosts\n',
    );
  });

  it('env: PATH, HOSTNAME, the container’s variables, the service variables, HOME', async () => {
    await expect(k.run('exec bb -- env').stdout).toMatchFileSnapshot('__golden__/busybox-env.txt');
  });

  it('files written by one exec are there for the next', () => {
    expect(k.run('exec bb -- sh -c "echo hi > /tmp/x"').exitCode).toBe(0);
    expect(k.run('exec bb -- cat /tmp/x').stdout).toBe('hi\n');
    expect(k.run('exec bb -- cat /nope')).toEqual({
      stdout: '',
      stderr:
        "cat: can't open '/nope': No such file or directory\ncommand terminated with exit code 1\n",
      exitCode: 1,
    });
  });

  it('a shell error and a missing binary', () => {
    expect(k.run('exec bb -- sh -c foo')).toEqual({
      stdout: '',
      stderr: 'sh: foo: not found\ncommand terminated with exit code 127\n',
      exitCode: 127,
    });
    const r = k.run('exec bb -- bash');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in \$PATH: unknown\n$/,
    );
    expect(k.run('exec bb -- /bin/nope').stderr).toMatch(
      /exec: "\/bin\/nope": stat \/bin\/nope: no such file or directory: unknown\n$/,
    );
  });
});

describe('kubectl exec into Debian-based and other images', () => {
  const k = running();
  it('nginx: dash and coreutils, no ps', () => {
    expect(k.run('exec web -- ls /').stdout.split('\n').slice(0, 6)).toEqual([
      'bin',
      'boot',
      'dev',
      'docker-entrypoint.d',
      'docker-entrypoint.sh',
      'etc',
    ]);
    expect(k.run('exec web -- sh -c "foo; ls /nope"')).toEqual({
      stdout: '',
      stderr:
        "sh: 1: foo: not found\nls: cannot access '/nope': No such file or directory\ncommand terminated with exit code 2\n",
      exitCode: 2,
    });
    expect(k.run('exec web -- ps').stderr).toContain('exec: "ps": executable file not found');
    expect(k.run('exec web -- env').stdout).toContain('NGINX_VERSION=1.25.5\n');
  });

  it('ubuntu has procps ps', () => {
    expect(k.run('exec ub -- ps').stdout).toBe(
      '    PID TTY          TIME CMD\n      1 ?        00:00:00 sleep\n      7 ?        00:00:00 ps\n',
    );
  });

  it('alpine: busybox with the Alpine root', () => {
    expect(k.run('exec alp -- ls /').stdout.trim().split('\n')).toEqual(
      imageProfile('alpine:3.20')
        .dirs.filter((d) => d.split('/').length === 2 && d !== '/')
        .map((d) => d.slice(1)),
    );
    expect(k.run('exec alp -- cat /etc/os-release').stdout).toContain('Alpine Linux');
  });
});

describe('interactive prompts', () => {
  const k = running();
  const shellIn = (podName: string, shell: string): ContainerShell => {
    const p = k.cluster.store.get<StoredPod>('Pod', 'default', podName) as StoredPod;
    const name = p.spec?.containers[0]?.name ?? '';
    const r = runningContainer(k.cluster, p, name);
    if (!r) throw new Error('not running');
    const info = imageProfile(r.spec.image ?? '').shells[shell];
    if (!info) throw new Error('no such shell');
    return new ContainerShell(k.cluster, r, { shell: info, tty: true, kind: 'session' });
  };

  it.each<[string, string, string[], string]>([
    ['bb', 'sh', [], '/ # '],
    ['bb', 'sh', ['cd /root'], '~ # '],
    ['bb', 'sh', ['cd /usr'], '/usr # '],
    ['web', 'sh', [], '# '],
    ['web', 'bash', [], 'root@web:/# '],
    ['web', 'bash', ['cd /etc'], 'root@web:/etc# '],
    ['ub', 'bash', ['cd'], 'root@ub:~# '],
  ])('%s %s after %j → %j', (podName, shell, inputs, prompt) => {
    const s = shellIn(podName, shell);
    for (const i of inputs) s.run(i);
    expect(s.prompt()).toBe(prompt);
  });

  it('dash counts the lines typed in its error messages', () => {
    const s = shellIn('web', 'sh');
    s.run('true');
    s.run('true');
    expect(s.run('nope').stderr).toBe('sh: 3: nope: not found\n');
  });

  it('a session shows in ps, and env has SHLVL and PWD', () => {
    const s = shellIn('alp', 'sh');
    expect(s.run('ps').stdout.split('\n').slice(1, 3)).toEqual([
      '    1 root      0:00 sleep infinity',
      `${String(s.pid).padStart(5)} root      0:00 sh`,
    ]);
    expect(s.run('cd /tmp; env | tail -2').stdout).toBe('SHLVL=1\nPWD=/tmp\n');
  });
});
