import { usePlayground } from '../host/context';
import { useEffect } from 'react';
import { bindLoad, useLoadStore } from './load-bridge';
import { splitName } from '../graph/views';
import { failedCount, loadBars } from './load';
import './load.css';

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * The Load chart: one bar per pod that answered, and the failures (by kind), filling as the
 * batches go out. A list, so a screen reader reads each bar's label and count; the bars
 * themselves are decoration (aria-hidden), their numbers are text.
 */
export function LoadChart() {
  const host = usePlayground();
  useEffect(() => bindLoad(host), [host]);
  const tally = useLoadStore((s) => s.tally);
  const title = useLoadStore((s) => s.title);
  const running = useLoadStore((s) => s.running);
  const stop = useLoadStore((s) => s.stop);
  if (!tally) return null;
  const bars = loadBars(tally);
  const failed = failedCount(tally);
  return (
    <section className="load" aria-label="Load chart">
      <div className="load-head">
        <h3 className="load-title">
          Load <span className="load-request">{title}</span>
        </h3>
        {running && stop ? (
          <button type="button" className="trace-button" onClick={() => stop()}>
            Stop
          </button>
        ) : null}
      </div>
      <p className="load-progress" role="status">
        {running
          ? `Sent ${fmt(tally.sent)} of ${fmt(tally.total)}…`
          : `${fmt(tally.sent)} sent: ${fmt(tally.sent - failed)} answered, ${fmt(failed)} failed`}
      </p>
      <ul className="load-bars" aria-label="Answers by endpoint">
        {bars.map((b) => (
          <li
            key={b.key}
            className={`load-bar${b.failed ? ' is-failed' : ''}${b.failed && b.count === 0 ? ' is-zero' : ''}`}
            aria-label={`${b.label}: ${b.count}${b.detail ? ` (${b.detail})` : ''}`}
          >
            <Label text={b.label} />
            <span className="load-track" aria-hidden="true">
              <span className="load-fill" style={{ width: `${(b.share * 100).toFixed(1)}%` }} />
            </span>
            <span className="load-count">{fmt(b.count)}</span>
            <span className="load-share">{Math.round(b.share * 100)}%</span>
            {b.detail ? <span className="load-detail">{b.detail}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The name with a middle ellipsis: the end of a pod's name is what tells replicas apart. */
function Label({ text }: { text: string }) {
  const [head, tail] = splitName(text, 5);
  return (
    <span className="load-label" title={text}>
      <span className="load-label-head">{head}</span>
      {tail ? <span className="load-label-tail">{tail}</span> : null}
    </span>
  );
}
