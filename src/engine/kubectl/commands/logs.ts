/**
 * `kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]`: what a container's process wrote,
 * read from the node's container runtime (each container instance keeps its log: `--previous`
 * reads the one before).
 *
 * Models kubectl pkg/cmd/logs/logs.go (Complete, Validate, ToLogOptions: `--tail` defaults to 10
 * with `-l`), polymorphichelpers logsForObjectWithClient (the default container and its
 * `Defaulted container …` note, `Found 3 pods, using pod/x`, `container x is not valid for pod y
 * out of: …`), the API server's LogLocation (an unscheduled pod has an empty log) and the
 * kubelet's validateContainerLogStatus (`container "x" in pod "y" is waiting to start:
 * ContainerCreating`, `previous terminated container "x" in pod "y" not found`). Timestamps are
 * the kubelet's RFC3339NanoFixed (`2024-06-03T08:10:00.123456789Z`).
 *
 * Simplified: `-f` prints what is there and returns (a terminal cannot block); the log of an
 * endless loop keeps its latest 5,000 repetitions, as log rotation would keep the tail.
 */
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { ApiError } from '../../api/errors';
import type { Selector } from '../../api/selectors';
import { parseSelector } from '../../api/selectors';
import { formatTimestamp, parseTimestamp } from '../../sim/clock';
import type { ProcessBehaviour } from '../../workloads/behaviour';
import { fakeSha256, processOfContainer } from '../../workloads/catalog';
import type { StoredPod } from '../../shell/container/target';
import { attemptById } from '../../shell/container/target';
import { utf8Length } from '../../shell/fs';
import type { CommandResult } from '../../shell/types';
import type { CommandContext, FlagSpec, KubectlCommand, KubectlEnv } from '../types';
import { KubectlError, usageError } from '../types';
import { commandHelp } from '../help';
import { allContainerNames, defaultContainer, failAfter, resolvePods } from './exec';

const USAGE = 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]';

const FLAGS: FlagSpec[] = [
  {
    name: 'all-containers',
    type: 'bool',
    usage: "Get all containers' logs in the pod(s).",
  },
  { name: 'container', short: 'c', type: 'string', usage: 'Print the logs of this container' },
  { name: 'follow', short: 'f', type: 'bool', usage: 'Specify if the logs should be streamed.' },
  {
    name: 'ignore-errors',
    type: 'bool',
    usage: 'If watching / following pod logs, allow for any errors that occur to be non-fatal',
  },
  {
    name: 'insecure-skip-tls-verify-backend',
    type: 'bool',
    usage:
      'Skip verifying the identity of the kubelet that logs are requested from.  In theory, an attacker could provide invalid log content back. You might want to use this if your kubelet serving certificates have expired.',
  },
  {
    name: 'limit-bytes',
    type: 'int',
    default: 0,
    usage: 'Maximum bytes of logs to return. Defaults to no limit.',
  },
  {
    name: 'max-log-requests',
    type: 'int',
    default: 5,
    usage:
      'Specify maximum number of concurrent logs to follow when using by a selector. Defaults to 5.',
  },
  {
    name: 'pod-running-timeout',
    type: 'duration',
    default: '20s',
    usage:
      'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running',
  },
  {
    name: 'prefix',
    type: 'bool',
    usage: 'Prefix each log line with the log source (pod name and container name)',
  },
  {
    name: 'previous',
    short: 'p',
    type: 'bool',
    usage:
      'If true, print the logs for the previous instance of the container in a pod if it exists.',
  },
  {
    name: 'selector',
    short: 'l',
    type: 'string',
    usage: 'Selector (label query) to filter on.',
  },
  {
    name: 'since',
    type: 'duration',
    default: '0s',
    usage:
      'Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs. Only one of since-time / since may be used.',
  },
  {
    name: 'since-time',
    type: 'string',
    usage:
      'Only return logs after a specific date (RFC3339). Defaults to all logs. Only one of since-time / since may be used.',
  },
  {
    name: 'tail',
    type: 'int',
    default: -1,
    usage:
      'Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided.',
  },
  {
    name: 'timestamps',
    type: 'bool',
    usage: 'Include timestamps on each line in the log output',
  },
];

