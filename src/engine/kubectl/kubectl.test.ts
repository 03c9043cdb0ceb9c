import { describe, expect, it } from 'vitest';
import { kubectlFixture } from './testing';

// Command dispatch (kubectl.ts) and resource arguments (resources.ts), as cobra and
// cli-runtime's resource.Builder treat them.
describe('words after --', () => {
  const k = kubectlFixture();

  it.each([
    // cobra passes them on as arguments; only exec, run and create deployment read
    // ArgsLenAtDash.
    ['get -- namespaces default', 'NAME      STATUS   AGE\ndefault   Active   10m\n', '', 0],
    ['get ns -- nosuch', '', 'Error from server (NotFound): namespaces "nosuch" not found\n', 1],
    // --help after -- is an argument, not kubectl's help.
    ['get ns -- --help', '', 'Error from server (NotFound): namespaces "--help" not found\n', 1],
  ])('kubectl %s', (line, stdout, stderr, exitCode) => {
    expect(k.run(line)).toEqual({ stdout, stderr, exitCode });
  });

  it('exec POD -- CMD --help runs CMD, not kubectl exec --help', () => {
    const r = k.run('exec nosuch -- ls --help');
    expect(r).toEqual({
      stdout: '',
      stderr: 'Error from server (NotFound): pods "nosuch" not found\n',
      exitCode: 1,
    });
  });
});

describe('resource arguments (builder.go splitResourceTypeName, SplitResourceArgument)', () => {
  const k = kubectlFixture();

  it.each([
    ['get /x', 'error: arguments in resource/name form must have a single resource and name\n'],
    ['get pods/', 'error: arguments in resource/name form must have a single resource and name\n'],
    [
      'get pods,svc/x',
      'error: arguments in resource/name form must have a single resource and name\n',
    ],
    ['get a/b/c', 'error: arguments in resource/name form may not have more than one slash\n'],
    ['get pods,', 'error: the server doesn\'t have a resource type ""\n'],
    ["get ''", 'error: the server doesn\'t have a resource type ""\n'],
  ])('kubectl %s', (line, stderr) => {
    expect(k.run(line)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it('a type named twice is listed once', () => {
    expect(k.run('get ns,ns --no-headers').stdout).toBe(k.run('get ns --no-headers').stdout);
  });
});

describe('commands kubectl 1.30 has beyond the playground', () => {
  const k = kubectlFixture();

  it.each([
    // A kubeadm cluster has no metrics-server, so top fails as a real one does.
    ['top pods', 'error: Metrics API not available\n'],
    ['top node', 'error: Metrics API not available\n'],
    ['top pod --sort-by=name', 'error: --sort-by accepts only cpu or memory\n'],
    ['edit deploy/x', 'error: "kubectl edit" is not available in this playground\n'],
    [
      'port-forward web 8080:80',
      'error: "kubectl port-forward" is not available in this playground\n',
    ],
    // Suggestions come from all of kubectl's commands.
    [
      'edt',
      'error: unknown command "edt" for "kubectl"\n\nDid you mean this?\n\tedit\n\tget\n\tset\n',
    ],
  ])('kubectl %s', (line, stderr) => {
    expect(k.run(line)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it('kubectl help COMMAND prints that command’s help', () => {
    expect(k.run('help rollout undo').stdout).toBe(k.run('rollout undo --help').stdout);
    expect(k.run('help').stdout).toBe(k.run('--help').stdout);
  });
});
