/**
 * The terminal's request tools, byte for byte: curl 7.81.0 on the nodes and in containers that
 * ship it, busybox wget, conntrack -L; the classic lesson's nginx and httpd answers and the error
 * messages a learner meets.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { createCluster } from '../../cluster';
import type { Cluster } from '../../cluster';
import { NGINX_WELCOME_PAGE } from '../../workloads/catalog';
import { dataplaneOf } from '../dataplane';
import { httpDate } from './answer';
import { lastTraces } from './tools';

type Obj = KObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

const CLASSIC = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
spec:
  replicas: 2
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25.3
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector: {app: nginx}
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpd
spec:
  replicas: 1
  selector:
    matchLabels: {app: httpd}
  template:
    metadata:
      labels: {app: httpd}
    spec:
      containers:
      - name: httpd
        image: httpd
---
apiVersion: v1
kind: Service
metadata:
  name: httpd
spec:
  selector: {app: httpd}
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: empty
spec:
  selector: {app: nobody}
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  nodeName: node1
  containers:
  - name: busybox
    image: busybox
    command: [sleep, "3600"]
`;

let c: Cluster;
let nginxIP: string;
let httpdIP: string;
let emptyIP: string;

beforeAll(() => {
  c = createCluster({ seed: 1 });
  const r = c.apply(CLASSIC);
  expect(r.outcomes.every((o) => o.ok)).toBe(true);
  c.advance(60_000);
  const ip = (svc: string): string =>
    c.store.get<Obj>('Service', 'default', svc)?.spec?.clusterIP as string;
  nginxIP = ip('nginx');
  httpdIP = ip('httpd');
  emptyIP = ip('empty');
});

const run = (cmd: string): { stdout: string; stderr: string; exitCode: number } => {
  const r = c.shell.run(cmd);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
};
const ok = (stdout: string, stderr = '') => ({ stdout, stderr, exitCode: 0 });
const fail = (stderr: string, exitCode: number, stdout = '') => ({ stdout, stderr, exitCode });
const crlf = (lines: string[]): string => lines.map((l) => `${l}\r\n`).join('');

describe('curl on a node: the classic lesson', () => {
  it('curl CLUSTER-IP prints the nginx welcome page', () => {
    expect(run(`curl ${nginxIP}`)).toEqual(ok(NGINX_WELCOME_PAGE));
  });

  it('curl -I: nginx 1.25.3 headers, in nginx order, CRLF', () => {
    const date = httpDate(c.now());
    expect(run(`curl -I ${nginxIP}`)).toEqual(
      ok(
        crlf([
          'HTTP/1.1 200 OK',
          'Server: nginx/1.25.3',
          `Date: ${date}`,
          'Content-Type: text/html',
          'Content-Length: 615',
          'Last-Modified: Tue, 24 Oct 2023 13:46:47 GMT',
          'Connection: keep-alive',
          'ETag: "6537cac7-267"',
          'Accept-Ranges: bytes',
          '',
        ]),
      ),
    );
  });

  it('httpd: It works!, and Apache header order', () => {
    expect(run(`curl ${httpdIP}`)).toEqual(ok('<html><body><h1>It works!</h1></body></html>\n'));
    const date = httpDate(c.now());
    expect(run(`curl -sI http://${httpdIP}/`)).toEqual(
      ok(
        crlf([
          'HTTP/1.1 200 OK',
          `Date: ${date}`,
          'Server: Apache/2.4.59 (Unix)',
          'Last-Modified: Mon, 11 Jun 2007 18:53:14 GMT',
          'ETag: "2d-432a5e4a73a80"',
          'Accept-Ranges: bytes',
          'Content-Length: 45',
          'Content-Type: text/html',
          '',
        ]),
      ),
    );
  });

  it('curl -v: the request and the response headers on stderr', () => {
    const date = httpDate(c.now());
    expect(run(`curl -v ${httpdIP}`)).toEqual(
      ok(
        '<html><body><h1>It works!</h1></body></html>\n',
        `*   Trying ${httpdIP}:80...\n` +
          `* Connected to ${httpdIP} (${httpdIP}) port 80 (#0)\n` +
          crlf([
            '> GET / HTTP/1.1',
            `> Host: ${httpdIP}`,
            '> User-Agent: curl/7.81.0',
            '> Accept: */*',
            '> ',
          ]) +
          '* Mark bundle as not supporting multiuse\n' +
          crlf([
            '< HTTP/1.1 200 OK',
            `< Date: ${date}`,
            '< Server: Apache/2.4.59 (Unix)',
            '< Last-Modified: Mon, 11 Jun 2007 18:53:14 GMT',
            '< ETag: "2d-432a5e4a73a80"',
            '< Accept-Ranges: bytes',
            '< Content-Length: 45',
            '< Content-Type: text/html',
            '< ',
          ]) +
          `* Connection #0 to host ${httpdIP} left intact\n`,
      ),
    );
  });

  it('-H replaces a header, -X changes the method (nginx: 405 Not Allowed), -f fails on it', () => {
    const v = run(`curl -sv -H 'Host: example.com' -H 'X-Try: 1' ${nginxIP}/index.html`);
    expect(v.stderr).toContain(
      '> Host: example.com\r\n> User-Agent: curl/7.81.0\r\n> Accept: */*\r\n> X-Try: 1\r\n',
    );
    const post = run(`curl -s -X POST ${nginxIP}`);
    expect(post.stdout).toBe(
      '<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n<center><h1>405 Not Allowed</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n',
    );
    expect(run(`curl -sSf ${nginxIP}/nope`)).toEqual(
      fail('curl: (22) The requested URL returned error: 404\n', 22),
    );
  });

  it("-s -o /dev/null -w '%{http_code}'", () => {
    expect(run(`curl -s -o /dev/null -w '%{http_code}\\n' ${nginxIP}`)).toEqual(ok('200\n'));
    expect(run(`curl -s -o /dev/null -w '%{http_code}' ${emptyIP}`)).toEqual(fail('', 7, '000'));
  });

  it('-o FILE without -s: the progress meter on stderr', () => {
    const r = run(`curl -o page.html ${nginxIP}`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^ {2}% Total {4}% Received % Xferd {2}Average Speed {3}Time {4}Time {5}Time {2}Current\n {33}Dload {2}Upload {3}Total {3}Spent {4}Left {2}Speed\n100 {3}615 {2}100 {3}615 {4}0 {5}0 {2}[ \d]{4}k {6}0 --:--:-- --:--:-- --:--:-- [ \d]{4}k\n$/,
    );
    expect(c.workspace.read('page.html')).toBe(NGINX_WELCOME_PAGE);
  });
});

