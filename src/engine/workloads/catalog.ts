/**
 * The workloads catalogue: what known images are and do — their size (pull time), what they serve
 * on which port, what they log at start-up, how they react to SIGTERM — as data plus small pure
 * functions. The kubelet asks it whether an image can be pulled and what a container will do;
 * the network layer asks it what answers on a port.
 *
 * Known images: nginx, httpd (any repository whose last path segment is `httpd`, such as
 * `3199560936/httpd:v0.4`), redis, memcached, mysql, postgres, mongo, hello-app, http-echo; the
 * shell images busybox, alpine, ubuntu, debian, centos (they run their command: `sleep 3600`,
 * `sh -c "..."`, or a bare shell that exits at once); and the kubeadm system images (etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy, coredns, pause); and
 * ingress-nginx's controller (`registry.k8s.io/ingress-nginx/controller`, known by its whole
 * repository, as its last segment `controller` names nothing in particular).
 * Any other image that exists runs a long-lived process listening on the container's declared
 * containerPorts (HTTP 200 with a line naming the image on any path), or on nothing.
 *
 * ## When does an image "not exist"?
 * A simulator cannot ask Docker Hub, so existence is a rule that teaches ErrImagePull without
 * breaking ordinary names (`3199560936/httpd:v0.4`, `nginx:1.25`, `busybox:1.28.4`,
 * `myorg/app:1.0` all run):
 *  1. A reference that fails docker's grammar (upper case, spaces, a trailing `:`) is not pulled
 *     at all: InvalidImageName (see image-ref.ts).
 *  2. The repository path or the tag contains a marker word: `nonexistent`, `non-existent`,
 *     `does-not-exist`, `doesnotexist`, `notfound`, `not-found`, `no-such`.
 *  3. A Docker Hub official name (one path segment, `docker.io/library/X`) that is one letter-edit
 *     away from a catalogue image — a letter substituted, deleted, inserted or two letters
 *     swapped: `ngnix`, `ngin`, `nginxx`, `busybx`, `htpd`, `redsi`. Edits involving digits or
 *     punctuation are not typos (`httpd2`, `nginx1` exist as far as we know); real official
 *     images one edit away (`mono`) are exempt.
 *  4. Docker Hub repositories have at most two path segments (`docker.io/a/b/c` cannot exist).
 *  5. A catalogue image with a purely numeric version tag outside the versions it ever had:
 *     `nginx:1.161` (the Kubernetes docs' rollout typo), `busybox:9.1`. Other non-numeric tags
 *     (`alpine`, `stable`, `v0.4` on a user's repository) are accepted.
 *  6. A Docker Hub official catalogue image with a `v`-prefixed version tag: `httpd:v0.4` (the
 *     classic lesson's `set image`, which really does fail), `nginx:v1.25`. Official images tag
 *     plain versions; `3199560936/httpd:v0.4` is a user's repository and runs.
 * Rules 2–4 on Docker Hub answer "pull access denied, repository does not exist or may require
 * authorization"; a missing tag of an existing repository (rules 5 and 6, or a marker only in the tag)
 * answers "not found", as containerd does.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { CommandOptions, ShellFlavour, StartedServer } from './command';
import { evaluateCommand, MONTHS, WEEKDAYS } from './command';
import type {
  FileEvent,
  HttpPage,
  HttpSite,
  LogEntry,
  ProcessBehaviour,
  ServedPort,
  SigtermBehaviour,
} from './behaviour';
import type { ImageRef } from './image-ref';
import { parseImageRef } from './image-ref';
import { formatTimestamp, parseTimestamp } from '../sim/clock';

// ------------------------------------------------------------------ pages

/** nginx's default index.html (nginx ≥ 1.21), byte for byte. */
export const NGINX_WELCOME_PAGE = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

export const NGINX_50X_PAGE = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
`;

/** nginx's built-in error page (ngx_http_special_response.c), with CRLF line ends. */
export function nginxErrorPage(status: number, reason: string, version: string): string {
  return (
    `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n` +
    `<center><h1>${status} ${reason}</h1></center>\r\n` +
    `<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`
  );
}

export const HTTPD_IT_WORKS = '<html><body><h1>It works!</h1></body></html>\n';

export const HTTPD_404_PAGE = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL was not found on this server.</p>
</body></html>
`;

const html = (body: string): HttpPage => ({ status: 200, contentType: 'text/html', body });
const text = (body: string, status = 200): HttpPage => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body,
});

// ------------------------------------------------------------------ entries

export interface LogContext {
  startedAtMs: number;
  podIP: string;
  hostname: string;
  ref: ImageRef;
}

export interface CatalogEntry {
  id: string;
  /** Repositories it describes, by last path segment on any registry (`httpd` ← `3199560936/httpd`). */
  names: readonly string[];
  /** Whole repositories it describes (`registry.k8s.io/ingress-nginx/controller`), looked up first. */
  repositories?: readonly string[];
  /** Also a Docker Hub official image (typo rule 3 applies to these names). */
  official: boolean;
  /**
   * `server`: runs its server unless the command is replaced; `shell`: runs its command;
   * `pause`: sleeps forever.
   */
  kind: 'server' | 'shell' | 'pause';
  /** Compressed size as containerd reports it in `Image size: N bytes.` */
  sizeBytes: number;
  entrypoint: readonly string[];
  cmd: readonly string[];
  /** Binaries whose exec means "start this image's server" (nginx, redis-server, ...). */
  serverCommands: readonly string[];
  /** Ports and what they serve while the server runs. */
  ports(ref: ImageRef, args: readonly string[]): ServedPort[];
  /** Which shell answers `command:` overrides and exec probes; 'none' for distroless images. */
  shell: ShellFlavour | 'none';
  /** How the server reacts to SIGTERM (shell images: decided by their command). */
  sigterm: SigtermBehaviour;
  startupLogs?(ctx: LogContext): string[];
  /** Where the server's documents live: files a script writes there are served. */
  docroot?: string;
  /** Files the image ships (beyond the common /etc ones), for exec probes. */
  files?: Readonly<Record<string, string>>;
  /** Numeric version tags that can exist (rule 5); parts are the dotted numbers. */
  versionExists?(parts: number[]): boolean;
  /** The entrypoint refuses to start without one of these variables. */
  requiredEnv?: { anyOf: readonly string[]; logs(ctx: LogContext): string[] };
  extraCommands?: CommandOptions['extraCommands'];
}

