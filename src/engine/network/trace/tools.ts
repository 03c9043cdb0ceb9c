/**
 * The commands that send requests, and the one that shows what they left behind:
 *  - `curl` on the nodes, and in containers whose image ships it (nginx, curlimages/curl,
 *    netshoot, network-multitool): curl 7.81.0 as Ubuntu 22.04 and Debian bookworm-era images
 *    have it — its options `-v -I -i -s -S -f -k -H -X -m/--max-time --connect-timeout
 *    -o FILE -w FORMAT`, its verbose lines, progress meter and error messages;
 *  - `wget` in busybox and alpine containers: busybox 1.36's (`-q -O FILE -T SEC`), the classic
 *    `wget -qO- http://…` of Kubernetes tutorials;
 *  - `conntrack` on the nodes (conntrack-tools 1.4.6): `-L` with its filters, `-C`, `-F`.
 * Every request goes through sendRequest (request.ts); the tool then lets the request's virtual
 * duration pass on the cluster's clock (the terminal waits as long as the real command would)
 * and records the Trace, so the UI can animate what the terminal just did: `lastTraces(cluster)`.
 *
 * Host names are resolved as the program's libc would, from where it runs (dns/host-lookup.ts):
 * the lookup's DNS queries are traced and come first in the request's trace. TLS is a verdict, not a handshake: the servers' certificates come
 * from the cluster's own CA, so curl needs `-k`, and `-v` shows no TLS lines.
 */
import type { ClusterContext } from '../../context';
import type { ToolIO } from '../../shell/interpreter';
import { resolvePath } from '../../shell/fs';
import type { VirtualFs } from '../../shell/fs';
import { registerHostTool } from '../../shell/shell';
import type { HostTool } from '../../shell/shell';
import { registerContainerTool } from '../../shell/container/container-shell';
import type { ContainerTool } from '../../shell/container/container-shell';
import type { ImageProfile } from '../../shell/container/image';
import type { CommandResult } from '../../shell/types';
import { containerToolBase } from './tool-env';
import { dataplaneOf } from '../dataplane';
import type { ConntrackEntry } from '../netfilter/conntrack';
import { formatConntrackEntry } from '../netfilter/conntrack';
import { nodeNetfilterState } from '../netfilter/evaluate';
import { byteLength } from './answer';
import type { RequestFrom } from './request';
import { sendRequest } from './request';
import type { LookupResult } from '../dns/resolver';
import { lookupForRequest, recordFailedLookup, withLookup } from '../dns/host-lookup';
import type { Trace } from './trace';
import { recordTrace, tracesOf } from './trace';

/** The traces of the requests terminal commands sent, oldest first (at most 100). */
export function lastTraces(cluster: { context: ClusterContext }): readonly Trace[] {
  return tracesOf(cluster.context);
}

/** What a request-sending tool needs from wherever it runs (a node or a container). */
interface ToolEnv {
  ctx: ClusterContext;
  from: RequestFrom;
  fs: VirtualFs;
  cwd(): string;
  /** Let virtual time pass (controllers run meanwhile). */
  advance(ms: number): void;
}

function send(
  env: ToolEnv,
  opts: Omit<Parameters<typeof sendRequest>[1], 'from'>,
  lookup?: LookupResult,
  host?: string,
): Trace {
  // A host name's DNS lookup (dns/host-lookup.ts) comes first in the trace.
  const trace = withLookup(sendRequest(env.ctx, { ...opts, from: env.from }), lookup, host);
  recordTrace(env.ctx, trace);
  const ms = Math.ceil(trace.durationMs);
  if (ms > 0) env.advance(ms);
  return trace;
}

// ------------------------------------------------------------------ URLs

interface Url {
  scheme: 'http' | 'https';
  /** As written (a name or an address). */
  host: string;
  port: number;
  /** Path and query, `/` at least. */
  path: string;
  /** The Host header: the host, with `:port` unless it is the scheme's default. */
  authority: string;
}

type UrlResult = { ok: true; url: Url } | { ok: false; code: number; message: string };

const BAD_URL: UrlResult = {
  ok: false,
  code: 3,
  message: 'URL using bad/illegal format or missing URL',
};

