import type { EventsView } from './events';

/**
 * The Events table (Type, Reason, Age, From, Message) as ARIA table roles on a CSS grid: one row
 * per event at a wide pane, a compact two-line card when the pane is narrow.
 */
export function EventsTable({ view, name }: { view: EventsView; name: string }) {
  if (view.rows.length === 0) {
    return <p className="insp-note insp-note-muted">No events for {name}.</p>;
  }
  return (
    <>
      {view.omitted > 0 ? (
        <p className="insp-more">{view.omitted} older events not shown.</p>
      ) : null}
      <div className="insp-events" role="table" aria-label={`Events of ${name}`}>
        <div className="insp-events-head" role="row">
          {['Type', 'Reason', 'Age', 'From', 'Message'].map((c) => (
            <span key={c} role="columnheader" className={`insp-ev-${c.toLowerCase()}`}>
              {c}
            </span>
          ))}
        </div>
        {view.rows.map((r) => (
          <div key={r.key} role="row" className={`insp-event insp-event-${r.tone}`}>
            <span role="cell" className="insp-ev-type">
              <span className={`insp-badge insp-badge-${r.tone}`}>{r.type}</span>
            </span>
            <span role="cell" className="insp-ev-reason">
              {r.reason}
            </span>
            <span role="cell" className="insp-ev-age">
              {r.age}
            </span>
            <span role="cell" className="insp-ev-from">
              {r.from}
            </span>
            <span role="cell" className="insp-ev-message">
              {r.message}
            </span>
          </div>
        ))}
      </div>
    </>
  );
}
