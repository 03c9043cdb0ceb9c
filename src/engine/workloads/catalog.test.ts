import type { Container } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { execAt, filesAt, httpGet, renderBody } from './behaviour';
import {
  imageID,
  imageSizeBytes,
  isOneLetterTypo,
  logsAt,
  NGINX_WELCOME_PAGE,
  processOfContainer,
  pullImage,
  resolveProcess,
} from './catalog';
import { parseImageRef } from './image-ref';
import type { ImageRef } from './image-ref';
import { EPOCH_MS } from '../sim/clock';

const ref = (s: string): ImageRef => {
  const r = parseImageRef(s);
  if (!r.ok) throw new Error(r.error);
  return r.ref;
};
const ctx = { hostname: 'web-1', podIP: '10.244.1.5', startedAtMs: EPOCH_MS + 3000 };
const run = (image: string, c: Partial<Container> = {}) =>
  resolveProcess(image, { name: 'c', image, ...c }, ctx);

describe('image existence rule (catalog.ts header)', () => {
  it.each([
    // must run
    ['nginx', true],
    ['nginx:1.25', true],
    ['nginx:1.14.2', true],
    ['nginx:alpine', true],
    ['httpd:v0.4', false], // rule 6: official images tag plain versions
    ['nginx:v1.25', false],
    ['3199560936/httpd:v0.4', true],
    ['busybox:1.28.4', true],
    ['busybox:1.28', true],
    ['myorg/app:1.0', true],
    ['httpd2', true],
    ['nginx1', true],
    ['mono', true],
    ['redis:7.2', true],
    ['registry.k8s.io/coredns/coredns:v1.11.1', true],
    ['gcr.io/google-samples/hello-app:1.0', true],
    ['quay.io/someone/thing:v9', true],
    // typos of catalogue library images
    ['ngnix', false],
    ['ngin', false],
    ['nginxx', false],
    ['busybx', false],
    ['htpd', false],
    ['redsi', false],
    ['memcahced', false],
    ['apline', false],
    // markers
    ['nginx:nonexistent', false],
    ['myorg/does-not-exist:1.0', false],
    ['doesnotexist', false],
    ['registry.k8s.io/notfound:v1', false],
    ['no-such-image', false],
    // impossible tags and paths
    ['nginx:1.161', false],
    ['busybox:9.1', false],
    ['a/b/c', false],
  ])('%s exists: %s', (image, exists) => {
    expect(pullImage(ref(image)).ok).toBe(exists);
  });

  it('words a missing Docker Hub repository as containerd does', () => {
    expect(pullImage(ref('ngnix'))).toEqual({
      ok: false,
      message:
        'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve reference "docker.io/library/ngnix:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    });
  });

  it('words a missing tag of an existing repository as "not found"', () => {
    expect(pullImage(ref('nginx:1.161'))).toEqual({
      ok: false,
      message:
        'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.161": failed to resolve reference "docker.io/library/nginx:1.161": docker.io/library/nginx:1.161: not found',
    });
  });

  it.each([
    ['ngnix', 'nginx', true],
    ['nignx', 'nginx', true],
    ['nginx2', 'nginx', false],
    ['ngin2', 'nginx', false],
    ['ng-inx', 'nginx', false],
    ['nginx', 'nginx', false],
    ['xyz', 'nginx', false],
  ])('isOneLetterTypo(%s, %s) = %s', (x, name, expected) => {
    expect(isOneLetterTypo(x, name)).toBe(expected);
  });

  it('gives stable digests and plausible sizes', () => {
    expect(imageID(ref('nginx'))).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(imageID(ref('nginx'))).toBe(imageID(ref('docker.io/library/nginx:latest')));
    expect(imageID(ref('nginx:1.25'))).not.toBe(imageID(ref('nginx')));
    const size = imageSizeBytes(ref('nginx'));
    expect(size).toBeGreaterThan(68_000_000);
    expect(size).toBeLessThan(74_000_000);
    expect(imageSizeBytes(ref('nginx:alpine'))).toBeLessThan(25_000_000);
  });
});

describe('resolveProcess', () => {
  it('nginx serves the welcome page on :80 and 404s elsewhere', () => {
    const p = run('nginx');
    expect(p.imageId).toBe('nginx');
    expect(p.exit).toBe(undefined);
    expect(httpGet(p, 80, '/')).toEqual({
      kind: 'response',
      server: 'nginx/1.27.0',
      page: { path: '/', status: 200, contentType: 'text/html', body: NGINX_WELCOME_PAGE },
    });
    const nf = httpGet(p, 80, '/missing');
    expect(nf.kind === 'response' && nf.page.status).toBe(404);
    expect(nf.kind === 'response' && nf.page.body).toBe(
      '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.0</center>\r\n</body>\r\n</html>\r\n',
    );
    expect(httpGet(p, 8080, '/')).toEqual({ kind: 'refused' });
    expect(httpGet(run('nginx:1.25'), 80, '/x').kind === 'response').toBe(true);
    expect(p.logs[0]?.text).toBe(
      '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    );
    expect(p.logs.at(-1)?.text).toBe('2024/06/03 08:00:03 [notice] 1#1: start worker process 30');
  });

  it('any …/httpd image says It works!', () => {
    const p = run('3199560936/httpd:v0.4');
    const r = httpGet(p, 80, '/');
    expect(r.kind === 'response' && r.page.body).toBe(
      '<html><body><h1>It works!</h1></body></html>\n',
    );
    expect(logsAt(p, 0).slice(0, 1)).toEqual([
      "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10.244.1.5. Set the 'ServerName' directive globally to suppress this message",
    ]);
    expect(logsAt(p, 0)[2]).toBe(
      '[Mon Jun 03 08:00:03.000187 2024] [mpm_event:notice] [pid 1:tid 140171432638336] AH00489: Apache/2.4.59 (Unix) configured -- resuming normal operations',
    );
  });

  it('redis and memcached listen on TCP only', () => {
    expect(httpGet(run('redis'), 6379, '/')).toEqual({
      kind: 'not-http',
      line: "-ERR wrong number of arguments for 'get' command",
    });
    expect(run('memcached').ports.map((p) => `${p.port}/${p.protocol}`)).toEqual(['11211/TCP']);
  });

  it('coredns serves DNS, metrics, /health and /ready', () => {
    const p = run('registry.k8s.io/coredns/coredns:v1.11.1');
    expect(p.ports.map((x) => `${x.port}/${x.protocol}`)).toEqual([
      '53/UDP',
      '53/TCP',
      '9153/TCP',
      '8080/TCP',
      '8181/TCP',
    ]);
    const h = httpGet(p, 8080, '/health');
    expect(h.kind === 'response' && h.page.body).toBe('OK');
    const r = httpGet(p, 8181, '/ready');
    expect(r.kind === 'response' && r.page.status).toBe(200);
  });

  it('busybox runs its command', () => {
    expect(run('busybox').exit).toEqual({ afterMs: 0, code: 0 });
    expect(run('busybox', { stdin: true }).exit).toBe(undefined);
    expect(run('busybox:1.28.4', { command: ['sleep', '9000'] }).exit).toEqual({
      afterMs: 9_000_000,
      code: 0,
    });
    expect(run('busybox', { args: ['sleep', '10'] }).exit).toEqual({ afterMs: 10_000, code: 0 });
    expect(run('busybox', { command: ['sh', '-c', 'sleep 5; exit 3'] }).exit).toEqual({
      afterMs: 5000,
      code: 3,
    });
    expect(run('busybox', { command: ['sh', '-c', 'while true; do sleep 1; done'] }).exit).toBe(
      undefined,
    );
    expect(run('busybox', { command: ['sleep', '3600'] }).sigterm).toEqual({ kind: 'ignores' });
  });

  it('busybox sh -c echo loops repeat their lines in the logs', () => {
    const p = run('busybox', {
      command: ['sh', '-c', 'echo start; while true; do echo "tick $HOSTNAME"; sleep 5; done'],
    });
    expect(p.exit).toBe(undefined);
    expect(logsAt(p, 11_000)).toEqual(['start', 'tick web-1', 'tick web-1', 'tick web-1']);
  });

  it('the docs liveness example creates then removes /tmp/healthy', () => {
    const p = run('registry.k8s.io/busybox', {
      args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
    });
    expect(p.exit).toEqual({ afterMs: 630_000, code: 0 });
    expect(filesAt(p, 10_000).has('/tmp/healthy')).toBe(true);
    expect(execAt(p, ['cat', '/tmp/healthy'], 10_000)).toEqual({ exitCode: 0, output: '' });
    expect(execAt(p, ['cat', '/tmp/healthy'], 31_000)).toEqual({
      exitCode: 1,
      output: "cat: can't open '/tmp/healthy': No such file or directory",
    });
  });

  it('nginx with a script that writes its index page serves that page', () => {
    const p = run('nginx', {
      command: [
        'sh',
        '-c',
        'echo "Hello from $(hostname)" > /usr/share/nginx/html/index.html && nginx -g "daemon off;"',
      ],
    });
    const r = httpGet(p, 80, '/');
    expect(r.kind === 'response' && r.page.body).toBe('Hello from web-1\n');
    expect(p.exit).toBe(undefined);
  });

  it('an unknown image listens on its declared ports and answers with its name', () => {
    const p = run('myorg/app:1.0', {
      ports: [{ containerPort: 8080 }, { containerPort: 9000, protocol: 'UDP' }],
    });
    const r = httpGet(p, 8080, '/anything');
    expect(r.kind === 'response' && renderBody(r.page.body, { hostname: 'web-1', podIP: '' })).toBe(
      'Hello from myorg/app:1.0 on web-1\n',
    );
    expect(p.exit).toBe(undefined);
    expect(run('myorg/app:1.0').ports).toEqual([]);
    expect(run('myorg/app:1.0', { command: ['sleep', '5'] }).exit).toEqual({
      afterMs: 5000,
      code: 0,
    });
  });

  it('mysql without a root password exits 1', () => {
    expect(run('mysql:8').exit).toEqual({ afterMs: 500, code: 1 });
    expect(run('mysql:8', { env: [{ name: 'MYSQL_ROOT_PASSWORD', value: 'x' }] }).exit).toBe(
      undefined,
    );
  });

  it('http-echo serves its -text', () => {
    const p = run('hashicorp/http-echo', { args: ['-text=apple'] });
    const r = httpGet(p, 5678, '/');
    expect(r.kind === 'response' && r.page.body).toBe('apple\n');
  });

  it('exec of a missing binary fails like runc', () => {
    expect(
      execAt(run('registry.k8s.io/coredns/coredns:v1.11.1'), ['cat', '/etc/hosts'], 0),
    ).toEqual({
      exitCode: 126,
      output:
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "cat": executable file not found in $PATH: unknown',
    });
    expect(execAt(run('redis'), ['redis-cli', 'ping'], 0)).toEqual({ exitCode: 0, output: 'PONG' });
  });

  it('processOfContainer rebuilds what a running container of a pod serves', () => {
    const pod = {
      metadata: { name: 'web-1' },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
      status: {
        podIP: '10.244.1.5',
        containerStatuses: [
          {
            name: 'web',
            image: 'docker.io/library/nginx:latest',
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: '2024-06-03T08:00:03Z' } },
          },
        ],
      },
    };
    expect(processOfContainer(pod, 'web')?.ports.map((p) => p.port)).toEqual([80]);
    expect(processOfContainer(pod, 'other')).toBe(undefined);
  });
});