/** curl's URL parser (curl_url) for the cases people type. */
function parseUrl(raw: string): UrlResult {
  let rest = raw;
  let scheme = 'http';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(raw);
  if (m) {
    scheme = (m[1] ?? '').toLowerCase();
    rest = m[2] ?? '';
  }
  if (scheme !== 'http' && scheme !== 'https') {
    return {
      ok: false,
      code: 1,
      message: `Protocol "${scheme}" not supported or disabled in libcurl`,
    };
  }
  const cut = rest.search(/[/?#]/);
  let hostPort = cut < 0 ? rest : rest.slice(0, cut);
  let path = cut < 0 ? '/' : rest.slice(cut);
  path = path.replace(/#.*$/, '');
  if (path.startsWith('?')) path = '/' + path;
  if (path === '') path = '/';
  const at = hostPort.lastIndexOf('@');
  if (at >= 0) hostPort = hostPort.slice(at + 1);
  const defaultPort = scheme === 'https' ? 443 : 80;
  let host = hostPort;
  let port = defaultPort;
  const colon = hostPort.lastIndexOf(':');
  if (colon >= 0) {
    host = hostPort.slice(0, colon);
    const p = hostPort.slice(colon + 1);
    if (p !== '') {
      if (!/^\d+$/.test(p) || Number(p) > 65535) return BAD_URL;
      port = Number(p);
    }
  }
  if (host === '') return BAD_URL;
  const authority = port === defaultPort ? host : `${host}:${port}`;
  return { ok: true, url: { scheme, host, port, path, authority } };
}

/** The address a host name resolves to: IPv4 literals and localhost only, for now. */
function resolveHost(host: string): string | undefined {
  if (host === 'localhost') return '127.0.0.1';
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host) &&
    host.split('.').every((o) => Number(o) <= 255)
    ? host
    : undefined;
}

// ------------------------------------------------------------------ curl

const CURL_VERSION = '7.81.0';
const CURL_TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";

interface CurlOptions {
  urls: string[];
  verbose: boolean;
  head: boolean;
  include: boolean;
  silent: boolean;
  showError: boolean;
  fail: boolean;
  insecure: boolean;
  headers: string[];
  method?: string;
  maxTimeMs?: number;
  connectTimeoutMs?: number;
  output?: string;
  writeOut?: string;
}

/** Options that take a value, by every spelling curl accepts here. */
const CURL_VALUE_OPTS: Readonly<Record<string, keyof CurlOptions>> = {
  '-H': 'headers',
  '--header': 'headers',
  '-X': 'method',
  '--request': 'method',
  '-m': 'maxTimeMs',
  '--max-time': 'maxTimeMs',
  '--connect-timeout': 'connectTimeoutMs',
  '-o': 'output',
  '--output': 'output',
  '-w': 'writeOut',
  '--write-out': 'writeOut',
};

const CURL_FLAGS: Readonly<Record<string, (o: CurlOptions) => void>> = {
  '-v': (o) => (o.verbose = true),
  '--verbose': (o) => (o.verbose = true),
  '-I': (o) => (o.head = true),
  '--head': (o) => (o.head = true),
  '-i': (o) => (o.include = true),
  '--include': (o) => (o.include = true),
  '-s': (o) => (o.silent = true),
  '--silent': (o) => (o.silent = true),
  '-S': (o) => (o.showError = true),
  '--show-error': (o) => (o.showError = true),
  '-f': (o) => (o.fail = true),
  '--fail': (o) => (o.fail = true),
  '-k': (o) => (o.insecure = true),
  '--insecure': (o) => (o.insecure = true),
  // Accepted and without effect here: no redirects are ever sent, no compression.
  '-L': () => undefined,
  '--location': () => undefined,
  '--compressed': () => undefined,
  '-4': () => undefined,
  '--ipv4': () => undefined,
};

const SHORT_VALUE = new Set(['H', 'X', 'm', 'o', 'w']);
const SHORT_FLAG = new Set(['v', 'I', 'i', 's', 'S', 'f', 'k', 'L', '4']);

function parseCurl(argv: readonly string[]): CurlOptions | CommandResult {
  const o: CurlOptions = {
    urls: [],
    verbose: false,
    head: false,
    include: false,
    silent: false,
    showError: false,
    fail: false,
    insecure: false,
    headers: [],
  };
  const setValue = (
    opt: string,
    field: keyof CurlOptions,
    value: string,
  ): CommandResult | undefined => {
    if (field === 'headers') o.headers.push(value);
    else if (field === 'method') o.method = value;
    else if (field === 'output') o.output = value;
    else if (field === 'writeOut') o.writeOut = value;
    else {
      if (!/^\d+(\.\d+)?$|^\.\d+$/.test(value)) {
        return {
          stdout: '',
          stderr: `curl: option ${opt}: expected a proper numerical parameter\n${CURL_TRY}`,
          exitCode: 2,
        };
      }
      const ms = Math.round(Number(value) * 1000);
      if (field === 'maxTimeMs') o.maxTimeMs = ms;
      else o.connectTimeoutMs = ms;
    }
    return undefined;
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a.startsWith('--')) {
      const flag = CURL_FLAGS[a];
      if (flag) {
        flag(o);
        continue;
      }
      const field = CURL_VALUE_OPTS[a];
      if (!field) {
        return { stdout: '', stderr: `curl: option ${a}: is unknown\n${CURL_TRY}`, exitCode: 2 };
      }
      const v = argv[++i];
      if (v === undefined) {
        return {
          stdout: '',
          stderr: `curl: option ${a}: requires parameter\n${CURL_TRY}`,
          exitCode: 2,
        };
      }
      const err = setValue(a, field, v);
      if (err) return err;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // Short options bundle (`-sS`, `-sSI`); a value option takes the rest or the next word.
      for (let j = 1; j < a.length; j++) {
        const c = a[j] ?? '';
        if (SHORT_FLAG.has(c)) {
          CURL_FLAGS[`-${c}`]?.(o);
          continue;
        }
        if (SHORT_VALUE.has(c)) {
          const attached = a.slice(j + 1);
          const v = attached !== '' ? attached : argv[++i];
          if (v === undefined) {
            return {
              stdout: '',
              stderr: `curl: option -${c}: requires parameter\n${CURL_TRY}`,
              exitCode: 2,
            };
          }
          const err = setValue(`-${c}`, CURL_VALUE_OPTS[`-${c}`] as keyof CurlOptions, v);
          if (err) return err;
          break;
        }
        return { stdout: '', stderr: `curl: option -${c}: is unknown\n${CURL_TRY}`, exitCode: 2 };
      }
      continue;
    }
    o.urls.push(a);
  }
  if (o.urls.length === 0) {
    return { stdout: '', stderr: `curl: no URL specified!\n${CURL_TRY}`, exitCode: 2 };
  }
  return o;
}

/** curl's max5data: a size or speed in at most 5 characters. */
function max5(bytes: number): string {
  const b = Math.floor(bytes);
  if (b < 100000) return String(b).padStart(5);
  if (b < 10000 * 1024) return `${String(Math.floor(b / 1024)).padStart(4)}k`;
  if (b < 100 * 1024 * 1024) {
    const mb = Math.floor(b / (1024 * 1024));
    const tenth = Math.floor((b % (1024 * 1024)) / ((1024 * 1024) / 10));
    return `${String(mb).padStart(2)}.${tenth}M`;
  }
  return `${String(Math.floor(b / (1024 * 1024))).padStart(4)}M`;
}

/** curl's time2str: `--:--:--` for nothing, else `H:MM:SS` right-aligned in 8. */
function time2str(seconds: number): string {
  const s = Math.floor(seconds);
  if (s <= 0) return '--:--:--';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2)}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

