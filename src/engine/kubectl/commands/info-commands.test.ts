/**
 * The informational commands end to end: api-resources, cluster-info, version, config, and the
 * top-level help. Expected outputs are kubectl 1.30's against a kubeadm v1.30.2 cluster (tables
 * through cli-runtime's tabwriter, padding 3), modulo names and IPs.
 */
import { describe, expect, it } from 'vitest';
import { rootHelp } from '../help';
import { kubectlFixture } from '../testing';

const golden = (name: string): string => `../__golden__/${name}`;

describe('kubectl api-resources', () => {
  const k = kubectlFixture();

  it.each([
    ['api-resources', 'api-resources.txt'],
    ['api-resources -o wide', 'api-resources-wide.txt'],
  ])('%s', async (line, file) => {
    const r = k.run(line);
    expect([r.stderr, r.exitCode]).toEqual(['', 0]);
    await expect(r.stdout).toMatchFileSnapshot(golden(file));
  });

  it.each([
    [
      'api-resources --namespaced=false',
      'NAME             SHORTNAMES   APIVERSION             NAMESPACED   KIND\n' +
        'namespaces       ns           v1                     false        Namespace\n' +
        'nodes            no           v1                     false        Node\n' +
        'ingressclasses                networking.k8s.io/v1   false        IngressClass\n',
    ],
    [
      'api-resources --api-group=apps --no-headers',
      'daemonsets    ds       apps/v1   true   DaemonSet\n' +
        'deployments   deploy   apps/v1   true   Deployment\n' +
        'replicasets   rs       apps/v1   true   ReplicaSet\n',
    ],
    [
      'api-resources -o name --namespaced=false',
      'namespaces\nnodes\ningressclasses.networking.k8s.io\n',
    ],
    [
      'api-resources --api-group=discovery.k8s.io --sort-by=kind -o name',
      'endpointslices.discovery.k8s.io\n',
    ],
    // The core group is the empty string.
    ['api-resources --api-group= --namespaced=false -o name', 'namespaces\nnodes\n'],
    // Only the header when nothing matches.
    ['api-resources --api-group=batch', 'NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\n'],
  ])('%s', (line, stdout) => {
    expect(k.run(line)).toEqual({ stdout, stderr: '', exitCode: 0 });
  });

  it('--sort-by=name interleaves the groups', () => {
    const names = k
      .run('api-resources --sort-by=name -o name')
      .stdout.split('\n')
      .filter((l) => l !== '');
    expect(names.slice(0, 5)).toEqual([
      'configmaps',
      'daemonsets.apps',
      'deployments.apps',
      'endpoints',
      'endpointslices.discovery.k8s.io',
    ]);
  });

  it.each([
    ['api-resources -o yaml', 'error: --output yaml is not available\n'],
    ['api-resources --sort-by=age', 'error: --sort-by accepts only name or kind\n'],
    [
      'api-resources pods',
      "error: unexpected arguments: [pods]\nSee 'kubectl api-resources -h' for help and examples\n",
    ],
  ])('%s fails', (line, stderr) => {
    expect(k.run(line)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });
});

describe('kubectl cluster-info', () => {
  it('prints the control plane and the cluster services', () => {
    expect(kubectlFixture().run('cluster-info')).toEqual({
      stdout:
        'Kubernetes control plane is running at https://192.168.100.10:6443\n' +
        'CoreDNS is running at https://192.168.100.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n' +
        '\n' +
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
      stderr: '',
      exitCode: 0,
    });
  });

  it('uses the control-plane node address of the cluster', () => {
    const k = kubectlFixture({ nodes: [{ name: 'cp', ip: '10.0.0.5' }, { name: 'w1' }] });
    expect(k.run('cluster-info').stdout.split('\n')[0]).toBe(
      'Kubernetes control plane is running at https://10.0.0.5:6443',
    );
  });

  it('looks in the -n namespace instead of kube-system', () => {
    expect(kubectlFixture().run('cluster-info -n default').stdout).toBe(
      'Kubernetes control plane is running at https://192.168.100.10:6443\n' +
        '\n' +
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    );
  });
});

describe('kubectl version', () => {
  const k = kubectlFixture();
  const client =
    '  "clientVersion": {\n' +
    '    "major": "1",\n' +
    '    "minor": "30",\n' +
    '    "gitVersion": "v1.30.2",\n' +
    '    "gitCommit": "39683505b630ff2121012f3c5b16215a1449d5ed",\n' +
    '    "gitTreeState": "clean",\n' +
    '    "buildDate": "2024-06-11T20:29:44Z",\n' +
    '    "goVersion": "go1.22.4",\n' +
    '    "compiler": "gc",\n' +
    '    "platform": "linux/amd64"\n' +
    '  },\n';

  it.each([
    [
      'version',
      'Client Version: v1.30.2\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.30.2\n',
    ],
    [
      'version --client',
      'Client Version: v1.30.2\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\n',
    ],
    [
      'version --client -o json',
      '{\n' + client + '  "kustomizeVersion": "v5.0.4-0.20230601165947-6ce0bf390ce3"\n}\n',
    ],
    [
      'version -o yaml',
      'clientVersion:\n' +
        '  buildDate: "2024-06-11T20:29:44Z"\n' +
        '  compiler: gc\n' +
        '  gitCommit: 39683505b630ff2121012f3c5b16215a1449d5ed\n' +
        '  gitTreeState: clean\n' +
        '  gitVersion: v1.30.2\n' +
        '  goVersion: go1.22.4\n' +
        '  major: "1"\n' +
        '  minor: "30"\n' +
        '  platform: linux/amd64\n' +
        'kustomizeVersion: v5.0.4-0.20230601165947-6ce0bf390ce3\n' +
        'serverVersion:\n' +
        '  buildDate: "2024-06-11T20:21:00Z"\n' +
        '  compiler: gc\n' +
        '  gitCommit: 39683505b630ff2121012f3c5b16215a1449d5ed\n' +
        '  gitTreeState: clean\n' +
        '  gitVersion: v1.30.2\n' +
        '  goVersion: go1.22.4\n' +
        '  major: "1"\n' +
        '  minor: "30"\n' +
        '  platform: linux/amd64\n',
    ],
  ])('%s', (line, stdout) => {
    expect(k.run(line)).toEqual({ stdout, stderr: '', exitCode: 0 });
  });

  it('-o json ends with the server version', () => {
    const out = k.run('version -o json').stdout;
    expect(out.startsWith('{\n' + client)).toBe(true);
    expect(JSON.parse(out)).toMatchObject({
      serverVersion: { gitVersion: 'v1.30.2', buildDate: '2024-06-11T20:21:00Z' },
    });
  });

  it('rejects other output formats', () => {
    expect(k.run('version -o wide')).toEqual({
      stdout: '',
      stderr: "error: --output must be 'yaml' or 'json'\n",
      exitCode: 1,
    });
  });
});

describe('kubectl config', () => {
  const k = kubectlFixture();

  it('view: kubeadm admin.conf with the data omitted', async () => {
    const r = k.run('config view');
    expect([r.stderr, r.exitCode]).toEqual(['', 0]);
    await expect(r.stdout).toMatchFileSnapshot(golden('config-view.txt'));
    expect(k.run('config view --minify').stdout).toBe(r.stdout);
  });

  it('view --raw: base64 PEM data, deterministic per cluster', () => {
    const raw = k.run('config view --raw').stdout;
    const line = raw.split('\n').find((l) => l.includes('client-key-data:')) ?? '';
    const pem = Buffer.from(line.split(': ')[1] ?? '', 'base64').toString('latin1');
    expect(pem.startsWith('-----BEGIN RSA PRIVATE KEY-----\nMII')).toBe(true);
    expect(pem.endsWith('\n-----END RSA PRIVATE KEY-----\n')).toBe(true);
    expect(raw).not.toContain('DATA+OMITTED');
    expect(kubectlFixture().run('config view --raw').stdout).toBe(raw);
  });

  it.each([
    ['config current-context', 'kubernetes-admin@kubernetes\n'],
    [
      'config get-contexts',
      'CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n' +
        '*         kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n',
    ],
    [
      'config get-contexts kubernetes-admin@kubernetes --no-headers',
      '*     kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n',
    ],
    ['config get-contexts -o name', 'kubernetes-admin@kubernetes\n'],
    [
      'config use-context kubernetes-admin@kubernetes',
      'Switched to context "kubernetes-admin@kubernetes".\n',
    ],
    [
      'config use kubernetes-admin@kubernetes',
      'Switched to context "kubernetes-admin@kubernetes".\n',
    ],
  ])('%s', (line, stdout) => {
    expect(k.run(line)).toEqual({ stdout, stderr: '', exitCode: 0 });
  });

  it.each([
    ['config use-context minikube', '', 'error: no context exists with the name: "minikube"\n'],
    [
      'config use-context',
      '',
      "error: Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples\n",
    ],
    [
      'config get-contexts prod',
      'CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n',
      'error: context prod not found\n',
    ],
  ])('%s fails', (line, stdout, stderr) => {
    expect(k.run(line)).toEqual({ stdout, stderr, exitCode: 1 });
  });

  it('alone prints the group help on stderr and fails, as DefaultSubCommandRun does', () => {
    const r = k.run('config');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    const help = r.stderr;
    expect(help.startsWith('Modify kubeconfig files using subcommands')).toBe(true);
    expect(help).toContain(
      '\nAvailable Commands:\n  current-context   Display the current-context\n',
    );
  });
});

describe('help texts', () => {
  const k = kubectlFixture();

  it.each([
    [
      'api-resources --help',
      'Print the supported API resources on the server.\n',
      'kubectl api-resources [flags] [options]',
    ],
    [
      'cluster-info --help',
      'Display addresses of the control plane',
      'kubectl cluster-info [flags] [options]',
    ],
    [
      'version -h',
      'Print the client and server version information for the current context.\n',
      'kubectl version [flags] [options]',
    ],
    [
      'config view --help',
      'Display merged kubeconfig settings',
      'kubectl config view [flags] [options]',
    ],
    [
      'config current-context --help',
      'Display the current-context.\n',
      'kubectl config current-context [flags] [options]',
    ],
    [
      'config get-contexts --help',
      'Display one or many contexts',
      'kubectl config get-contexts [(-o|--output=)name)] [options]',
    ],
    [
      'config use-context --help',
      'Set the current-context in a kubeconfig file.\n',
      'kubectl config use-context CONTEXT_NAME [options]',
    ],
  ])('%s', (line, start, usage) => {
    const r = k.run(line);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.startsWith(start)).toBe(true);
    expect(r.stdout).toContain(`\nUsage:\n  ${usage}\n\n`);
    expect(
      r.stdout.endsWith(
        '\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n',
      ),
    ).toBe(true);
  });

  it('top level', async () => {
    await expect(rootHelp()).toMatchFileSnapshot(golden('kubectl-help.txt'));
  });
});