const quick = (afterMs: number): SigtermBehaviour => ({ kind: 'exits', afterMs, exitCode: 0 });

/** nginx versions per tag (`1.25` → the last 1.25 patch), for the Server header and logs. */
const NGINX_LATEST = '1.27.0';
const NGINX_MINOR_LATEST: Readonly<Record<number, string>> = {
  14: '1.14.2',
  15: '1.15.12',
  16: '1.16.1',
  17: '1.17.10',
  18: '1.18.0',
  19: '1.19.10',
  20: '1.20.2',
  21: '1.21.6',
  22: '1.22.1',
  23: '1.23.4',
  24: '1.24.0',
  25: '1.25.5',
  26: '1.26.1',
  27: '1.27.0',
};
export function nginxVersion(ref: ImageRef): string {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(ref.tag ?? '');
  if (!m) return NGINX_LATEST;
  if (m[3] !== undefined) return `${m[1]}.${m[2]}.${m[3]}`;
  return NGINX_MINOR_LATEST[Number(m[2])] ?? `${m[1]}.${m[2]}.0`;
}

function nginxSite(ref: ImageRef): HttpSite {
  const version = nginxVersion(ref);
  return {
    server: `nginx/${version}`,
    routes: [
      { path: '/', ...html(NGINX_WELCOME_PAGE) },
      { path: '/index.html', ...html(NGINX_WELCOME_PAGE) },
      { path: '/50x.html', ...html(NGINX_50X_PAGE) },
    ],
    fallback: {
      status: 404,
      contentType: 'text/html',
      body: nginxErrorPage(404, 'Not Found', version),
    },
  };
}

/** `2024/06/03 08:00:03` as nginx's error log writes it. */
function nginxTime(ms: number): string {
  const iso = formatTimestamp(ms);
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 19)}`;
}
/** `Mon Jun 03 08:00:03.412187 2024` as httpd's error log writes it. */
function httpdTime(ms: number): string {
  const iso = formatTimestamp(ms);
  const wd = WEEKDAYS[(((Math.floor(ms / 86_400_000) + 4) % 7) + 7) % 7] ?? 'Mon';
  const micros = String((ms % 1000) * 1000 + 187).padStart(6, '0');
  return `${wd} ${MONTHS[Number(iso.slice(5, 7)) - 1] ?? 'Jan'} ${iso.slice(8, 10)} ${iso.slice(11, 19)}.${micros} ${iso.slice(0, 4)}`;
}
/** `03 Jun 2024 08:00:03.123` as redis writes it. */
function redisTime(ms: number): string {
  const iso = formatTimestamp(ms);
  return `${iso.slice(8, 10)} ${MONTHS[Number(iso.slice(5, 7)) - 1] ?? 'Jan'} ${iso.slice(0, 4)} ${iso.slice(11, 19)}.${String(ms % 1000).padStart(3, '0')}`;
}

function nginxLogs(ctx: LogContext): string[] {
  const version = nginxVersion(ctx.ref);
  const t = nginxTime(ctx.startedAtMs);
  const minor = Number(version.split('.')[1]);
  // The docker-entrypoint.sh scripts arrived with the 1.19 images; older images log nothing.
  if (minor < 19) return [];
  return [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
    '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
    '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
    `${t} [notice] 1#1: using the "epoll" event method`,
    `${t} [notice] 1#1: nginx/${version}`,
    `${t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) `,
    `${t} [notice] 1#1: OS: Linux 5.15.0-107-generic`,
    `${t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
    `${t} [notice] 1#1: start worker processes`,
    `${t} [notice] 1#1: start worker process 29`,
    `${t} [notice] 1#1: start worker process 30`,
  ];
}

function httpdLogs(ctx: LogContext): string[] {
  const ah00558 = `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ctx.podIP}. Set the 'ServerName' directive globally to suppress this message`;
  const t = httpdTime(ctx.startedAtMs);
  return [
    ah00558,
    ah00558,
    `[${t}] [mpm_event:notice] [pid 1:tid 140171432638336] AH00489: Apache/2.4.59 (Unix) configured -- resuming normal operations`,
    `[${t}] [core:notice] [pid 1:tid 140171432638336] AH00094: Command line: 'httpd -D FOREGROUND'`,
  ];
}

function redisLogs(ctx: LogContext): string[] {
  const t = redisTime(ctx.startedAtMs);
  return [
    `1:C ${t} # WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition. Being disabled, it can also cause failures without low memory condition, see https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect.`,
    `1:C ${t} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`,
    `1:C ${t} * Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started`,
    `1:C ${t} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf`,
    `1:M ${t} * monotonic clock: POSIX clock_gettime`,
    `1:M ${t} * Running mode=standalone, port=6379.`,
    `1:M ${t} * Server initialized`,
    `1:M ${t} * Ready to accept connections tcp`,
  ];
}

/**
 * ingress-nginx's default backend page: nginx's built-in 404 with `server_tokens off`, so the
 * footer says `nginx` without a version (ngx_http_special_response.c, CRLF line ends).
 */
export const INGRESS_NGINX_404_PAGE =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n' +
  '<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** `I0810 16:26:37.967790       7 ` as klog prefixes a line (pid 7 under dumb-init). */
function klogPrefix(level: 'I' | 'W', ms: number, micros: number): string {
  const iso = formatTimestamp(ms);
  const frac = String((ms % 1000) * 1000 + micros).padStart(6, '0');
  return `${level}${iso.slice(5, 7)}${iso.slice(8, 10)} ${iso.slice(11, 19)}.${frac}       7 `;
}