describe('curl errors', () => {
  it('a service without endpoints: REJECT → Connection refused', () => {
    expect(run(`curl ${emptyIP}`)).toEqual(
      fail(`curl: (7) Failed to connect to ${emptyIP} port 80 after 0 ms: Connection refused\n`, 7),
    );
    expect(run(`curl -v ${emptyIP}`).stderr).toBe(
      `*   Trying ${emptyIP}:80...\n` +
        `* connect to ${emptyIP} port 80 failed: Connection refused\n` +
        `* Failed to connect to ${emptyIP} port 80 after 0 ms: Connection refused\n` +
        '* Closing connection 0\n' +
        `curl: (7) Failed to connect to ${emptyIP} port 80 after 0 ms: Connection refused\n`,
    );
    expect(run(`curl -s ${emptyIP}`)).toEqual(fail('', 7));
    expect(run(`curl -sS ${emptyIP}`).stderr).toBe(
      `curl: (7) Failed to connect to ${emptyIP} port 80 after 0 ms: Connection refused\n`,
    );
  });

  it('an address nothing answers: the client limit, or the kernel’s ~130 s; time passes', () => {
    const t0 = c.now();
    expect(run('curl -m 5 10.96.5.5')).toEqual(
      fail('curl: (28) Connection timed out after 5001 milliseconds\n', 28),
    );
    expect(c.now() - t0).toBe(5001);
    expect(run('curl --connect-timeout 2 10.96.5.5')).toEqual(
      fail('curl: (28) Connection timed out after 2001 milliseconds\n', 28),
    );
    const t1 = c.now();
    expect(run('curl 10.96.5.5')).toEqual(
      fail(
        'curl: (28) Failed to connect to 10.96.5.5 port 80 after 130000 ms: Connection timed out\n',
        28,
      ),
    );
    expect(c.now() - t1).toBe(130_000);
  });

  it('a hanging pod: connected, then the operation times out', () => {
    const pods = c.store
      .list<Obj>('Pod', { namespace: 'default' })
      .filter((p) => (p.metadata.name ?? '').startsWith('httpd-'));
    const name = pods[0]?.metadata.name ?? '';
    expect(run(`kubectl annotate pod ${name} playground/fault=hang`).exitCode).toBe(0);
    expect(run(`curl -m 5 ${httpdIP}`)).toEqual(
      fail('curl: (28) Operation timed out after 5000 milliseconds with 0 bytes received\n', 28),
    );
    expect(run(`curl -v -m 5 ${httpdIP}`).stderr).toBe(
      `*   Trying ${httpdIP}:80...\n` +
        `* Connected to ${httpdIP} (${httpdIP}) port 80 (#0)\n` +
        crlf([
          '> GET / HTTP/1.1',
          `> Host: ${httpdIP}`,
          '> User-Agent: curl/7.81.0',
          '> Accept: */*',
          '> ',
        ]) +
        '* Operation timed out after 5000 milliseconds with 0 bytes received\n' +
        '* Closing connection 0\n' +
        'curl: (28) Operation timed out after 5000 milliseconds with 0 bytes received\n',
    );
    // No limit: curl would wait for ever; the playground's learner gives up after 5 minutes.
    expect(run(`curl ${httpdIP}`)).toEqual({ stdout: '^C\n', stderr: '', exitCode: 130 });
    expect(run(`kubectl annotate pod ${name} playground/fault-`).exitCode).toBe(0);
  });

  it.each([
    ['curl http://nginx/', 'curl: (6) Could not resolve host: nginx\n', 6],
    ['curl ftp://10.96.0.1/', 'curl: (1) Protocol "ftp" not supported or disabled in libcurl\n', 1],
    ['curl http://10.96.0.1:99999/', 'curl: (3) URL using bad/illegal format or missing URL\n', 3],
    [
      'curl --nope 10.96.0.1',
      "curl: option --nope: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
      2,
    ],
    [
      'curl',
      "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
      2,
    ],
    [
      'curl -m abc 10.96.0.1',
      "curl: option -m: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
      2,
    ],
  ])('%s', (cmd, stderr, code) => {
    expect(run(cmd)).toEqual(fail(stderr, code));
  });

  it('TLS: the API server needs -k; plain HTTP to its port gets Go’s 400', () => {
    expect(run('curl https://10.96.0.1/').stderr).toBe(
      'curl: (60) SSL certificate problem: unable to get local issuer certificate\n' +
        'More details here: https://curl.se/docs/sslcerts.html\n\n' +
        'curl failed to verify the legitimacy of the server and therefore could not\n' +
        'establish a secure connection to it. To learn more about this situation and\n' +
        'how to fix it, please visit the web page mentioned above.\n',
    );
    expect(run('curl -sk https://10.96.0.1/healthz')).toEqual(ok('ok'));
    expect(run('curl http://10.96.0.1:443/')).toEqual(
      ok('Client sent an HTTP request to an HTTPS server.\n'),
    );
    expect(run(`curl -s https://${nginxIP}:80/`)).toEqual(fail('', 35));
  });
});

