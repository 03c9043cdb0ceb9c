import type { SchedulingNodeRow, SchedulingView } from './model';
import { Badge, CellView } from './CellView';

const VERDICTS: Record<
  SchedulingNodeRow['verdict'],
  { text: string; tone: 'ok' | 'info' | 'muted' | 'error' }
> = {
  selected: { text: 'chosen', tone: 'ok' },
  nominated: { text: 'nominated', tone: 'info' },
  feasible: { text: 'passed', tone: 'muted' },
  rejected: { text: 'rejected', tone: 'error' },
};

function NodeRow({ row }: { row: SchedulingNodeRow }) {
  const verdict = VERDICTS[row.verdict];
  return (
    <li className={`insp-sched-row insp-sched-${row.verdict}`}>
      <div className="insp-item-head">
        <span className="insp-item-title">
          <CellView cell={{ text: row.node, ref: { kind: 'Node', name: row.node } }} />
        </span>
        <span className="insp-item-badges">
          <Badge cell={verdict} />
          {row.total !== undefined ? (
            <span className="insp-sched-total" title="Weighted total score">
              {row.total}
            </span>
          ) : null}
        </span>
      </div>
      {row.fraction !== undefined ? (
        <div
          className="insp-sched-bar"
          role="meter"
          aria-label={`Score of ${row.node}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(row.fraction * 100)}
        >
          <span style={{ width: `${Math.round(row.fraction * 100)}%` }} />
        </div>
      ) : null}
      {row.verdict === 'rejected' ? (
        <p className="insp-sched-reason">
          <span className="insp-sched-plugin">{row.plugin ?? 'Filter'}:</span>{' '}
          {(row.reasons ?? []).join('; ')}
        </p>
      ) : null}
      {row.scores ? (
        <ul className="insp-sched-scores" aria-label={`Scores of ${row.node}`}>
          {row.scores.map((s) => (
            <li key={s.plugin}>
              <span className="insp-sched-plugin">{s.plugin}</span>{' '}
              <span className="insp-mono">
                {s.score}
                {s.weight !== 1 ? `×${s.weight}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** A pod's last scheduling cycle: the outcome, then every node's verdict and scores. */
export function SchedulingDecisionView({ view }: { view: SchedulingView }) {
  return (
    <div className="insp-sched">
      <p className={`insp-note insp-note-${view.summary.tone ?? 'muted'}`}>{view.summary.text}</p>
      <p className="insp-sched-meta">
        Attempt {view.attempt}, {view.age} ago. Filters first; the feasible nodes are scored per
        plugin (0–100 × weight) and the highest total wins.
      </p>
      {view.notes.map((n) => (
        <p key={n} className="insp-note insp-note-info">
          {n}
        </p>
      ))}
      <ul className="insp-items" aria-label={`Scheduling of ${view.pod}`}>
        {view.nodes.map((row) => (
          <NodeRow key={row.node} row={row} />
        ))}
      </ul>
      {view.victims ? (
        <p className="insp-note insp-note-warn">Preempted: {view.victims.join(', ')}</p>
      ) : null}
    </div>
  );
}