const HELP = commandHelp({
  long: [
    'Print the logs for a container in a pod or specified resource. If the pod has only one container, the container name is optional.',
  ],
  examples: `# Return snapshot logs from pod nginx with only one container
kubectl logs nginx

# Return snapshot logs from pod nginx with multi containers
kubectl logs nginx --all-containers=true

# Return snapshot logs from all containers in pods defined by label app=nginx
kubectl logs -lapp=nginx --all-containers=true

# Return snapshot of previous terminated ruby container logs from pod web-1
kubectl logs -p -c ruby web-1

# Begin streaming the logs of the ruby container in pod web-1
kubectl logs -f -c ruby web-1

# Begin streaming the logs from all containers in pods defined by label app=nginx
kubectl logs -f -lapp=nginx --all-containers=true

# Display only the most recent 20 lines of output in pod nginx
kubectl logs --tail=20 nginx

# Show all logs from pod nginx written in the last hour
kubectl logs --since=1h nginx

# Show logs from a kubelet with an expired serving certificate
kubectl logs --insecure-skip-tls-verify-backend nginx

# Return snapshot logs from first container of a job named hello
kubectl logs job/hello

# Return snapshot logs from container nginx-1 of a deployment named nginx
kubectl logs deployment/nginx -c nginx-1`,
  flags: FLAGS,
  usage: `${USAGE} [options]`,
});

/** A log line with its time (virtual ms) and a stable sub-millisecond part (ns). */
export interface LogLine {
  atMs: number;
  nanos: number;
  text: string;
}

/** The most repetitions of an endless loop's lines a log keeps (rotation keeps the tail). */
const MAX_REPEATS = 5000;

/**
 * The lines a process has written `elapsedMs` after its start, with their times. Lines written
 * in the same millisecond get increasing nanoseconds, as a real clock would give them.
 */
export function logLines(
  proc: ProcessBehaviour,
  startedAt: number,
  elapsedMs: number,
  seed: string,
): LogLine[] {
  const raw: Array<{ atMs: number; text: string }> = [];
  for (const l of proc.logs)
    if (l.atMs <= elapsedMs) raw.push({ atMs: startedAt + l.atMs, text: l.text });
  const r = proc.logRepeat;
  if (r && elapsedMs >= r.fromMs) {
    const last = Math.floor((elapsedMs - r.fromMs) / r.periodMs);
    for (let k = Math.max(0, last - MAX_REPEATS + 1); k <= last; k++) {
      const start = r.fromMs + k * r.periodMs;
      for (const l of r.lines)
        if (start + l.atMs <= elapsedMs)
          raw.push({ atMs: startedAt + start + l.atMs, text: l.text });
    }
  }
  raw.sort((a, b) => a.atMs - b.atMs);
  const base = parseInt(fakeSha256(seed).slice(0, 8), 16);
  let prevMs = Number.NaN;
  let nanos = 0;
  return raw.map((l, i) => {
    const step = 1000 + ((base >>> (i % 16)) % 29_000);
    nanos = l.atMs === prevMs ? Math.min(999_999, nanos + step) : (base + i * 7919) % 400_000;
    prevMs = l.atMs;
    return { atMs: l.atMs, nanos, text: l.text };
  });
}

/** kubelet's RFC3339NanoFixed: `2024-06-03T08:10:00.123456789Z`. */
export function nanoTimestamp(atMs: number, nanos: number): string {
  const iso = formatTimestamp(atMs); // second precision, `…Z`
  const ms = String(((atMs % 1000) + 1000) % 1000).padStart(3, '0');
  return `${iso.slice(0, 19)}.${ms}${String(nanos).padStart(6, '0')}Z`;
}

interface LogOptions {
  previous: boolean;
  timestamps: boolean;
  tail: number;
  sinceMs: number | undefined;
  limitBytes: number;
  prefix: boolean;
}

const badRequest = (msg: string): ApiError => new ApiError('BadRequest', 400, msg);