describe('conntrack', () => {
  it('-L shows the connection a curl left, with its NAT, in TIME_WAIT', () => {
    run('conntrack -F');
    expect(run(`curl -s -o /dev/null ${nginxIP}`).exitCode).toBe(0);
    const t = lastTraces(c).at(-1);
    const client = t?.client;
    const server = t?.server;
    expect(server?.peer.ip).toMatch(/^10\.244\.0\.[01]$|^192\.168\.100\.10$/);
    const line =
      `tcp      6 119 TIME_WAIT src=${client?.ip} dst=${nginxIP} sport=${client?.port} dport=80 ` +
      `src=${server?.ip} dst=${server?.peer.ip} sport=80 dport=${server?.peer.port} [ASSURED] mark=0 use=1\n`;
    expect(run('conntrack -L')).toEqual(
      ok(line, 'conntrack v1.4.6 (conntrack-tools): 1 flow entries have been shown.\n'),
    );
    expect(run(`conntrack -L -p tcp --dport 80 -d ${nginxIP}`).stdout).toBe(line);
    expect(run('conntrack -L -p udp')).toEqual(
      ok('', 'conntrack v1.4.6 (conntrack-tools): 0 flow entries have been shown.\n'),
    );
    expect(run('conntrack -C')).toEqual(ok('1\n'));
  });

  it('-F empties the table; errors look like conntrack-tools', () => {
    expect(run('conntrack -F')).toEqual(
      ok('', 'conntrack v1.4.6 (conntrack-tools): connection tracking table has been emptied.\n'),
    );
    expect(run('conntrack -C')).toEqual(ok('0\n'));
    expect(run('conntrack')).toEqual(
      fail(
        "conntrack v1.4.6 (conntrack-tools): no command specified\nTry `conntrack -h' or 'conntrack --help' for more information.\n",
        2,
      ),
    );
  });

  it('each node has its own table', () => {
    run('conntrack -F');
    run('ssh node2');
    run('conntrack -F');
    run('exit');
    run(`curl -s ${emptyIP}`);
    run(`curl -s -m 1 10.96.5.5`);
    expect(run('conntrack -L').stdout).toMatch(
      /^tcp {6}6 11\d SYN_SENT src=192\.168\.100\.10 dst=10\.96\.5\.5 sport=\d+ dport=80 \[UNREPLIED\] src=10\.96\.5\.5 dst=192\.168\.100\.10 sport=80 dport=\d+ mark=0 use=1\n$/,
    );
    run('ssh node2');
    const onNode2 = run('conntrack -C');
    run('exit');
    expect(onNode2).toEqual(ok('0\n'));
  });
});