/** The controller's start-up, as `kubectl logs` shows it for v1.10.1 (banner, then klog lines). */
function ingressNginxLogs(ctx: LogContext): string[] {
  const release = ctx.ref.tag && /^v\d/.test(ctx.ref.tag) ? ctx.ref.tag : 'v1.10.1';
  const t = ctx.startedAtMs;
  const pod = ctx.hostname;
  return [
    '-------------------------------------------------------------------------------',
    'NGINX Ingress controller',
    `  Release:       ${release}`,
    '  Build:         4fb5aac1dd3669daa3a14d9de3e3cdb371b4c518',
    '  Repository:    https://github.com/kubernetes/ingress-nginx',
    '  nginx version: nginx/1.25.3',
    '',
    '-------------------------------------------------------------------------------',
    '',
    `${klogPrefix('W', t, 790)}client_config.go:618] Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.`,
    `${klogPrefix('I', t, 897)}main.go:205] "Creating API client" host="https://10.96.0.1:443"`,
    `${klogPrefix('I', t + 162, 810)}main.go:101] "SSL fake certificate created" file="/etc/ingress-controller/ssl/default-fake-certificate.pem"`,
    `${klogPrefix('I', t + 182, 629)}nginx.go:264] "Starting NGINX Ingress controller"`,
    `${klogPrefix('I', t + 1386, 301)}nginx.go:307] "Starting NGINX process"`,
    `${klogPrefix('I', t + 1386, 443)}leaderelection.go:250] attempting to acquire leader lease ingress-nginx/ingress-nginx-leader...`,
    `${klogPrefix('I', t + 1388, 242)}controller.go:190] "Configuration changes detected, backend reload required"`,
    `${klogPrefix('I', t + 1418, 843)}leaderelection.go:260] successfully acquired lease ingress-nginx/ingress-nginx-leader`,
    `${klogPrefix('I', t + 1419, 63)}status.go:84] "New leader elected" identity="${pod}"`,
    `${klogPrefix('I', t + 1453, 764)}controller.go:210] "Backend successfully reloaded"`,
    `${klogPrefix('I', t + 1453, 852)}controller.go:221] "Initial sync, sleeping for 1 second"`,
  ];
}

/** `v1` `1.25.3` `1.28-musl` → [1, 25, 3] when the tag is a plain version; undefined otherwise. */
function numericVersion(tag: string | undefined): number[] | undefined {
  const m = /^(\d+(?:\.\d+){0,3})(?:-[a-z0-9.-]+)?$/.exec(tag ?? '');
  return m ? (m[1] ?? '').split('.').map(Number) : undefined;
}
const within = (v: number | undefined, lo: number, hi: number): boolean =>
  v === undefined || (v >= lo && v <= hi);

const TCP = (port: number, app: ServedPort['app'], replyToHttp?: string): ServedPort =>
  replyToHttp !== undefined
    ? { port, protocol: 'TCP', app, replyToHttp }
    : { port, protocol: 'TCP', app };
const ok = (path: string, body = 'ok'): HttpSite['routes'][number] => ({ path, ...text(body) });

const FORBIDDEN_JSON = `{
  "kind": "Status",
  "apiVersion": "v1",
  "metadata": {},
  "status": "Failure",
  "message": "forbidden: User \\"system:anonymous\\" cannot get path \\"/\\"",
  "reason": "Forbidden",
  "details": {},
  "code": 403
}`;
const componentSite = (paths: string[]): HttpSite => ({
  routes: paths.map((p) => ok(p)),
  fallback: { status: 403, contentType: 'application/json', body: FORBIDDEN_JSON },
});

function shellEntry(
  id: string,
  sizeBytes: number,
  cmd: string,
  shell: ShellFlavour,
  versionExists?: (v: number[]) => boolean,
): CatalogEntry {
  return {
    id,
    names: [id],
    official: true,
    kind: 'shell',
    sizeBytes,
    entrypoint: [],
    cmd: [cmd],
    serverCommands: [],
    ports: () => [],
    shell,
    sigterm: { kind: 'ignores' },
    ...(versionExists ? { versionExists } : {}),
  };
}

