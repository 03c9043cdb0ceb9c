import type { Trace } from '../../engine';
import { curlError, endpointsLine, htmlToText, isDnsTrace } from './trace-text';

/**
 * The end of a trace: the HTTP answer (status line, headers, the body — an HTML page as the text
 * a browser shows, its source folded), a DNS tool's answers, or the failure in curl's words.
 */
export function TraceAnswer({ trace }: { trace: Trace }) {
  const o = trace.outcome;
  const ends = endpointsLine(trace);
  return (
    <section className="trace-answer" aria-labelledby="trace-answer-label">
      <h3 className="trace-heading" id="trace-answer-label">
        {isDnsTrace(trace) ? 'Answers' : o.ok ? 'Answer' : 'Failure'}
      </h3>
      {ends ? <p className="trace-ends">{ends}</p> : null}
      {isDnsTrace(trace) ? (
        <ul className="trace-dns-answers">
          {(trace.dns ?? []).map((q, i) => (
            <li key={i}>
              <code>
                {q.type} {q.name}
              </code>{' '}
              <span className={q.result === 'NOERROR' ? 'is-ok' : 'is-fail'}>{q.result}</span>
              {q.answers.length > 0 ? <code> {q.answers.join(', ')}</code> : null}
            </li>
          ))}
        </ul>
      ) : o.ok ? (
        <HttpAnswer outcome={o} />
      ) : (
        <>
          <pre className="trace-curl-error">{curlError(trace)}</pre>
          <p className="trace-fail-message">{o.message}</p>
        </>
      )}
    </section>
  );
}

function HttpAnswer({ outcome }: { outcome: Extract<Trace['outcome'], { ok: true }> }) {
  const page = htmlToText(outcome.body);
  return (
    <>
      <p className="trace-status">
        <code>
          {outcome.httpVersion} {outcome.status} {outcome.reason}
        </code>
      </p>
      {outcome.headers.length > 0 ? (
        <dl className="trace-headers">
          {outcome.headers.map(([name, value], i) => (
            <div key={i}>
              <dt>{name}:</dt> <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {page !== undefined ? (
        <>
          <div className="trace-page">
            {page.split('\n\n').map((para, i) =>
              i === 0 ? (
                <p key={i} className="trace-page-title">
                  {para}
                </p>
              ) : (
                <p key={i}>{para}</p>
              ),
            )}
          </div>
          <details className="trace-source-html">
            <summary>HTML source</summary>
            <pre>{outcome.body}</pre>
          </details>
        </>
      ) : outcome.body !== '' ? (
        <pre className="trace-body">{outcome.body}</pre>
      ) : null}
    </>
  );
}
