import { describe, expect, it } from 'vitest';
import { kubectlFixture } from '../testing';
import type { ShellSession } from '../../shell/types';
import { kubectlEnvFor } from '../env';
import { runKubectl } from '../kubectl';

const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - name: bb
    image: busybox:1.28.4
    command: ['sleep', '3600']
---
apiVersion: v1
kind: Pod
metadata:
  name: test
spec:
  containers:
  - {name: nginx, image: nginx}
  - {name: redis, image: redis}
  - {name: memcached, image: memcached}
---
apiVersion: v1
kind: Pod
metadata:
  name: annotated
  annotations:
    kubectl.kubernetes.io/default-container: redis
spec:
  containers:
  - {name: nginx, image: nginx}
  - {name: redis, image: redis}
---
apiVersion: v1
kind: Pod
metadata: {name: done}
spec:
  restartPolicy: Never
  containers:
  - {name: c, image: busybox, command: ['true']}
---
apiVersion: v1
kind: Pod
metadata: {name: nowhere}
spec:
  nodeSelector: {disk: none}
  containers:
  - {name: c, image: busybox}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: httpd, image: httpd}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: empty}
spec:
  replicas: 0
  selector: {matchLabels: {app: empty}}
  template:
    metadata: {labels: {app: empty}}
    spec:
      containers:
      - {name: c, image: busybox}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: manual}
spec:
  ports: [{port: 80}]
`;

function fixture(): ReturnType<typeof kubectlFixture> {
  const k = kubectlFixture();
  k.cluster.apply(MANIFESTS);
  k.cluster.advance(60_000);
  return k;
}

describe('kubectl exec', () => {
  const k = fixture();

  it.each<[string, string, string, number]>([
    ['exec bb -- hostname', 'bb\n', '', 0],
    ['exec bb -- sh -c "exit 3"', '', 'command terminated with exit code 3\n', 3],
    ['exec bb -- true', '', '', 0],
    ['exec bb -- false', '', 'command terminated with exit code 1\n', 1],
    ['exec bb -- test -d /etc', '', '', 0],
    ['exec nope -- ls', '', 'Error from server (NotFound): pods "nope" not found\n', 1],
    [
      'exec deploy/nope -- ls',
      '',
      'Error from server (NotFound): deployments.apps "nope" not found\n',
      1,
    ],
    [
      'exec bb -c nope -- ls',
      '',
      'Error from server (BadRequest): container nope is not valid for pod bb\n',
      1,
    ],
    [
      'exec nowhere -- ls',
      '',
      'Error from server (BadRequest): pod nowhere does not have a host assigned\n',
      1,
    ],
    [
      'exec done -- ls',
      '',
      'error: cannot exec into a container in a completed pod; current phase is Succeeded\n',
      1,
    ],
    ['exec', '', 'error: pod, type/name or --filename must be specified\n', 1],
    ['exec bb', '', 'error: you must specify at least one command for the container\n', 1],
    [
      'exec svc/manual -- ls',
      '',
      "error: cannot attach to *v1.Service: invalid service 'manual': Service is defined without a selector\n",
      1,
    ],
    [
      'exec node/node1 -- ls',
      '',
      'error: cannot attach to *v1.Node: selector for *v1.Node not implemented\n',
      1,
    ],
    ['exec deploy/empty -- ls', '', 'error: timed out waiting for the condition\n', 1],
    [
      'exec bb --foo -- ls',
      '',
      "error: unknown flag: --foo\nSee 'kubectl exec --help' for usage.\n",
      1,
    ],
    [
      'exec bb ls /tmp',
      '',
      'kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\n',
      0,
    ],
  ])('%s', (line, stdout, stderr, exitCode) => {
    expect(k.run(line)).toEqual({ stdout, stderr, exitCode });
  });

  it('notes the defaulted container of a multi-container pod on stderr', () => {
    expect(k.run('exec test -- hostname')).toEqual({
      stdout: 'test\n',
      stderr: 'Defaulted container "nginx" out of: nginx, redis, memcached\n',
      exitCode: 0,
    });
    expect(k.run('exec test -q -- hostname').stderr).toBe('');
    expect(k.run('exec test -c redis -- redis-cli ping')).toEqual({
      stdout: 'PONG\n',
      stderr: '',
      exitCode: 0,
    });
    // The annotation picks the default container, without a note.
    expect(k.run('exec annotated -- redis-cli ping')).toEqual({
      stdout: 'PONG\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('TYPE/NAME runs in the first pod of the workload or service', () => {
    const pods = k.cluster.store
      .list('Pod', { namespace: 'default' })
      .map((p) => p.metadata.name ?? '')
      .filter((n) => n.startsWith('web-'));
    expect(pods).toHaveLength(2);
    const a = k.run('exec deploy/web -- hostname').stdout.trim();
    expect(pods).toContain(a);
    expect(k.run('exec svc/web -- hostname').stdout.trim()).toBe(a);
  });

  it('says the container is not there yet while it is being created', () => {
    const k2 = kubectlFixture();
    k2.cluster.apply(MANIFESTS);
    k2.cluster.advance(500);
    expect(k2.run('exec bb -- ls')).toEqual({
      stdout: '',
      stderr:
        'error: Internal error occurred: unable to upgrade connection: container not found ("bb")\n',
      exitCode: 1,
    });
  });

  it('prints the real --help', () => {
    const help = k.run('exec --help').stdout;
    expect(help.startsWith('Execute a command in a container.\n\nExamples:\n')).toBe(true);
    expect(help).toContain(
      "    -c, --container='':\n\tContainer name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the\n\tcontainer to be attached or the first container in the pod will be chosen\n",
    );
    expect(help).toContain(
      'Usage:\n  kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]\n',
    );
  });
});

describe('kubectl exec -it … sh', () => {
  it('hands an interactive session to the shell that ran kubectl', () => {
    const k = fixture();
    let session: ShellSession | undefined;
    const env = {
      ...kubectlEnvFor(k.cluster, k.workspace),
      enterSession: (s: ShellSession) => {
        session = s;
      },
    };
    expect(runKubectl(['exec', '-it', 'bb', '--', 'sh'], env)).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    if (!session) throw new Error('no session');
    expect(session.prompt()).toBe('/ # ');
    expect(session.run('echo $HOSTNAME')).toEqual({
      stdout: 'bb\n',
      stderr: '',
      exitCode: 0,
      ended: false,
    });
    expect(session.run('exit')).toEqual({ stdout: '', stderr: '', exitCode: 0, ended: true });
  });

  it('without a terminal to read from, sh reads the piped input', () => {
    const k = fixture();
    expect(k.run('exec -i bb -- sh', 'hostname\necho $((6*7))x\n')).toEqual({
      stdout: 'bb\n42x\n',
      stderr: '',
      exitCode: 0,
    });
    expect(k.run('exec -it bb -- sh', 'true\n')).toEqual({
      stdout: '',
      stderr: 'Unable to use a TTY - input is not a terminal or the right kind of file\n',
      exitCode: 0,
    });
    // No shell to hand a session to (a script run, a test): sh sees no input and exits.
    expect(k.run('exec -it bb -- sh')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });
});