export const CATALOG: readonly CatalogEntry[] = [
  {
    id: 'nginx',
    names: ['nginx'],
    official: true,
    kind: 'server',
    sizeBytes: 71_010_466,
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['nginx', '-g', 'daemon off;'],
    serverCommands: ['nginx', 'docker-entrypoint.sh'],
    ports: (ref) => [{ port: 80, protocol: 'TCP', app: 'http', site: nginxSite(ref) }],
    shell: 'gnu',
    sigterm: quick(300),
    startupLogs: nginxLogs,
    docroot: '/usr/share/nginx/html',
    files: {
      '/usr/share/nginx/html/index.html': NGINX_WELCOME_PAGE,
      '/usr/share/nginx/html/50x.html': NGINX_50X_PAGE,
      '/etc/nginx/nginx.conf': '',
      '/etc/nginx/conf.d/default.conf': '',
    },
    versionExists: ([major, minor, patch]) =>
      major === 1 && within(minor, 0, 27) && within(patch, 0, 12),
  },
  {
    id: 'httpd',
    names: ['httpd'],
    official: true,
    kind: 'server',
    sizeBytes: 58_350_871,
    entrypoint: [],
    cmd: ['httpd-foreground'],
    serverCommands: ['httpd-foreground', 'httpd', 'apachectl'],
    ports: () => [
      {
        port: 80,
        protocol: 'TCP',
        app: 'http',
        site: {
          server: 'Apache/2.4.59 (Unix)',
          routes: [
            { path: '/', ...html(HTTPD_IT_WORKS) },
            { path: '/index.html', ...html(HTTPD_IT_WORKS) },
          ],
          fallback: {
            status: 404,
            contentType: 'text/html; charset=iso-8859-1',
            body: HTTPD_404_PAGE,
          },
        },
      },
    ],
    shell: 'gnu',
    // The image's STOPSIGNAL is SIGWINCH (graceful stop): it finishes quickly with no open requests.
    sigterm: quick(500),
    startupLogs: httpdLogs,
    docroot: '/usr/local/apache2/htdocs',
    files: { '/usr/local/apache2/htdocs/index.html': HTTPD_IT_WORKS },
    versionExists: ([major, minor, patch]) =>
      major === 2 && (minor === undefined || minor === 2 || minor === 4) && within(patch, 0, 62),
  },
  {
    id: 'redis',
    names: ['redis'],
    official: true,
    kind: 'server',
    sizeBytes: 45_952_103,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['redis-server'],
    serverCommands: ['redis-server', 'docker-entrypoint.sh'],
    ports: () => [TCP(6379, 'redis', "-ERR wrong number of arguments for 'get' command")],
    shell: 'gnu',
    sigterm: quick(200),
    startupLogs: redisLogs,
    versionExists: ([major, minor, patch]) =>
      within(major, 2, 7) && within(minor, 0, 4) && within(patch, 0, 30),
    extraCommands: {
      'redis-cli': (args) => ({ code: 0, output: args.includes('ping') ? 'PONG' : '' }),
    },
  },
  {
    id: 'memcached',
    names: ['memcached'],
    official: true,
    kind: 'server',
    sizeBytes: 32_541_209,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['memcached'],
    serverCommands: ['memcached', 'docker-entrypoint.sh'],
    ports: () => [TCP(11211, 'memcached', 'ERROR')],
    shell: 'gnu',
    sigterm: quick(100),
    versionExists: ([major, minor, patch]) =>
      major === 1 && within(minor, 4, 6) && within(patch, 0, 40),
  },
  {
    id: 'mysql',
    names: ['mysql', 'mariadb'],
    official: true,
    kind: 'server',
    sizeBytes: 168_560_032,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['mysqld'],
    serverCommands: ['mysqld', 'docker-entrypoint.sh'],
    ports: () => [TCP(3306, 'mysql'), TCP(33060, 'mysql')],
    shell: 'gnu',
    sigterm: quick(1500),
    requiredEnv: {
      anyOf: ['MYSQL_ROOT_PASSWORD', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'MYSQL_RANDOM_ROOT_PASSWORD'],
      logs: (ctx) => {
        const t = formatTimestamp(ctx.startedAtMs).replace('T', ' ').replace('Z', '+00:00');
        return [
          `${t} [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.0-1.el9 started.`,
          `${t} [Note] [Entrypoint]: Switching to dedicated user 'mysql'`,
          `${t} [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.0-1.el9 started.`,
          `${t} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified`,
          '    You need to specify one of the following as an environment variable:',
          '    - MYSQL_ROOT_PASSWORD',
          '    - MYSQL_ALLOW_EMPTY_PASSWORD',
          '    - MYSQL_RANDOM_ROOT_PASSWORD',
        ];
      },
    },
    extraCommands: {
      mysqladmin: (args) => ({ code: 0, output: args.includes('ping') ? 'mysqld is alive' : '' }),
    },
  },
  {
    id: 'postgres',
    names: ['postgres'],
    official: true,
    kind: 'server',
    sizeBytes: 153_210_412,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['postgres'],
    serverCommands: ['postgres', 'docker-entrypoint.sh'],
    ports: () => [TCP(5432, 'postgres')],
    shell: 'gnu',
    sigterm: quick(800),
    requiredEnv: {
      anyOf: ['POSTGRES_PASSWORD', 'POSTGRES_HOST_AUTH_METHOD'],
      logs: () => [
        'Error: Database is uninitialized and superuser password is not specified.',
        '       You must specify POSTGRES_PASSWORD to a non-empty value for the',
        '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
        '',
        '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
        '       connections without a password. This is *not* recommended.',
        '',
        '       See PostgreSQL documentation about "trust":',
        '       https://www.postgresql.org/docs/current/auth-trust.html',
      ],
    },
    extraCommands: {
      pg_isready: () => ({ code: 0, output: '/var/run/postgresql:5432 - accepting connections' }),
    },
  },
  {
    id: 'mongo',
    names: ['mongo'],
    official: true,
    kind: 'server',
    sizeBytes: 294_532_118,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['mongod'],
    serverCommands: ['mongod', 'docker-entrypoint.sh'],
    ports: () => [TCP(27017, 'mongodb')],
    shell: 'gnu',
    sigterm: quick(1000),
    extraCommands: { mongosh: () => ({ code: 0, output: '' }) },
  },
  {
    id: 'hello-app',
    names: ['hello-app'],
    official: false,
    kind: 'server',
    sizeBytes: 10_380_234,
    entrypoint: ['./hello-app'],
    cmd: [],
    serverCommands: ['hello-app'],
    ports: (ref) => {
      const version = /^(\d+)\.(\d+)$/.test(ref.tag ?? '') ? `${ref.tag ?? ''}.0` : '1.0.0';
      return [
        {
          port: 8080,
          protocol: 'TCP',
          app: 'http',
          site: {
            routes: [],
            fallback: text(`Hello, world!\nVersion: ${version}\nHostname: {{hostname}}\n`),
          },
        },
      ];
    },
    shell: 'none',
    sigterm: quick(0),
    startupLogs: () => ['2024/06/03 08:00:00 Server listening on port 8080'],
  },
  {
    id: 'http-echo',
    names: ['http-echo'],
    official: false,
    kind: 'server',
    sizeBytes: 3_245_987,
    entrypoint: ['/http-echo'],
    cmd: [],
    serverCommands: ['http-echo'],
    ports: (_ref, args) => {
      let body = 'hello-world';
      let port = 5678;
      args.forEach((a, i) => {
        const t = /^-?-text(?:=(.*))?$/.exec(a);
        if (t) body = t[1] ?? args[i + 1] ?? body;
        const l = /^-?-listen(?:=(.*))?$/.exec(a);
        if (l) port = Number((l[1] ?? args[i + 1] ?? ':5678').split(':').pop()) || 5678;
      });
      return [
        {
          port,
          protocol: 'TCP',
          app: 'http',
          site: { routes: [], fallback: text(`${body}\n`) },
        },
      ];
    },
    shell: 'none',
    sigterm: quick(0),
  },
  {
    ...shellEntry(
      'busybox',
      2_160_406,
      'sh',
      'busybox',
      ([major, minor, patch]) => major === 1 && within(minor, 0, 37) && within(patch, 0, 6),
    ),
  },
  shellEntry(
    'alpine',
    3_623_807,
    '/bin/sh',
    'busybox',
    ([major, minor, patch]) => major === 3 && within(minor, 0, 20) && within(patch, 0, 12),
  ),
  shellEntry(
    'ubuntu',
    29_754_290,
    '/bin/bash',
    'gnu',
    ([major, minor]) =>
      within(major, 10, 24) && (minor === undefined || minor === 4 || minor === 10),
  ),
  shellEntry('debian', 49_557_601, 'bash', 'gnu', ([major]) => within(major, 6, 13)),
  shellEntry('centos', 75_181_999, '/bin/bash', 'gnu', ([major]) => within(major, 5, 8)),
  // The DNS debugging image of the Kubernetes docs (Debian jessie with dnsutils: dig, nslookup);
  // the DNS tools register themselves for it (network/dns/tools.ts).
  { ...shellEntry('jessie-dnsutils', 76_412_083, 'bash', 'gnu'), official: false },
  // ---- kubeadm's system images ----
  {
    id: 'etcd',
    names: ['etcd'],
    official: false,
    kind: 'server',
    sizeBytes: 57_236_178,
    entrypoint: [],
    cmd: ['/usr/local/bin/etcd'],
    serverCommands: ['etcd'],
    ports: () => [
      { port: 2379, protocol: 'TCP', app: 'https', site: componentSite(['/health']) },
      TCP(2380, 'etcd'),
      {
        port: 2381,
        protocol: 'TCP',
        app: 'http',
        site: {
          routes: [
            { path: '/health', ...text('{"health":"true","reason":""}') },
            ok('/metrics', ''),
          ],
          fallback: text('404 page not found\n', 404),
        },
      },
    ],
    shell: 'none',
    sigterm: quick(200),
  },
  {
    id: 'kube-apiserver',
    names: ['kube-apiserver'],
    official: false,
    kind: 'server',
    sizeBytes: 32_568_321,
    entrypoint: [],
    cmd: ['/usr/local/bin/kube-apiserver'],
    serverCommands: ['kube-apiserver'],
    ports: () => [
      {
        port: 6443,
        protocol: 'TCP',
        app: 'https',
        site: componentSite(['/healthz', '/livez', '/readyz']),
      },
    ],
    shell: 'none',
    sigterm: quick(1000),
  },
  {
    id: 'kube-controller-manager',
    names: ['kube-controller-manager'],
    official: false,
    kind: 'server',
    sizeBytes: 31_038_052,
    entrypoint: [],
    cmd: ['/usr/local/bin/kube-controller-manager'],
    serverCommands: ['kube-controller-manager'],
    ports: () => [
      { port: 10257, protocol: 'TCP', app: 'https', site: componentSite(['/healthz']) },
    ],
    shell: 'none',
    sigterm: quick(200),
  },
  {
    id: 'kube-scheduler',
    names: ['kube-scheduler'],
    official: false,
    kind: 'server',
    sizeBytes: 19_201_347,
    entrypoint: [],
    cmd: ['/usr/local/bin/kube-scheduler'],
    serverCommands: ['kube-scheduler'],
    ports: () => [
      { port: 10259, protocol: 'TCP', app: 'https', site: componentSite(['/healthz']) },
    ],
    shell: 'none',
    sigterm: quick(200),
  },
  {
    id: 'kube-proxy',
    names: ['kube-proxy'],
    official: false,
    kind: 'server',
    sizeBytes: 28_014_812,
    entrypoint: [],
    cmd: ['/usr/local/bin/kube-proxy'],
    serverCommands: ['kube-proxy'],
    ports: () => [
      {
        port: 10256,
        protocol: 'TCP',
        app: 'http',
        site: {
          routes: [ok('/healthz'), ok('/livez')],
          fallback: text('404 page not found\n', 404),
        },
      },
    ],
    shell: 'none',
    sigterm: quick(200),
  },
  {
    id: 'coredns',
    names: ['coredns'],
    official: false,
    kind: 'server',
    sizeBytes: 16_190_758,
    entrypoint: ['/coredns'],
    cmd: [],
    serverCommands: ['coredns'],
    ports: () => [
      { port: 53, protocol: 'UDP', app: 'dns' },
      { port: 53, protocol: 'TCP', app: 'dns' },
      {
        port: 9153,
        protocol: 'TCP',
        app: 'http',
        site: { routes: [ok('/metrics', '')], fallback: text('404 page not found\n', 404) },
      },
      {
        port: 8080,
        protocol: 'TCP',
        app: 'http',
        site: { routes: [ok('/health', 'OK')], fallback: text('404 page not found\n', 404) },
      },
      {
        port: 8181,
        protocol: 'TCP',
        app: 'http',
        site: { routes: [ok('/ready', 'OK')], fallback: text('404 page not found\n', 404) },
      },
    ],
    shell: 'none',
    // The `health { lameduck 5s }` plugin keeps answering for 5 s after SIGTERM.
    sigterm: quick(5000),
    startupLogs: () => [
      '.:53',
      '[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908',
      'CoreDNS-1.11.1',
      'linux/amd64, go1.20.7, ae2bbc2',
    ],
  },
  {
    // ingress-nginx's controller (the `playground addons enable ingress-nginx` addon): nginx on
    // 80 and 443, the controller's /healthz on 10254. What nginx answers on 80/443 is decided by
    // the controller's view of the Ingresses (network/ingress/proxy.ts): these sites only say
    // what a bare probe of the port gets, the default backend's 404 (server_tokens off).
    id: 'ingress-nginx-controller',
    names: [],
    repositories: ['registry.k8s.io/ingress-nginx/controller'],
    official: false,
    kind: 'server',
    sizeBytes: 104_864_305,
    entrypoint: ['/usr/bin/dumb-init', '--'],
    cmd: ['/nginx-ingress-controller'],
    serverCommands: ['dumb-init', 'nginx-ingress-controller'],
    ports: () => {
      const notFound: HttpPage = {
        status: 404,
        contentType: 'text/html',
        body: INGRESS_NGINX_404_PAGE,
      };
      return [
        { port: 80, protocol: 'TCP', app: 'http', site: { routes: [], fallback: notFound } },
        { port: 443, protocol: 'TCP', app: 'https', site: { routes: [], fallback: notFound } },
        {
          port: 10254,
          protocol: 'TCP',
          app: 'http',
          site: {
            routes: [ok('/healthz'), ok('/metrics', '')],
            fallback: text('404 page not found\n', 404),
          },
        },
      ];
    },
    shell: 'busybox',
    // SIGTERM: nginx drains its connections and the controller clears the Ingresses' status.
    sigterm: quick(2000),
    startupLogs: ingressNginxLogs,
  },
  {
    id: 'pause',
    names: ['pause'],
    official: false,
    kind: 'pause',
    sizeBytes: 321_520,
    entrypoint: ['/pause'],
    cmd: [],
    serverCommands: ['pause'],
    ports: () => [],
    shell: 'none',
    sigterm: quick(0),
  },
];