describe('in containers', () => {
  it('busybox wget -qO- and its errors', () => {
    expect(run(`kubectl exec client -- wget -qO- ${nginxIP}`)).toEqual(ok(NGINX_WELCOME_PAGE));
    expect(run(`kubectl exec client -- wget -qO- ${emptyIP}`)).toEqual(
      fail(
        `wget: can't connect to remote host (${emptyIP}): Connection refused\ncommand terminated with exit code 1\n`,
        1,
      ),
    );
    expect(run('kubectl exec client -- wget -qO- -T 2 10.96.5.5')).toEqual(
      fail('wget: download timed out\ncommand terminated with exit code 1\n', 1),
    );
    // Names resolve through the pod's resolver and CoreDNS (network/dns).
    expect(run('kubectl exec client -- wget -qO- http://nginx')).toEqual(ok(NGINX_WELCOME_PAGE));
    expect(run('kubectl exec client -- wget -qO- http://nope')).toEqual(
      fail("wget: bad address 'nope'\ncommand terminated with exit code 1\n", 1),
    );
    expect(run(`kubectl exec client -- wget -qO- ${nginxIP}/nope`)).toEqual(
      fail(
        'wget: server returned error: HTTP/1.1 404 Not Found\ncommand terminated with exit code 1\n',
        1,
      ),
    );
  });

  it('busybox wget without -q: connecting, progress and saved file', () => {
    expect(run(`kubectl exec client -- wget -O- ${httpdIP}`)).toEqual(
      ok(
        '<html><body><h1>It works!</h1></body></html>\n',
        `Connecting to ${httpdIP} (${httpdIP}:80)\nwriting to stdout\n` +
          '-                    100% |********************************|    45  0:00:00 ETA\n' +
          'written to stdout\n',
      ),
    );
    expect(run(`kubectl exec client -- wget ${httpdIP}`)).toEqual(
      ok(
        '',
        `Connecting to ${httpdIP} (${httpdIP}:80)\nsaving to 'index.html'\n` +
          'index.html           100% |********************************|    45  0:00:00 ETA\n' +
          "'index.html' saved\n",
      ),
    );
    expect(run(`kubectl exec client -- wget -q ${httpdIP}`)).toEqual(
      fail("wget: can't open 'index.html': File exists\ncommand terminated with exit code 1\n", 1),
    );
  });

  it('curl in the nginx image: its own pod over loopback, and the service', () => {
    const web = c.store
      .list<Obj>('Pod', { namespace: 'default' })
      .find((p) => (p.metadata.name ?? '').startsWith('nginx-'));
    const name = web?.metadata.name ?? '';
    expect(run(`kubectl exec ${name} -- curl -s localhost`)).toEqual(ok(NGINX_WELCOME_PAGE));
    expect(run(`kubectl exec ${name} -- curl -s ${httpdIP}`)).toEqual(
      ok('<html><body><h1>It works!</h1></body></html>\n'),
    );
    const t = lastTraces(c).at(-1);
    expect(t?.request.from).toBe(`pod/default/${name}`);
  });
});

describe('lastTraces', () => {
  it('records the traces of terminal requests, at most 100', () => {
    const before = lastTraces(c).length;
    run(`curl -s ${nginxIP}`);
    const after = lastTraces(c);
    expect(after.length).toBe(Math.min(100, before + 1));
    expect(after.at(-1)?.request).toEqual({
      from: 'node/master',
      method: 'GET',
      url: `http://${nginxIP}/`,
      host: nginxIP,
    });
    for (let i = 0; i < 110; i++) run(`curl -s ${emptyIP}`);
    expect(lastTraces(c).length).toBe(100);
  });

  it('follows the proxy mode', () => {
    dataplaneOf(c.context).update({ proxyMode: 'userspace' });
    c.settle();
    run(`curl -s ${nginxIP}`);
    expect(
      lastTraces(c)
        .at(-1)
        ?.hops.some((h) => h.kind === 'kube-proxy'),
    ).toBe(true);
    dataplaneOf(c.context).update({ proxyMode: 'iptables' });
    c.settle();
  });
});

describe('curl -w %{remote_ip} with a host name', () => {
  it('prints the address the name resolved to', () => {
    const k = createCluster({ seed: 2 });
    for (const cmd of [
      'kubectl create deployment web --image=nginx:1.25 --replicas=1',
      'kubectl expose deployment web --port=80',
      'kubectl run cc --image=curlimages/curl:8.8.0 -- sleep 3600',
    ])
      k.shell.run(cmd);
    k.settle();
    const svcIP = (k.store.get('Service', 'default', 'web')?.spec as { clusterIP: string })
      .clusterIP;
    expect(
      k.shell.run(
        `kubectl exec cc -- curl -s -o /dev/null -w '%{http_code} %{remote_ip}' http://web/`,
      ).stdout,
    ).toBe(`200 ${svcIP}`);
  });
});