const METER_HEADER =
  '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n' +
  '                                 Dload  Upload   Total   Spent    Left  Speed\n';

/** The progress meter's last line (progress.c progress_meter), as the transfer ended. */
function meterLine(received: number, expected: number, ms: number, done: boolean): string {
  const seconds = ms / 1000;
  const speed = done && seconds > 0 ? received / seconds : 0;
  const pct = (n: number, of: number): string =>
    String(of > 0 ? Math.floor((n * 100) / of) : 0).padStart(3);
  const total = done ? expected : 0;
  return (
    `${pct(received, total)} ${max5(total)}  ${pct(received, total)} ${max5(received)}  ` +
    `${pct(0, 0)} ${max5(0)}  ${max5(speed)}  ${max5(0)} ${time2str(done ? seconds : 0)} ` +
    `${time2str(seconds)} ${time2str(0)} ${max5(speed)}\n`
  );
}

/** `-w FORMAT`: the variables scripts use, and curl's backslash escapes. */
function writeOut(
  fmt: string,
  t: Trace | undefined,
  url: Url,
  code: number,
  address?: string,
): CommandResult {
  let stderr = '';
  const ok = t?.outcome.ok === true ? t.outcome : undefined;
  const vars: Record<string, string> = {
    http_code: String(ok ? ok.status : 0).padStart(3, '0'),
    response_code: String(ok ? ok.status : 0),
    time_total: ((t?.durationMs ?? 0) / 1000).toFixed(6),
    time_connect: ((t?.durationMs ?? 0) / 2000).toFixed(6),
    remote_ip:
      t?.outcome.ok === true || t?.outcome.connected === true
        ? (address ?? resolveHost(url.host) ?? '')
        : '',
    remote_port: t?.outcome.ok === true || t?.outcome.connected === true ? String(url.port) : '0',
    local_ip: t?.client?.ip ?? '',
    local_port: String(t?.client?.port ?? 0),
    size_download: String(ok ? byteLength(ok.body) : 0),
    url_effective: `${url.scheme}://${url.authority}${url.path}`,
    exitcode: String(code),
    scheme: url.scheme.toUpperCase(),
    method: t?.request.method ?? 'GET',
  };
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '%' && fmt[i + 1] === '%') {
      out += '%';
      i++;
    } else if (c === '%' && fmt[i + 1] === '{') {
      const end = fmt.indexOf('}', i);
      if (end < 0) {
        out += fmt.slice(i);
        break;
      }
      const name = fmt.slice(i + 2, end);
      const v = vars[name];
      if (v === undefined) stderr += `curl: unknown --write-out variable: '${name}'\n`;
      else out += v;
      i = end;
    } else if (c === '\\' && i + 1 < fmt.length) {
      const n = fmt[i + 1];
      out += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : `\\${n ?? ''}`;
      i++;
    } else {
      out += c ?? '';
    }
  }
  return { stdout: out, stderr, exitCode: 0 };
}

