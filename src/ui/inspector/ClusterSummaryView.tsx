import { useMemo } from 'react';
import type { ObjectsByKind } from '../state/cluster-store';
import { Badge, CellView } from './CellView';
import type { SummaryLink } from './summary';
import { clusterSummary } from './summary';

function Links({ label, links, more }: { label: string; links: SummaryLink[]; more: number }) {
  if (links.length === 0) return null;
  return (
    <section className="insp-section" aria-label={label}>
      <h3 className="insp-section-heading insp-static-heading">{label}</h3>
      <ul className="insp-items">
        {links.map((l) => (
          <li key={`${l.ref.kind}/${l.ref.namespace ?? ''}/${l.ref.name}`} className="insp-item">
            <div className="insp-item-head">
              <span className="insp-item-title">
                <CellView cell={{ text: l.label, ref: l.ref }} />
                {l.note ? <span className="insp-item-subtitle">{l.note}</span> : null}
              </span>
              {l.detail ? (
                <span className="insp-item-badges">
                  <Badge cell={l.detail} />
                </span>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {more > 0 ? <p className="insp-more">and {more} more</p> : null}
    </section>
  );
}

/** Nothing selected: what to click, and the cluster at a glance. */
export function ClusterSummaryView({ objects }: { objects: ObjectsByKind }) {
  const summary = useMemo(() => clusterSummary(objects), [objects]);
  return (
    <div className="insp-empty">
      <div className="insp-hint">
        <h2>Nothing selected</h2>
        <p>
          Click a node, pod or service in the <strong>Cluster graph</strong> to see its live YAML,
          events and details here — or pick one below.
        </p>
      </div>
      <section className="insp-section" aria-label="Pods by status">
        <h3 className="insp-section-heading insp-static-heading">
          Pods <span className="insp-count">{summary.podTotal}</span>
        </h3>
        {summary.podsByStatus.length > 0 ? (
          <ul className="insp-status-counts">
            {summary.podsByStatus.map((s) => (
              <li key={s.status}>
                <Badge cell={{ text: s.status, ...(s.tone ? { tone: s.tone } : {}) }} />
                <span className="insp-mono">{s.count}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="insp-note insp-note-muted">No pods yet.</p>
        )}
      </section>
      <Links label="Nodes" links={summary.nodes} more={0} />
      <Links label="Deployments" links={summary.workloads} more={summary.moreWorkloads} />
      <Links label="Services" links={summary.services} more={summary.moreServices} />
      <Links label="Your pods" links={summary.pods} more={summary.morePods} />
    </div>
  );
}
