import { describe, expect, it } from 'vitest';
import { createCluster } from '../cluster';
import { dataplaneOf } from './dataplane';
import './playground-command';

describe('playground proxy-mode', () => {
  it('prints the mode, changes it on every node, and says so', () => {
    const c = createCluster({ seed: 1 });
    const plane = dataplaneOf(c.context);
    const heard: string[] = [];
    plane.onSettings((s) => heard.push(s.proxyMode));
    expect(c.shell.run('playground proxy-mode')).toEqual({
      stdout: 'iptables\n',
      stderr: '',
      exitCode: 0,
    });
    expect(c.shell.run('playground proxy-mode ipvs')).toEqual({
      stdout: '✅  kube-proxy mode is now "ipvs": every node\'s rules were re-synced.\n',
      stderr: '',
      exitCode: 0,
    });
    expect([plane.settings.proxyMode, heard]).toEqual(['ipvs', ['ipvs']]);
    // The workers have the command too, and see the same setting.
    expect(c.shell.run('ssh node2 playground proxy-mode').stdout).toBe('ipvs\n');
    expect(c.shell.run('playground proxy-mode ipvs').stdout).toBe(
      '👍  kube-proxy is already in "ipvs" mode.\n',
    );
    expect(c.shell.run('playground proxy-mode userspace').stdout).toBe(
      '✅  kube-proxy mode is now "userspace": every node\'s rules were re-synced.\n' +
        '❗  The userspace mode was removed from kube-proxy in Kubernetes v1.26; the playground keeps it to compare.\n',
    );
    expect(heard).toEqual(['ipvs', 'userspace']);
  });

  it.each([
    [
      'playground proxy-mode nftables',
      '❌  Invalid kube-proxy mode "nftables": choose one of iptables, userspace, ipvs\n',
    ],
    [
      'playground proxy-mode ipvs iptables',
      "Error: accepts at most 1 arg(s), received 2\nRun 'playground proxy-mode --help' for usage.\n",
    ],
    [
      'playground proxy-mode --force',
      "Error: unknown flag: --force\nRun 'playground proxy-mode --help' for usage.\n",
    ],
  ])('%s fails and changes nothing', (cmd, stderr) => {
    const c = createCluster({ seed: 1 });
    expect(c.shell.run(cmd)).toEqual({ stdout: '', stderr, exitCode: 1 });
    expect(dataplaneOf(c.context).settings.proxyMode).toBe('iptables');
  });
});

describe('playground cloud-lb', () => {
  it('prints on/off and switches the simulated cloud load balancer', () => {
    const c = createCluster({ seed: 1 });
    expect(c.shell.run('playground cloud-lb').stdout).toBe('off\n');
    expect(c.shell.run('playground cloud-lb on')).toEqual({
      stdout:
        '✅  Cloud load balancer is on: LoadBalancer services get an EXTERNAL-IP from 203.0.113.0/24.\n',
      stderr: '',
      exitCode: 0,
    });
    expect(dataplaneOf(c.context).settings.cloudLB).toBe(true);
    expect(c.shell.run('playground cloud-lb on').stdout).toBe(
      '👍  The cloud load balancer is already on.\n',
    );
    expect(c.shell.run('ssh node1 playground cloud-lb').stdout).toBe('on\n');
    expect(c.shell.run('playground cloud-lb off').stdout).toBe(
      '✅  Cloud load balancer is off: LoadBalancer services are back to EXTERNAL-IP <pending>.\n',
    );
    expect(dataplaneOf(c.context).settings.cloudLB).toBe(false);
  });

  it('refuses anything but on and off', () => {
    const c = createCluster({ seed: 1 });
    expect(c.shell.run('playground cloud-lb yes')).toEqual({
      stdout: '',
      stderr: '❌  Invalid cloud-lb setting "yes": choose on or off\n',
      exitCode: 1,
    });
  });
});

describe('playground: help and unknown commands', () => {
  const c = createCluster({ seed: 1 });

  it('--help, help and no arguments list the commands', () => {
    const help = c.shell.run('playground --help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toBe(
      [
        'playground shapes this simulated cluster: how kube-proxy implements Services, and what',
        'the "cloud" underneath it provides. Settings apply to every node at once.',
        '',
        'Usage:',
        '  playground [command]',
        '',
        'Available Commands:',
        '  addons        Enable or disable a playground addon (ingress-nginx)',
        '  cloud-lb      Show, or turn on or off, the simulated cloud load balancer',
        "  proxy-mode    Show or change kube-proxy's mode on every node (iptables, userspace, ipvs)",
        '',
        'Flags:',
        '  -h, --help   help for playground',
        '',
        'Use "playground [command] --help" for more information about a command.',
        '',
      ].join('\n'),
    );
    expect(c.shell.run('playground').stdout).toBe(help.stdout);
    expect(c.shell.run('playground help').stdout).toBe(help.stdout);
    expect(c.shell.run('playground -h').stdout).toBe(help.stdout);
  });

  it('each command has its own help', () => {
    const pm = c.shell.run('playground proxy-mode --help').stdout;
    expect(pm).toContain('  playground proxy-mode [iptables|userspace|ipvs] [flags]\n');
    expect(c.shell.run('playground help proxy-mode').stdout).toBe(pm);
    const lb = c.shell.run('playground cloud-lb -h').stdout;
    expect(lb).toContain('  playground cloud-lb [on|off] [flags]\n');
    expect(c.shell.run('playground help cloud-lb').stdout).toBe(lb);
  });

  it.each([
    [
      'playground addon',
      'Error: unknown command "addon" for "playground"\nRun \'playground --help\' for usage.\n',
    ],
    [
      'playground --verbose',
      "Error: unknown flag: --verbose\nRun 'playground --help' for usage.\n",
    ],
    [
      'playground help nope',
      'Error: unknown help topic "nope"\nRun \'playground --help\' for usage.\n',
    ],
  ])('%s', (cmd, stderr) => {
    expect(c.shell.run(cmd)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });
});