/** One curl transfer: its stdout, stderr and curl's exit code. */
function curlOne(
  env: ToolEnv,
  o: CurlOptions,
  raw: string,
  io: ToolIO,
  index: number,
): CommandResult {
  const errors = !o.silent || o.showError;
  const meter = !o.silent && (o.output !== undefined || !io.tty);
  let stdout = '';
  let stderr = meter ? METER_HEADER : '';
  const verbose = (line: string): void => {
    if (o.verbose) stderr += line;
  };
  /** The address the name resolved to (`%{remote_ip}`). */
  let remote: string | undefined = undefined;
  const finish = (code: number, message: string, t?: Trace, url?: Url): CommandResult => {
    if (meter) stderr += meterLine(0, 0, t?.durationMs ?? 0, false);
    if (code !== 0 && errors) stderr += `curl: (${code}) ${message}\n`;
    if (o.writeOut !== undefined && url) {
      const w = writeOut(o.writeOut, t, url, code, remote);
      stdout += w.stdout;
      stderr += w.stderr;
    }
    return { stdout, stderr, exitCode: code };
  };

  const parsed = parseUrl(raw);
  if (!parsed.ok) return finish(parsed.code, parsed.message);
  const url = parsed.url;
  const resolved = lookupForRequest(env, url.host);
  const address = resolved.address;
  remote = address;
  if (address === undefined) {
    recordFailedLookup(env, url.host, raw, o.method ?? (o.head ? 'HEAD' : 'GET'), resolved.lookup);
    verbose(`* Could not resolve host: ${url.host}\n* Closing connection ${index}\n`);
    return finish(6, `Could not resolve host: ${url.host}`, undefined, url);
  }
  const method = o.method ?? (o.head ? 'HEAD' : 'GET');
  // Request headers: curl's own three, replaced or extended by -H (`Name:` alone removes one).
  const reqHeaders: Array<[string, string]> = [
    ['Host', url.authority],
    ['User-Agent', `curl/${CURL_VERSION}`],
    ['Accept', '*/*'],
  ];
  for (const h of o.headers) {
    const colon = h.indexOf(':');
    if (colon <= 0) continue;
    const name = h.slice(0, colon).trim();
    const value = h.slice(colon + 1).trim();
    const at = reqHeaders.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (value === '' && at >= 0) reqHeaders.splice(at, 1);
    else if (at >= 0) reqHeaders[at] = [name, value];
    else if (value !== '') reqHeaders.push([name, value]);
  }
  const host = reqHeaders.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? url.authority;

  const t = send(
    env,
    {
      address,
      port: url.port,
      method,
      path: url.path,
      host,
      scheme: url.scheme,
      insecure: o.insecure,
      ...(o.maxTimeMs !== undefined ? { timeoutMs: o.maxTimeMs } : {}),
      ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    },
    resolved.lookup,
    url.host,
  );
  const ms = Math.floor(t.durationMs);
  verbose(`*   Trying ${address}:${url.port}...\n`);
  const out = t.outcome;
  const connected = out.ok || out.connected;
  const failedConnect = (why: string): string => {
    verbose(`* connect to ${address} port ${url.port} failed: ${why}\n`);
    const msg = `Failed to connect to ${url.host} port ${url.port} after ${ms} ms: ${why}`;
    verbose(`* ${msg}\n* Closing connection ${index}\n`);
    return msg;
  };
  if (!connected) {
    if (out.error === 'refused') return finish(7, failedConnect('Connection refused'), t, url);
    if (out.error === 'unreachable') return finish(7, failedConnect('No route to host'), t, url);
    if (out.timedOut === 'client') {
      const msg = `Connection timed out after ${ms} milliseconds`;
      verbose(`* ${msg}\n* Closing connection ${index}\n`);
      return finish(28, msg, t, url);
    }
    return finish(28, failedConnect('Connection timed out'), t, url);
  }
  verbose(`* Connected to ${url.host} (${address}) port ${url.port} (#${index})\n`);
  verbose(`> ${method} ${url.path} HTTP/1.1\r\n`);
  for (const [n, v] of reqHeaders) verbose(`> ${n}: ${v}\r\n`);
  verbose('> \r\n');

  if (!out.ok) {
    const closing = `* Closing connection ${index}\n`;
    if (out.detail === 'give-up') {
      // A real curl waits for ever; the playground's learner pressed Ctrl-C.
      stdout += '^C\n';
      return { stdout, stderr, exitCode: 130 };
    }
    let code: number;
    let msg: string;
    if (out.error === 'timeout') {
      code = 28;
      msg = `Operation timed out after ${ms} milliseconds with 0 bytes received`;
    } else if (out.error === 'reset') {
      code = 56;
      msg = 'Recv failure: Connection reset by peer';
    } else if (out.detail === 'http09') {
      verbose('* Mark bundle as not supporting multiuse\n');
      code = 1;
      msg = 'Received HTTP/0.9 when not allowed';
    } else if (out.detail === 'tls-verify') {
      code = 60;
      msg =
        'SSL certificate problem: unable to get local issuer certificate\n' +
        'More details here: https://curl.se/docs/sslcerts.html\n\n' +
        'curl failed to verify the legitimacy of the server and therefore could not\n' +
        'establish a secure connection to it. To learn more about this situation and\n' +
        'how to fix it, please visit the web page mentioned above.';
    } else if (out.detail === 'tls-version') {
      code = 35;
      msg = 'error:0A00010B:SSL routines::wrong version number';
    } else {
      code = 52;
      msg = 'Empty reply from server';
    }
    verbose(`* ${msg.split('\n')[0] ?? msg}\n${closing}`);
    return finish(code, msg, t, url);
  }

  // A response.
  const statusLine = `${out.httpVersion} ${out.status} ${out.reason}`;
  const headerBlock =
    `${statusLine}\r\n` + out.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
  verbose('* Mark bundle as not supporting multiuse\n');
  verbose(`< ${statusLine}\r\n`);
  for (const [n, v] of out.headers) verbose(`< ${n}: ${v}\r\n`);
  verbose('< \r\n');
  const size = byteLength(out.body);
  if (o.fail && out.status >= 400) {
    verbose(`* The requested URL returned error: ${out.status}\n* Closing connection ${index}\n`);
    return finish(22, `The requested URL returned error: ${out.status}`, t, url);
  }
  let shown = '';
  if (o.head || o.include) shown += headerBlock;
  if (!o.head) shown += out.body;
  if (o.output !== undefined && o.output !== '-') {
    if (o.output !== '/dev/null') {
      const path = resolvePath(env.cwd(), o.output);
      const err = env.fs.write(path, shown);
      if (err) {
        stderr += `Warning: Failed to open the file ${o.output}: No such file or directory\n`;
        return finish(23, 'Failure writing output to destination', t, url);
      }
    }
  } else {
    stdout += shown;
  }
  if (size > 0 && !o.head && (o.output !== undefined || !io.tty))
    verbose(`{ [${size} bytes data]\n`);
  verbose(
    out.httpVersion === 'HTTP/1.0'
      ? `* Closing connection ${index}\n`
      : `* Connection #${index} to host ${url.host} left intact\n`,
  );
  if (meter) stderr += meterLine(o.head ? 0 : size, o.head ? 0 : size, t.durationMs, true);
  if (o.writeOut !== undefined) {
    const w = writeOut(o.writeOut, t, url, 0, remote);
    stdout += w.stdout;
    stderr += w.stderr;
  }
  return { stdout, stderr, exitCode: 0 };
}