/** kubelet validateContainerLogStatus: which instance's log, or why there is none. */
function logSource(pod: Pod, name: string, previous: boolean): string {
  const podName = pod.metadata?.name ?? '';
  const statuses: ContainerStatus[] = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ];
  const s = statuses.find((c) => c.name === name);
  if (!s) throw badRequest(`container "${name}" in pod "${podName}" is not available`);
  const last = s.lastState?.terminated;
  const { waiting, running, terminated } = s.state ?? {};
  if (previous) {
    if (!last?.containerID)
      throw badRequest(`previous terminated container "${name}" in pod "${podName}" not found`);
    return last.containerID;
  }
  if (running) return s.containerID ?? '';
  if (terminated) {
    if (terminated.containerID) return terminated.containerID;
    if (last?.containerID) return last.containerID;
    throw badRequest(`container "${name}" in pod "${podName}" is terminated`);
  }
  if (last) {
    if (!last.containerID)
      throw badRequest(`container "${name}" in pod "${podName}" is terminated`);
    return last.containerID;
  }
  if (waiting) {
    const why =
      waiting.reason === 'ErrImagePull'
        ? "image can't be pulled"
        : waiting.reason === 'ImagePullBackOff'
          ? 'trying and failing to pull image'
          : (waiting.reason ?? '');
    throw badRequest(`container "${name}" in pod "${podName}" is waiting to start: ${why}`);
  }
  throw badRequest(`container "${name}" in pod "${podName}" is waiting to start - no logs yet`);
}

/** One container's log, as the API server returns it for these options. */
export function containerLog(env: KubectlEnv, pod: StoredPod, name: string, o: LogOptions): string {
  // LogLocation: a pod without a node has no log yet (an empty stream, no error).
  if (!pod.spec?.nodeName) return '';
  const id = logSource(pod, name, o.previous);
  const now = env.clock.now();
  const attempt = attemptById(env, pod, name, id);
  let lines: LogLine[] = [];
  if (attempt) {
    const end = attempt.finishedAt !== undefined ? Math.min(now, attempt.finishedAt) : now;
    lines = logLines(attempt.proc, attempt.startedAt, end - attempt.startedAt, attempt.id);
  } else if (!o.previous) {
    // No runtime to read from (the node is gone): rebuild the running process from the status.
    const proc = processOfContainer(pod, name);
    const started = pod.status?.containerStatuses?.find((c) => c.name === name)?.state?.running
      ?.startedAt;
    if (proc && started) {
      const t = parseTimestamp(started);
      lines = logLines(proc, t, now - t, id);
    }
  }
  if (o.sinceMs !== undefined) lines = lines.filter((l) => l.atMs >= (o.sinceMs as number));
  if (o.tail >= 0) lines = o.tail === 0 ? [] : lines.slice(-o.tail);
  const prefix = o.prefix ? `[pod/${pod.metadata.name ?? ''}/${name}] ` : '';
  let out = lines
    .map((l) => `${prefix}${o.timestamps ? nanoTimestamp(l.atMs, l.nanos) + ' ' : ''}${l.text}\n`)
    .join('');
  if (o.limitBytes > 0) out = truncateBytes(out, o.limitBytes);
  return out;
}

/** The first `n` bytes of a text in UTF-8 (a character cut in half is dropped). */
function truncateBytes(s: string, n: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    bytes += utf8Length(ch);
    if (bytes > n) break;
    out += ch;
  }
  return out;
}