const byName = new Map<string, CatalogEntry>();
for (const e of CATALOG) for (const n of e.names) byName.set(n, e);
const byRepository = new Map<string, CatalogEntry>();
for (const e of CATALOG) for (const r of e.repositories ?? []) byRepository.set(r, e);

/**
 * The catalogue entry for a reference: by its whole repository for the entries that name one
 * (`registry.k8s.io/ingress-nginx/controller`: `controller` alone says nothing), else by the
 * repository's last path segment.
 */
export function lookupImage(ref: ImageRef): CatalogEntry | undefined {
  return byRepository.get(ref.repository) ?? byName.get(ref.lastSegment);
}

// ------------------------------------------------------------------ existence (see header)

export const NONEXISTENT_MARKERS: readonly string[] = [
  'nonexistent',
  'non-existent',
  'does-not-exist',
  'doesnotexist',
  'notfound',
  'not-found',
  'no-such',
];

/** Real Docker Hub official images one letter-edit away from a catalogue name. */
const REAL_NEIGHBOURS = new Set(['mono']);

/**
 * True when `x` is one letter-edit from `name` (optimal string alignment distance 1, letters only):
 * a substitution, deletion, insertion or swap of two adjacent letters.
 */
export function isOneLetterTypo(x: string, name: string): boolean {
  if (x === name) return false;
  const isLetter = (c: string | undefined): boolean => c !== undefined && /^[a-z]$/.test(c);
  if (x.length === name.length) {
    const diff: number[] = [];
    for (let i = 0; i < x.length; i++) if (x[i] !== name[i]) diff.push(i);
    if (diff.length === 1) return isLetter(x[diff[0] ?? 0]);
    if (diff.length === 2) {
      const [i, j] = diff as [number, number];
      return j === i + 1 && x[i] === name[j] && x[j] === name[i];
    }
    return false;
  }
  const [long, short] = x.length > name.length ? [x, name] : [name, x];
  if (long.length !== short.length + 1) return false;
  for (let i = 0; i < long.length; i++) {
    if (long.slice(0, i) + long.slice(i + 1) === short) return isLetter(long[i]);
  }
  return false;
}