function runCurl(argv: string[], io: ToolIO, env: ToolEnv): CommandResult {
  const parsed = parseCurl(argv);
  if (!('urls' in parsed)) return parsed;
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  parsed.urls.forEach((u, i) => {
    const r = curlOne(env, parsed, u, io, i);
    stdout += r.stdout;
    stderr += r.stderr;
    exitCode = r.exitCode;
  });
  return { stdout, stderr, exitCode };
}

// ------------------------------------------------------------------ busybox wget

const WGET_USAGE =
  'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n' +
  'Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n' +
  '\t[--post-data STR | --post-file FILE] [-Y on/off]\n' +
  '\t[-P DIR] [-U AGENT] [-T SEC] URL...\n\n' +
  'Retrieve files via HTTP or FTP\n';

/** busybox wget's default network read timeout: 900 s. */
const WGET_DEFAULT_TIMEOUT_MS = 900_000;

function runWget(argv: string[], env: ToolEnv): CommandResult {
  let quiet = false;
  let output: string | undefined;
  let timeoutMs = WGET_DEFAULT_TIMEOUT_MS;
  let spider = false;
  const urls: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--spider') {
      spider = true;
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (c === 'q') quiet = true;
        else if (c === 'O' || c === 'T') {
          const attached = a.slice(j + 1);
          const v = attached !== '' ? attached : argv[++i];
          if (v === undefined) {
            return {
              stdout: '',
              stderr: `wget: option requires an argument -- '${c}'\n${WGET_USAGE}`,
              exitCode: 1,
            };
          }
          if (c === 'O') output = v;
          else {
            if (!/^\d+$/.test(v)) {
              return { stdout: '', stderr: `wget: invalid number '${v}'\n`, exitCode: 1 };
            }
            timeoutMs = Number(v) * 1000;
          }
          break;
        } else {
          return {
            stdout: '',
            stderr: `wget: unrecognized option: ${c}\n${WGET_USAGE}`,
            exitCode: 1,
          };
        }
      }
      continue;
    }
    if (a.startsWith('--')) {
      return { stdout: '', stderr: `wget: unrecognized option '${a}'\n${WGET_USAGE}`, exitCode: 1 };
    }
    urls.push(a);
  }
  const raw = urls[0];
  if (raw === undefined) return { stdout: '', stderr: WGET_USAGE, exitCode: 1 };
  let stdout = '';
  let stderr = '';
  const fail = (msg: string): CommandResult => ({
    stdout,
    stderr: stderr + `wget: ${msg}\n`,
    exitCode: 1,
  });
  const parsed = parseUrl(raw);
  if (!parsed.ok) return fail(`not an http or ftp url: ${raw}`);
  const url = parsed.url;
  const resolved = lookupForRequest(env, url.host);
  const address = resolved.address;
  if (address === undefined) {
    recordFailedLookup(env, url.host, raw, spider ? 'HEAD' : 'GET', resolved.lookup);
    return fail(`bad address '${url.host}'`);
  }
  if (url.scheme === 'https') stderr += 'wget: note: TLS certificate validation not implemented\n';
  if (!quiet) stderr += `Connecting to ${url.host} (${address}:${url.port})\n`;
  const t = send(
    env,
    {
      address,
      port: url.port,
      method: spider ? 'HEAD' : 'GET',
      path: url.path,
      host: url.authority,
      scheme: url.scheme,
      insecure: true,
      timeoutMs,
    },
    resolved.lookup,
    url.host,
  );
  const out = t.outcome;
  if (!out.ok) {
    const cant = (why: string): CommandResult =>
      fail(`can't connect to remote host (${address}): ${why}`);
    if (!out.connected) {
      if (out.error === 'refused') return cant('Connection refused');
      if (out.error === 'unreachable') return cant('No route to host');
      if (out.timedOut === 'kernel') return cant('Connection timed out');
      return fail('download timed out');
    }
    if (out.error === 'timeout') return fail('download timed out');
    if (out.error === 'reset') return fail('error getting response: Connection reset by peer');
    return fail('error getting response');
  }
  if (out.status >= 400)
    return fail(`server returned error: ${out.httpVersion} ${out.status} ${out.reason}`);
  if (spider) {
    if (!quiet) stderr += 'remote file exists\n';
    return { stdout, stderr, exitCode: 0 };
  }
  const size = byteLength(out.body);
  const bar = (name: string): string =>
    `${name.slice(0, 20).padEnd(20)} 100% |${'*'.repeat(32)}| ${String(size).padStart(5)}  0:00:00 ETA\n`;
  if (output === '-') {
    if (!quiet) stderr += 'writing to stdout\n';
    stdout += out.body;
    if (!quiet) stderr += `${bar('-')}written to stdout\n`;
    return { stdout, stderr, exitCode: 0 };
  }
  const name = output ?? (url.path.split('?')[0]?.split('/').pop() || 'index.html');
  const path = resolvePath(env.cwd(), name);
  if (output === undefined && env.fs.read(path) !== undefined) {
    return fail(`can't open '${name}': File exists`);
  }
  if (!quiet) stderr += `saving to '${name}'\n`;
  if (env.fs.write(path, out.body)) return fail(`can't open '${name}': No such file or directory`);
  if (!quiet) stderr += `${bar(name)}'${name}' saved\n`;
  return { stdout, stderr, exitCode: 0 };
}