function runLogs(ctx: CommandContext): CommandResult {
  const { env, args, flags, namespace } = ctx;
  let notes = '';
  let out = '';
  try {
    const selectorText = flags.string('selector');
    let resourceArg: string | undefined;
    let container = flags.string('container');
    const usage = `expected '${USAGE}'.\nPOD or TYPE/NAME is a required argument for the logs command`;
    if (args.length === 0) {
      if (selectorText === '') throw usageError('logs', usage);
    } else if (args.length === 1) {
      resourceArg = args[0];
      if (selectorText !== '')
        throw usageError('logs', 'only a selector (-l) or a POD name is allowed');
    } else if (args.length === 2) {
      resourceArg = args[0];
      container = args[1] as string;
    } else throw usageError('logs', usage);

    const since = flags.duration('since');
    const sinceTime = flags.string('since-time');
    let sinceMs: number | undefined;
    if (sinceTime !== '') {
      const t = parseTimestamp(sinceTime);
      if (!Number.isFinite(t)) {
        throw new KubectlError(
          `parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as "2006"`,
        );
      }
      sinceMs = t;
    }
    if (since > 0) sinceMs = env.clock.now() - Math.round(since / 1000) * 1000;
    const tailSpecified = flags.has('tail');
    let tail = flags.int('tail');
    if (selectorText !== '' && tail === -1 && !tailSpecified) tail = 10;

    // The builder: the pods named, or selected.
    let pods: StoredPod[];
    if (selectorText !== '') {
      let selector: Selector;
      try {
        selector = parseSelector(selectorText);
      } catch (e) {
        throw new KubectlError((e as Error).message);
      }
      pods = env.store
        .list<StoredPod>('Pod', { namespace, selector })
        .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
      if (pods.length === 0) {
        return {
          stdout: '',
          stderr: `No resources found in ${namespace} namespace.\n`,
          exitCode: 0,
        };
      }
    } else {
      const r = resolvePods(env, namespace, resourceArg as string, 'logs');
      const first = r.pods[0];
      if (!first) throw new KubectlError('timed out waiting for the condition');
      if (r.info.kind !== 'Pod' && r.pods.length > 1)
        notes += `Found ${r.pods.length} pods, using pod/${first.metadata.name ?? ''}\n`;
      pods = [first];
    }

    // Validate.
    if (since !== 0 && sinceTime !== '')
      throw new KubectlError('at most one of `sinceTime` or `sinceSeconds` may be specified');
    const all = flags.bool('all-containers');
    if (all && container !== '')
      throw new KubectlError(
        `--all-containers=true should not be specified with container name ${container}`,
      );
    if (flags.has('container') && args.length === 2)
      throw new KubectlError('only one of -c or an inline [CONTAINER] arg is allowed');
    if (flags.int('limit-bytes') < 0)
      throw new KubectlError('--limit-bytes must be greater than 0');
    if (since < 0) throw new KubectlError('--since must be greater than 0');
    if (tail < -1) throw new KubectlError('--tail must be greater than or equal to -1');

    // One request per pod and container, all checked before any is read.
    const requests: Array<{ pod: StoredPod; name: string }> = [];
    for (const pod of pods) {
      if (all) {
        for (const c of [
          ...(pod.spec?.initContainers ?? []),
          ...(pod.spec?.containers ?? []),
          ...(pod.spec?.ephemeralContainers ?? []),
        ])
          requests.push({ pod, name: c.name });
        continue;
      }
      let name = container;
      if (name === '') {
        const d = defaultContainer(pod);
        name = d.name;
        notes += d.note;
      }
      const known = [
        ...(pod.spec?.containers ?? []),
        ...(pod.spec?.initContainers ?? []),
        ...(pod.spec?.ephemeralContainers ?? []),
      ].some((c) => c.name === name);
      if (!known) {
        throw new KubectlError(
          `container ${name} is not valid for pod ${pod.metadata.name ?? ''} out of: ${allContainerNames(pod)}`,
        );
      }
      requests.push({ pod, name });
    }
    const opts: LogOptions = {
      previous: flags.bool('previous'),
      timestamps: flags.bool('timestamps'),
      tail,
      sinceMs,
      limitBytes: flags.int('limit-bytes'),
      prefix: flags.bool('prefix'),
    };
    for (const r of requests) {
      try {
        out += containerLog(env, r.pod, r.name, opts);
      } catch (e) {
        if (!flags.bool('ignore-errors') || !flags.bool('follow')) throw e;
        out += `error: ${(e as Error).message}\n`;
      }
    }
    return { stdout: out, stderr: notes, exitCode: 0 };
  } catch (e) {
    const r = failAfter(notes, e);
    return { ...r, stdout: out };
  }
}

export const logsCommand: KubectlCommand = {
  name: 'logs',
  short: 'Print the logs for a container in a pod',
  help: HELP,
  flags: FLAGS,
  run: runLogs,
};