export type PullOutcome =
  | { ok: true; sizeBytes: number; imageID: string; normalized: string }
  | { ok: false; message: string };

/**
 * What pulling this image gives: its size and digest, or containerd's error as the CRI returns it
 * (the kubelet prefixes `Failed to pull image "<image>": `).
 */
export function pullImage(ref: ImageRef): PullOutcome {
  let out = pullCache.get(ref.normalized);
  if (!out) {
    out = decidePull(ref);
    if (pullCache.size > 10_000) pullCache.clear();
    pullCache.set(ref.normalized, out);
  }
  return out;
}
const pullCache = new Map<string, PullOutcome>();

function decidePull(ref: ImageRef): PullOutcome {
  const q = ref.normalized;
  const prefix = (code: string): string =>
    `rpc error: code = ${code} desc = failed to pull and unpack image "${q}": failed to resolve reference "${q}": `;
  const repoMissing = (): PullOutcome =>
    ref.domain === 'docker.io'
      ? {
          ok: false,
          message:
            prefix('Unknown') +
            'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
        }
      : { ok: false, message: prefix('NotFound') + `${q}: not found` };
  const tagMissing = (): PullOutcome => ({
    ok: false,
    message: prefix('NotFound') + `${q}: not found`,
  });

  if (ref.domain.toLowerCase() !== ref.domain) {
    const host = ref.domain;
    const repo = ref.path;
    return {
      ok: false,
      message:
        prefix('Unknown') +
        `failed to do request: Head "https://${host}/v2/${repo}/manifests/${ref.tag ?? 'latest'}": dial tcp: lookup ${host}: no such host`,
    };
  }
  const path = ref.path.toLowerCase();
  if (NONEXISTENT_MARKERS.some((m) => path.includes(m))) return repoMissing();
  if (ref.domain === 'docker.io' && ref.path.split('/').length > 2) return repoMissing();
  const entry = lookupImage(ref);
  if (ref.official) {
    const name = ref.path.slice('library/'.length);
    if (!entry && !REAL_NEIGHBOURS.has(name)) {
      for (const e of CATALOG) {
        if (e.official && e.names.some((n) => isOneLetterTypo(name, n))) return repoMissing();
      }
    }
  }
  const tag = (ref.tag ?? '').toLowerCase();
  if (NONEXISTENT_MARKERS.some((m) => tag.includes(m))) return tagMissing();
  const version = numericVersion(ref.tag);
  if (entry?.versionExists && version && !entry.versionExists(version)) return tagMissing();
  // Rule 6: official images never publish `v`-prefixed version tags (`httpd:v0.4`).
  if (ref.official && entry && /^v\d/.test(tag)) return tagMissing();
  return { ok: true, sizeBytes: imageSizeBytes(ref), imageID: imageID(ref), normalized: q };
}

// ------------------------------------------------------------------ size, digest

/** 32-bit FNV-1a of a string, seeded. */
function fnv(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h ^= h >>> 12;
  return h >>> 0;
}

/** A stable, sha256-looking 64-hex digest of a string (the same image has the same digest on every node). */
export function fakeSha256(s: string): string {
  let out = '';
  for (let i = 0; i < 8; i++)
    out += fnv(s, i * 0x9e3779b9)
      .toString(16)
      .padStart(8, '0');
  return out;
}

/** `docker.io/library/nginx@sha256:…`, as containerStatuses[].imageID shows it. */
export function imageID(ref: ImageRef): string {
  let id = imageIDCache.get(ref.normalized);
  if (id === undefined) {
    id = `${ref.repository}@${ref.digest ?? `sha256:${fakeSha256(`${ref.repository}:${ref.tag ?? ''}`)}`}`;
    if (imageIDCache.size > 10_000) imageIDCache.clear();
    imageIDCache.set(ref.normalized, id);
  }
  return id;
}
const imageIDCache = new Map<string, string>();

/**
 * Compressed size in bytes: the catalogue's size class, smaller for `-alpine` / `-slim` variants,
 * varied a few percent per tag so different tags differ. Unknown images: 5–150 MB from the name.
 */
export function imageSizeBytes(ref: ImageRef): number {
  const entry = lookupImage(ref);
  const h = fnv(ref.normalized, 7);
  if (!entry) return 5_000_000 + (h % 145_000_000);
  const tag = ref.tag ?? '';
  const variant = tag.includes('alpine') ? 0.3 : tag.includes('slim') ? 0.6 : 1;
  const jitter = 1 + ((h % 801) - 400) / 10_000; // ±4 %
  return Math.round(entry.sizeBytes * variant * jitter);
}

// ------------------------------------------------------------------ what a container runs

export interface ProcessContext {
  /** The pod's hostname (its name, or spec.hostname). */
  hostname: string;
  podIP: string;
  startedAtMs: number;
}

const GENERIC_SHELL_COMMANDS = new Set([
  'sh',
  'bash',
  'ash',
  'dash',
  'sleep',
  'echo',
  'true',
  'false',
  'tail',
  'cat',
]);

