/**
 * The Inspector pane: the selected object (`useClusterStore().selected`, set by the graph or by a
 * link in here), updated live from the store snapshot; or, with nothing selected, what to click
 * and the cluster at a glance. Section data comes from pure builders (registry.ts); this file
 * only holds the view state: the active tab and collapsed sections (kept across selections), and
 * where Back goes.
 */
import { useCallback, useEffect, useState } from 'react';
import { dataplaneOf } from '../../engine';
import { usePlayground } from '../host/context';
import type { ObjectRef } from '../state/cluster-store';
import { useClusterStore } from '../state/cluster-store';
import { ClusterSummaryView } from './ClusterSummaryView';
import { InspectNavigation } from './navigation';
import { ObjectInspector } from './ObjectInspector';
import { useRuleFocus } from './rule-focus';
import { getObject } from './snapshot';
import { useThrottledObjects } from './useThrottledObjects';
import './inspector.css';

/** How often (real time) the inspector takes a new snapshot of the objects. */
const REFRESH_MS = 200;

const describeRef = (r: ObjectRef): string =>
  `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

export function InspectorPane() {
  const host = usePlayground();
  const selected = useClusterStore((s) => s.selected);
  const select = useClusterStore((s) => s.select);
  const objects = useThrottledObjects(REFRESH_MS);
  const now = useClusterStore((s) => s.now);
  const [tab, setTab] = useState('overview');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [history, setHistory] = useState<ObjectRef[]>([]);

  // A cleared selection (Close, or a Reset of the cluster) starts a new trail for Back.
  useEffect(
    () =>
      useClusterStore.subscribe((s, prev) => {
        if (!s.selected && prev.selected) setHistory([]);
      }),
    [],
  );
  // The Trace panel asked to show a rule: the node's Rules tab has it.
  useEffect(
    () =>
      useRuleFocus.subscribe((s, prev) => {
        if (s.focus?.navigate && s.focus !== prev.focus) setTab('node-rules');
      }),
    [],
  );
  const inspect = useCallback(
    (ref: ObjectRef) => {
      const from = useClusterStore.getState().selected;
      if (from) setHistory((h) => [...h.slice(-19), from]);
      select(ref);
    },
    [select],
  );
  const back = () => {
    const previous = history[history.length - 1];
    setHistory((h) => h.slice(0, -1));
    select(previous);
  };
  const close = () => select(undefined);
  const toggle = useCallback(
    (id: string) =>
      setCollapsed((c) => {
        const next = new Set(c);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );

  const obj = selected ? getObject(objects, selected) : undefined;
  const previous = history[history.length - 1];
  const actions = (
    <span className="insp-actions">
      {previous ? (
        <button type="button" className="insp-button" onClick={back}>
          <span aria-hidden="true">← </span>Back
          <span className="insp-visually-hidden"> to {describeRef(previous)}</span>
        </button>
      ) : null}
      <button type="button" className="insp-button" onClick={close}>
        Close
      </button>
    </span>
  );
  return (
    <InspectNavigation.Provider value={inspect}>
      <div className="insp">
        {!selected ? (
          <ClusterSummaryView objects={objects} />
        ) : obj ? (
          <ObjectInspector
            obj={obj}
            objects={objects}
            now={now}
            scheduling={host.cluster.context.scheduling}
            network={dataplaneOf(host.cluster.context)}
            tab={tab}
            onTab={setTab}
            collapsed={collapsed}
            onToggle={toggle}
            actions={actions}
          />
        ) : (
          <div className="insp-gone">
            <div className="insp-header-top">
              <span className="insp-kind">{selected.kind}</span>
              {actions}
            </div>
            <h2 className="insp-name">{selected.name}</h2>
            {selected.namespace ? (
              <div className="insp-header-meta">
                <span className="insp-namespace">{selected.namespace}</span>
              </div>
            ) : null}
            <p className="insp-note insp-note-muted">
              This {selected.kind} no longer exists: it was deleted.
            </p>
          </div>
        )}
      </div>
    </InspectNavigation.Provider>
  );
}