// ------------------------------------------------------------------ conntrack

const CONNTRACK = 'conntrack v1.4.6 (conntrack-tools)';

function conntrackError(msg: string): CommandResult {
  return {
    stdout: '',
    stderr: `${CONNTRACK}: ${msg}\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`,
    exitCode: 2,
  };
}

/** `conntrack -L | -C | -F` on a node. Models conntrack-tools src/conntrack.c (a subset). */
const conntrackTool: HostTool = (argv, _io, tool) => {
  const ctx = tool.cluster.context;
  const table = nodeNetfilterState(dataplaneOf(ctx), tool.node).conntrack;
  const now = ctx.clock.now();
  let command: 'list' | 'count' | 'flush' | undefined;
  const filters: Array<(e: ConntrackEntry) => boolean> = [];
  const value = (i: number, opt: string): string | CommandResult =>
    argv[i] ?? conntrackError(`option \`${opt}' requires an argument`);
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const set = (c: typeof command): CommandResult | undefined => {
      if (command && command !== c) return conntrackError('Invalid parameters');
      command = c;
      return undefined;
    };
    let err: CommandResult | undefined;
    switch (a) {
      case '-L':
      case '--dump':
        err = set('list');
        break;
      case '-C':
      case '--count':
        err = set('count');
        break;
      case '-F':
      case '--flush':
        err = set('flush');
        break;
      case '-h':
      case '--help':
        return {
          stdout:
            'Command line interface for the connection tracking system. Version 1.4.6\n' +
            'Usage: conntrack [commands] [options]\n\n' +
            'Commands:\n  -L [table] [options]\t\tList conntrack or expectation table\n' +
            '  -F [table]\t\t\tFlush table\n  -C [table]\t\t\tShow counter\n',
          stderr: '',
          exitCode: 0,
        };
      case '-p':
      case '--proto':
      case '-s':
      case '--src':
      case '--orig-src':
      case '-d':
      case '--dst':
      case '--orig-dst':
      case '-r':
      case '--reply-src':
      case '-q':
      case '--reply-dst':
      case '--sport':
      case '--orig-port-src':
      case '--dport':
      case '--orig-port-dst':
      case '--state': {
        const v = value(++i, a);
        if (typeof v !== 'string') return v;
        filters.push(conntrackFilter(a, v.toLowerCase()));
        break;
      }
      case '-n':
      case '-o':
        break;
      default:
        return conntrackError(`unknown option \`${a}'`);
    }
    if (err) return err;
  }
  if (!command) return conntrackError('no command specified');
  if (command === 'flush') {
    table.flush();
    return {
      stdout: '',
      stderr: `${CONNTRACK}: connection tracking table has been emptied.\n`,
      exitCode: 0,
    };
  }
  const entries = table.entries(now).filter((e) => filters.every((f) => f(e)));
  if (command === 'count') return { stdout: `${entries.length}\n`, stderr: '', exitCode: 0 };
  return {
    stdout: entries.map((e) => `${formatConntrackEntry(e, now)}\n`).join(''),
    stderr: `${CONNTRACK}: ${entries.length} flow entries have been shown.\n`,
    exitCode: 0,
  };
};