const basename = (s: string | undefined): string => (s ?? '').split('/').pop() ?? '';

function commonFiles(hostname: string, podIP: string): Map<string, string> {
  return new Map([
    ['/etc/hostname', `${hostname}\n`],
    ['/etc/hosts', `127.0.0.1\tlocalhost\n${podIP}\t${hostname}\n`],
    ['/etc/resolv.conf', ''],
    ['/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'],
    ['/etc/os-release', ''],
    ['/proc/1/status', ''],
  ]);
}

function envOf(container: Container, hostname: string): Record<string, string> {
  const env: Record<string, string> = {
    HOSTNAME: hostname,
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
  };
  for (const e of container.env ?? []) env[e.name] = e.value ?? '';
  return env;
}

/** A generic server on the container's declared ports: HTTP 200 naming the image on any path. */
function genericPorts(ref: ImageRef, container: Container): ServedPort[] {
  const seen = new Set<string>();
  const out: ServedPort[] = [];
  for (const p of container.ports ?? []) {
    const protocol = (p.protocol ?? 'TCP') as ServedPort['protocol'];
    const key = `${p.containerPort}/${protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (protocol === 'TCP') {
      out.push({
        port: p.containerPort,
        protocol,
        app: 'http',
        site: { routes: [], fallback: text(`Hello from ${ref.raw} on {{hostname}}\n`) },
      });
    } else out.push({ port: p.containerPort, protocol, app: 'tcp' });
  }
  return out;
}

/** Overlay files a script wrote into the server's document root onto its site. */
function withDocroot(
  ports: ServedPort[],
  docroot: string | undefined,
  files: Map<string, string>,
): ServedPort[] {
  if (!docroot) return ports;
  const extra: HttpSite['routes'] = [];
  for (const [path, content] of files) {
    if (!path.startsWith(docroot + '/')) continue;
    const rel = path.slice(docroot.length);
    extra.push({ path: rel, ...html(content) });
    if (rel === '/index.html') extra.push({ path: '/', ...html(content) });
  }
  if (extra.length === 0) return ports;
  return ports.map((p) =>
    p.site ? { ...p, site: { ...p.site, routes: [...extra, ...p.site.routes] } } : p,
  );
}

function busyboxHttpdPort(
  s: Extract<StartedServer, { kind: 'httpd' }>,
  files: Map<string, string>,
): ServedPort {
  const routes: HttpSite['routes'] = [];
  for (const [path, content] of files) {
    if (!path.startsWith(s.docroot + '/')) continue;
    const rel = path.slice(s.docroot.length);
    routes.push({ path: rel, ...html(content) });
    if (rel === '/index.html') routes.push({ path: '/', ...html(content) });
  }
  return {
    port: s.port,
    protocol: 'TCP',
    app: 'http',
    site: {
      routes,
      fallback: {
        status: 404,
        contentType: 'text/html',
        body: '<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n',
      },
    },
  };
}

/** Server ports are pure data per (image, args): shared between all containers that run them. */
const portsCache = new Map<string, ServedPort[]>();
function serverPorts(entry: CatalogEntry, ref: ImageRef, args: readonly string[]): ServedPort[] {
  const key = `${ref.normalized}\u0000${args.join('\u0000')}`;
  let ports = portsCache.get(key);
  if (!ports) {
    ports = entry.ports(ref, args);
    if (portsCache.size > 10_000) portsCache.clear();
    portsCache.set(key, ports);
  }
  return ports;
}

function argvOf(entry: CatalogEntry | undefined, container: Container): string[] {
  const command = container.command;
  return command
    ? [...command, ...(container.args ?? [])]
    : [...(entry?.entrypoint ?? []), ...(container.args ?? entry?.cmd ?? [])];
}

function execOptions(
  entry: CatalogEntry | undefined,
  container: Container,
  ctx: ProcessContext,
): CommandOptions {
  const opts: CommandOptions = {
    flavour: entry?.shell === 'busybox' ? 'busybox' : 'gnu',
    env: envOf(container, ctx.hostname),
    podIP: ctx.podIP,
    startedAtMs: ctx.startedAtMs,
  };
  if (entry?.extraCommands) opts.extraCommands = entry.extraCommands;
  if (entry?.shell === 'none') opts.hasShell = false;
  return opts;
}

function imageFiles(entry: CatalogEntry | undefined, ctx: ProcessContext): Map<string, string> {
  const files = commonFiles(ctx.hostname, ctx.podIP);
  if (entry?.files) for (const p in entry.files) files.set(p, entry.files[p] ?? '');
  return files;
}

const NO_FILE_EVENTS: FileEvent[] = [];

/**
 * A process that runs until it is stopped (an image's server, pause, an unknown image's app).
 * Thousands of replicas start these, so what only `kubectl logs` / `exec` need is built lazily.
 */
class LongRunningProcess implements ProcessBehaviour {
  readonly fileEvents = NO_FILE_EVENTS;
  private cachedLogs: LogEntry[] | undefined;
  private cachedFiles: Map<string, string> | undefined;
  private cachedExec: CommandOptions | undefined;

  constructor(
    readonly imageId: string,
    readonly ports: ServedPort[],
    readonly sigterm: SigtermBehaviour,
    private readonly entry: CatalogEntry | undefined,
    private readonly ref: ImageRef,
    private readonly container: Container,
    private readonly ctx: ProcessContext,
  ) {}

  get description(): string {
    const argv = argvOf(this.entry, this.container);
    return argv.length > 0 ? argv.join(' ') : this.ref.raw;
  }
  get logs(): LogEntry[] {
    return (this.cachedLogs ??= (
      this.entry?.startupLogs?.({ ...this.ctx, ref: this.ref }) ?? []
    ).map((text) => ({ atMs: 0, text })));
  }
  get files(): Map<string, string> {
    return (this.cachedFiles ??= imageFiles(this.entry, this.ctx));
  }
  get exec(): CommandOptions {
    return (this.cachedExec ??= execOptions(this.entry, this.container, this.ctx));
  }
}

const GENERIC_SIGTERM: SigtermBehaviour = { kind: 'exits', afterMs: 500, exitCode: 0 };

/**
 * What a container of this image runs, given its spec: ports, exit, SIGTERM handling, files, logs.
 * `image` must parse (the kubelet never starts an InvalidImageName container).
 */
export function resolveProcess(
  image: string | ImageRef,
  container: Container,
  ctx: ProcessContext,
): ProcessBehaviour {
  const parsed =
    typeof image === 'string' ? parseImageRef(image) : { ok: true as const, ref: image };
  if (!parsed.ok) throw new Error(`resolveProcess: invalid image ${String(image)}`);
  const ref = parsed.ref;
  const entry = lookupImage(ref);
  const command = container.command;

  if (entry?.kind === 'pause')
    return new LongRunningProcess(entry.id, [], entry.sigterm, entry, ref, container, ctx);
  const runsServer =
    entry?.kind === 'server' &&
    (!command || entry.serverCommands.includes(basename(command[0])) || entry.shell === 'none');
  if (runsServer && entry && !missingRequiredEnv(entry, container)) {
    const args = argvOf(entry, container).slice(1);
    const ports = serverPorts(entry, ref, args);
    return new LongRunningProcess(entry.id, ports, entry.sigterm, entry, ref, container, ctx);
  }
  if (!entry && !(command && GENERIC_SHELL_COMMANDS.has(basename(command[0])))) {
    // An unknown image running its own program: a long-lived server on the declared ports.
    const ports = genericPorts(ref, container);
    return new LongRunningProcess(
      'generic',
      ports,
      GENERIC_SIGTERM,
      undefined,
      ref,
      container,
      ctx,
    );
  }
  return scriptedProcess(entry, ref, container, ctx);
}

function missingRequiredEnv(entry: CatalogEntry, container: Container): boolean {
  const req = entry.requiredEnv;
  if (!req) return false;
  const names = new Set((container.env ?? []).map((e) => e.name));
  return !req.anyOf.some((v) => names.has(v));
}

/** A server whose entrypoint refuses to start (mysql without a root password). */
function refusingServer(
  entry: CatalogEntry,
  ref: ImageRef,
  container: Container,
  ctx: ProcessContext,
  atMs: number,
): Pick<ProcessBehaviour, 'ports' | 'exit' | 'logs'> {
  const lines = entry.requiredEnv?.logs({ ...ctx, ref }) ?? [];
  return {
    ports: [],
    exit: { afterMs: atMs + 500, code: 1 },
    logs: lines.map((text) => ({ atMs, text })),
  };
}

/** A command run through the shell evaluator (busybox & co., or an overridden command). */
function scriptedProcess(
  entry: CatalogEntry | undefined,
  ref: ImageRef,
  container: Container,
  ctx: ProcessContext,
): ProcessBehaviour {
  const argv = argvOf(entry, container);
  const files = imageFiles(entry, ctx);
  const exec = execOptions(entry, container, ctx);
  const base = { imageId: entry?.id ?? 'generic', files, exec, description: argv.join(' ') };
  if (entry?.kind === 'server' && !container.command && missingRequiredEnv(entry, container)) {
    return {
      ...base,
      ...refusingServer(entry, ref, container, ctx, 0),
      sigterm: entry.sigterm,
      fileEvents: [],
    };
  }
  const timeline = evaluateCommand(argv, {
    ...exec,
    ...(container.stdin ? { stdin: true } : {}),
    files,
    serverCommands: entry?.serverCommands ?? [],
    unknownCommands: entry ? 'not-found' : 'runs-forever',
  });
  let ports: ServedPort[] = [];
  let logs = timeline.logs;
  let exit = timeline.exit;
  let sigterm: SigtermBehaviour = timeline.handlesSigterm
    ? { kind: 'exits', afterMs: 100, exitCode: 0 }
    : { kind: 'ignores' };
  const finalFiles = new Map(files);
  for (const e of timeline.files) {
    if (e.content === undefined) finalFiles.delete(e.path);
    else finalFiles.set(e.path, e.content);
  }
  for (const s of timeline.servers) {
    if (s.kind === 'image') {
      if (!entry) {
        ports = [...ports, ...genericPorts(ref, container)];
        continue;
      }
      if (missingRequiredEnv(entry, container)) {
        const r = refusingServer(entry, ref, container, ctx, s.atMs);
        logs = [...logs, ...r.logs];
        exit = r.exit;
        continue;
      }
      ports = [...ports, ...withDocroot(entry.ports(ref, s.args), entry.docroot, finalFiles)];
      const startup = entry.startupLogs?.({ ...ctx, ref }) ?? [];
      logs = [...logs, ...startup.map((text) => ({ atMs: s.atMs, text }))];
      sigterm = entry.sigterm;
    } else if (s.kind === 'httpd') {
      ports.push(busyboxHttpdPort(s, finalFiles));
    } else {
      ports.push({ port: s.port, protocol: 'TCP', app: 'tcp' });
    }
  }
  const proc: ProcessBehaviour = {
    ...base,
    ports,
    sigterm,
    fileEvents: timeline.files,
    logs,
  };
  if (exit) proc.exit = exit;
  if (timeline.logRepeat) proc.logRepeat = timeline.logRepeat;
  return proc;
}

/**
 * The process a running container of a pod is running, from the pod as the API shows it (spec and
 * status): what the network layer, `kubectl logs` and `kubectl exec` need. Undefined when the
 * container is not running. Start times come from status (second precision).
 */
export function processOfContainer(pod: Pod, containerName: string): ProcessBehaviour | undefined {
  const container = pod.spec?.containers.find((c) => c.name === containerName);
  const status = pod.status?.containerStatuses?.find((c) => c.name === containerName);
  const startedAt = status?.state?.running?.startedAt;
  if (!container || !startedAt) return undefined;
  const parsed = parseImageRef(container.image ?? '');
  if (!parsed.ok) return undefined;
  return resolveProcess(parsed.ref, container, {
    hostname: pod.spec?.hostname ?? pod.metadata?.name ?? '',
    podIP: pod.status?.podIP ?? '',
    startedAtMs: parseTimestamp(startedAt),
  });
}

/** Log lines of a process as `kubectl logs` prints them `elapsedMs` after start (repeats capped). */
export function logsAt(proc: ProcessBehaviour, elapsedMs: number, maxRepeats = 1000): string[] {
  const out = proc.logs.filter((l) => l.atMs <= elapsedMs).map((l) => l.text);
  const r = proc.logRepeat;
  if (r) {
    for (let k = 0; k < maxRepeats; k++) {
      const start = r.fromMs + k * r.periodMs;
      if (start > elapsedMs) break;
      for (const l of r.lines) if (start + l.atMs <= elapsedMs) out.push(l.text);
    }
  }
  return out;
}
