import { describe, expect, it } from 'vitest';
import type { Trace } from '../../engine';
import { explainTrace } from './explain';
import { clusterExplainEnv } from './trace-bridge';
import {
  answerText,
  curlError,
  endpointsLine,
  htmlToText,
  outcomeSummary,
  traceHeadline,
  traceToText,
} from './trace-text';
import { lessonCluster } from './testing';

const L = lessonCluster();
const ok = L.request({ from: { kind: 'node', name: 'master' }, url: `http://${L.clusterIP}/` });
const nginx = L.request({
  from: { kind: 'outside' },
  url: `http://192.168.100.11:${L.nodePort}/`,
});

/** A failed trace with the given outcome (the hops do not matter to these functions). */
function failed(outcome: Extract<Trace['outcome'], { ok: false }>, url = 'http://10.96.0.9/') {
  return {
    request: { from: 'node/node1', method: 'GET', url, host: '10.96.0.9' },
    hops: [],
    outcome,
    durationMs: 1.4,
  } satisfies Trace;
}

describe('traceToText', () => {
  it('the headline, the ends, every hop with its rule, rewrite and why, then the answer', () => {
    const why = explainTrace(ok, clusterExplainEnv(L.cluster));
    const text = traceToText(ok, why);
    const lines = text.split('\n');
    const s = ok.server!;
    expect(lines.slice(0, 4)).toEqual([
      `GET http://${L.clusterIP}/ from master — 200 OK in 3.60 ms`,
      `client 192.168.100.10:32768 · server ${s.pod} ${s.ip}:80 on ${s.node}, which saw the client as 10.244.0.0:${s.peer.port}`,
      '',
      `Request: GET http://${L.clusterIP}/ from master`,
    ]);
    const dnat = lines.findIndex((l) => l.includes(': DNAT '));
    expect(lines.slice(dnat, dnat + 4)).toEqual([
      `  +0.70 ms   master: ${ok.hops.find((h) => h.what.includes(': DNAT '))!.what}`,
      `      nat: ${ok.hops.find((h) => h.what.includes(': DNAT '))!.chain!.rule}`,
      `      dst ${L.clusterIP}:80 → ${s.ip}:80`,
      `      why: ${why[ok.hops.findIndex((h) => h.what.includes(': DNAT '))]}`,
    ]);
    // One line per hop (plus its details).
    expect(lines.filter((l) => /^ {2}\+\d/.test(l))).toHaveLength(ok.hops.length);
    expect(text.endsWith('\n\n<html><body><h1>It works!</h1></body></html>\n')).toBe(true);
    expect(lines).toContain('HTTP/1.1 200 OK');
    expect(lines).toContain('Server: Apache/2.4.59 (Unix)');
  });

  it('without whys, no why lines', () => {
    expect(traceToText(ok).includes('why:')).toBe(false);
  });
});

describe('the answer and failures', () => {
  it('summaries', () => {
    expect(outcomeSummary(ok)).toBe('200 OK');
    expect(traceHeadline(nginx)).toBe(
      `GET http://192.168.100.11:${L.nodePort}/ from the laptop — 200 OK in 4.30 ms`,
    );
    expect(
      endpointsLine(failed({ ok: false, error: 'refused', message: 'x', connected: false })),
    ).toBe(undefined);
  });

  it.each<[string, Extract<Trace['outcome'], { ok: false }>, string]>([
    [
      'refused',
      { ok: false, error: 'refused', message: 'Connection refused', connected: false },
      'curl: (7) Failed to connect to 10.96.0.9 port 80 after 1 ms: Connection refused',
    ],
    [
      'no route',
      { ok: false, error: 'unreachable', message: 'No route to host', connected: false },
      'curl: (7) Failed to connect to 10.96.0.9 port 80 after 1 ms: No route to host',
    ],
    [
      'connect timeout',
      { ok: false, error: 'timeout', message: 'Connection timed out', connected: false },
      'curl: (28) Failed to connect to 10.96.0.9 port 80 after 1 ms: Connection timed out',
    ],
    [
      'client timeout',
      {
        ok: false,
        error: 'timeout',
        message: 'Connection timed out',
        connected: false,
        timedOut: 'client',
      },
      'curl: (28) Connection timed out after 1 milliseconds',
    ],
    [
      'answer timeout',
      { ok: false, error: 'timeout', message: 'Operation timed out', connected: true },
      'curl: (28) Operation timed out after 1 milliseconds with 0 bytes received',
    ],
    [
      'reset',
      { ok: false, error: 'reset', message: 'Connection reset by peer', connected: true },
      'curl: (56) Recv failure: Connection reset by peer',
    ],
    [
      'empty reply',
      {
        ok: false,
        error: 'protocol',
        message: 'Empty reply from server',
        connected: true,
        detail: 'empty-reply',
      },
      'curl: (52) Empty reply from server',
    ],
    [
      'resolve',
      { ok: false, error: 'resolve', message: 'Could not resolve host: nope', connected: false },
      'curl: (6) Could not resolve host: 10.96.0.9',
    ],
  ])('curl’s words: %s', (_label, outcome, want) => {
    expect(curlError(failed(outcome))).toBe(want);
    expect(answerText(failed(outcome))).toBe(want);
  });

  it('a real REJECT is curl’s (7) Connection refused', () => {
    L.cluster.shell.run('kubectl create service clusterip none --tcp=80:80');
    L.cluster.advance(5_000);
    const ip = (L.cluster.store.get('Service', 'default', 'none')?.spec as { clusterIP: string })
      .clusterIP;
    const t = L.request({ from: { kind: 'node', name: 'node1' }, url: `http://${ip}/` });
    expect(curlError(t)).toBe(
      `curl: (7) Failed to connect to ${ip} port 80 after 0 ms: Connection refused`,
    );
    expect(curlError(ok)).toBe(undefined);
  });

  it('the nginx welcome page as text', () => {
    expect(nginx.outcome.ok && htmlToText(nginx.outcome.body)).toBe(
      [
        'Welcome to nginx!',
        'If you see this page, the nginx web server is successfully installed and working. Further configuration is required.',
        'For online documentation and support please refer to nginx.org.',
        'Commercial support is available at nginx.com.',
        'Thank you for using nginx.',
      ].join('\n\n'),
    );
    expect(ok.outcome.ok && htmlToText(ok.outcome.body)).toBe('It works!');
    expect(htmlToText('plain text')).toBe(undefined);
    expect(htmlToText('<p>a &amp; b&#33;</p>')).toBe('a & b!');
  });
});