function conntrackFilter(opt: string, v: string): (e: ConntrackEntry) => boolean {
  switch (opt) {
    case '-p':
    case '--proto':
      return (e) => e.original.proto === v;
    case '-s':
    case '--src':
    case '--orig-src':
      return (e) => e.original.src === v;
    case '-d':
    case '--dst':
    case '--orig-dst':
      return (e) => e.original.dst === v;
    case '-r':
    case '--reply-src':
      return (e) => e.reply.src === v;
    case '-q':
    case '--reply-dst':
      return (e) => e.reply.dst === v;
    case '--sport':
    case '--orig-port-src':
      return (e) => String(e.original.sport) === v;
    case '--dport':
    case '--orig-port-dst':
      return (e) => String(e.original.dport) === v;
    default:
      return (e) => (e.tcpState ?? '').toLowerCase() === v;
  }
}

// ------------------------------------------------------------------ registration

const curlOnNode: HostTool = (argv, io, tool) =>
  runCurl(argv, io, {
    ctx: tool.cluster.context,
    from: { kind: 'node', name: tool.node },
    fs: tool.fs,
    cwd: tool.cwd,
    advance: (ms) => {
      tool.cluster.advance(ms);
    },
  });

function containerEnv(ctx: Parameters<ContainerTool>[2]): ToolEnv {
  return { ...containerToolBase(ctx), cwd: ctx.cwd };
}

const curlInContainer: ContainerTool = (argv, io, ctx) => runCurl(argv, io, containerEnv(ctx));
const wgetInContainer: ContainerTool = (argv, _io, ctx) => runWget(argv, containerEnv(ctx));

/** Images that ship curl: nginx's official image, and the usual network toolboxes. */
const CURL_IMAGES = new Set(['curl', 'netshoot', 'network-multitool']);
function hasCurl(p: ImageProfile): boolean {
  return p.imageId === 'nginx' || CURL_IMAGES.has(p.ref?.lastSegment ?? '');
}

/** Add curl and conntrack to the nodes, curl and wget to the containers that have them. */
export function registerTraceTools(): void {
  registerHostTool('curl', curlOnNode);
  registerHostTool('conntrack', conntrackTool);
  registerContainerTool('curl', curlInContainer, hasCurl);
  registerContainerTool('wget', wgetInContainer, (p) => p.userland === 'busybox');
}

registerTraceTools();
