/**
 * A trace as text: the answer's summary, a failure in curl's own words, an HTML body as the text a
 * browser would show, and the whole trace for the panel's Copy button (traceToText).
 */
import type { Trace } from '../../engine';
import { parseRequestUrl } from '../../engine';
import { formatAt, hopGroups, hopPlace, natChanges, requestTitle } from './explain';

/** True for the trace of a DNS tool (nslookup, dig): its "answer" is the queries' results. */
export const isDnsTrace = (trace: Trace): boolean => trace.request.method === 'DNS';

/** `200 OK`, `Connection refused`, `NOERROR`: what the panel's header shows. */
export function outcomeSummary(trace: Trace): string {
  const o = trace.outcome;
  if (isDnsTrace(trace)) return o.ok ? o.reason : o.message;
  return o.ok ? `${o.status} ${o.reason}` : o.message;
}

/**
 * The failure as curl reports it (`curl: (7) Failed to connect to 10.96.0.1 port 80 after 0 ms:
 * Connection refused`), following the engine's curl (network/trace/tools.ts). Undefined for an
 * answer.
 */
export function curlError(trace: Trace): string | undefined {
  const o = trace.outcome;
  if (o.ok) return undefined;
  const url = parseRequestUrl(trace.request.url);
  const host = typeof url === 'string' ? trace.request.host : url.host;
  const port = typeof url === 'string' ? '' : String(url.port);
  const ms = Math.floor(trace.durationMs);
  const failed = (why: string): string =>
    `curl: (7) Failed to connect to ${host} port ${port} after ${ms} ms: ${why}`;
  if (typeof url === 'string') return `curl: (3) ${o.message}`;
  if (o.error === 'resolve') return `curl: (6) Could not resolve host: ${host}`;
  if (!o.connected) {
    if (o.error === 'refused') return failed('Connection refused');
    if (o.error === 'unreachable') return failed('No route to host');
    if (o.timedOut === 'client') return `curl: (28) Connection timed out after ${ms} milliseconds`;
    return `curl: (28) Failed to connect to ${host} port ${port} after ${ms} ms: Connection timed out`;
  }
  if (o.detail === 'give-up') return '^C (the server never answered; the wait was given up)';
  if (o.error === 'timeout')
    return `curl: (28) Operation timed out after ${ms} milliseconds with 0 bytes received`;
  if (o.error === 'reset') return 'curl: (56) Recv failure: Connection reset by peer';
  if (o.detail === 'http09') return 'curl: (1) Received HTTP/0.9 when not allowed';
  if (o.detail === 'tls-verify')
    return 'curl: (60) SSL certificate problem: unable to get local issuer certificate';
  if (o.detail === 'tls-version')
    return 'curl: (35) error:0A00010B:SSL routines::wrong version number';
  return 'curl: (52) Empty reply from server';
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * An HTML page as the text a browser shows (the nginx welcome page: its heading and paragraphs),
 * or undefined when the body is not HTML. Head, style and script are dropped; block elements
 * become line breaks; links keep their text.
 */
export function htmlToText(body: string): string | undefined {
  if (!/<(html|body|h1|p|!doctype)\b/i.test(body)) return undefined;
  // As a browser lays it out: white space inside a paragraph is one space; each block (heading,
  // paragraph) is a paragraph of its own, with a blank line between.
  const text = body
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/\s+/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(p|div|h[1-6]|li|ul|ol|tr|table|body|html|center|hr|pre)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#\d+|[a-z]+);/gi, (m, e: string) =>
      e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : (ENTITIES[e] ?? m),
    );
  return text
    .split('\n')
    .map((l) => l.replace(/ +/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n\n');
}

/** The answer's lines as curl -i prints them: status line, headers, blank line, body. */
export function answerText(trace: Trace): string {
  const o = trace.outcome;
  if (isDnsTrace(trace)) {
    return (trace.dns ?? [])
      .map(
        (q) =>
          `${q.type} ${q.name} @${q.server}: ${q.result}${q.answers.length ? ` — ${q.answers.join(', ')}` : ''}`,
      )
      .join('\n');
  }
  if (!o.ok) return curlError(trace) ?? o.message;
  const head = [
    `${o.httpVersion} ${o.status} ${o.reason}`,
    ...o.headers.map(([n, v]) => `${n}: ${v}`),
  ];
  return `${head.join('\n')}\n\n${o.body}`;
}

/** One line about the two ends: who connected, who answered and whom it saw. */
export function endpointsLine(trace: Trace): string | undefined {
  const parts: string[] = [];
  if (trace.client) parts.push(`client ${trace.client.ip}:${trace.client.port}`);
  const s = trace.server;
  if (s) {
    parts.push(
      `server ${s.pod ?? s.node} ${s.ip}:${s.port}${s.pod ? ` on ${s.node}` : ''}, which saw the client as ${s.peer.ip}:${s.peer.port}`,
    );
  }
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** `GET http://10.96.12.7/ from default/sb — 200 OK in 3.60 ms`. */
export function traceHeadline(trace: Trace): string {
  return `${requestTitle(trace)} — ${outcomeSummary(trace)} in ${trace.durationMs.toFixed(2)} ms`;
}

/**
 * The whole trace as plain text, for the clipboard: the headline, the ends, every hop (time,
 * place, what, the rule, the rewrite, and why when given), grouped by phase, then the answer.
 */
export function traceToText(trace: Trace, why?: readonly string[]): string {
  const lines: string[] = [traceHeadline(trace)];
  const ends = endpointsLine(trace);
  if (ends) lines.push(ends);
  for (const group of hopGroups(trace)) {
    lines.push('', group.phase === 'dns' ? `DNS: ${group.title}` : `Request: ${group.title}`);
    for (const i of group.hops) {
      const hop = trace.hops[i]!;
      const place = hopPlace(hop, trace);
      const where = place.detail ? `${place.label} ${place.detail}` : place.label;
      lines.push(`  ${formatAt(hop.atMs).padEnd(10)} ${where}: ${hop.what}`);
      if (hop.chain) lines.push(`      ${hop.chain.table}: ${hop.chain.rule}`);
      for (const c of natChanges(hop)) lines.push(`      ${c.field} ${c.from} → ${c.to}`);
      const w = why?.[i];
      if (w) lines.push(`      why: ${w}`);
    }
  }
  lines.push('', isDnsTrace(trace) ? 'Answers' : 'Answer', answerText(trace));
  return `${lines.join('\n').trimEnd()}\n`;
}
