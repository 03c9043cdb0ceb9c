import type { KeyboardEvent } from 'react';
import { useEffect, useRef } from 'react';
import { ControlPlanePane } from '../control-plane/ControlPlanePane';
import { InspectorPane } from '../inspector/InspectorPane';
import { useClusterStore } from '../state/cluster-store';
import { fromOfSelection } from './request-form';
import type { SideTab } from './trace-store';
import { useTraceStore } from './trace-store';
import { TracePane } from './TracePane';
import './trace.css';

const TABS: ReadonlyArray<{ id: SideTab; label: string }> = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'trace', label: 'Trace' },
  { id: 'control-plane', label: 'Control plane' },
];

const REGION: Record<SideTab, string> = {
  inspector: 'Inspector',
  trace: 'Trace',
  'control-plane': 'Control plane',
};

/**
 * The right column: the Inspector, the Trace and the Control plane as tabs, each a labelled region. Why there:
 * a trace row needs width for its rule and its why, and at 1280×720 the centre column's graph
 * and terminal have none to spare — while the learner types `curl` below the graph, the path
 * appears beside it. A new trace (terminal or form) brings the Trace tab up; selecting an
 * object in the graph brings the Inspector back; a new apply's story brings the Control plane up. Both stay mounted, so neither loses its state.
 */
export function TraceSide() {
  const tab = useTraceStore((s) => s.sideTab);
  const setTab = useTraceStore((s) => s.setSideTab);
  const refs = useRef(new Map<SideTab, HTMLButtonElement>());

  useEffect(
    () =>
      useClusterStore.subscribe((s, prev) => {
        if (s.selected && s.selected !== prev.selected)
          useTraceStore.getState().setSideTab('inspector');
      }),
    [],
  );

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight' && e.key !== 'Home' && e.key !== 'End')
      return;
    e.preventDefault();
    const i = TABS.findIndex((t) => t.id === tab);
    const next =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? TABS.length - 1
          : (i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length;
    const id = TABS[next]!.id;
    setTab(id);
    refs.current.get(id)?.focus();
  };

  return (
    <div className="side">
      <div className="side-bar">
        <div className="side-tabs" role="tablist" aria-label="Side panels" onKeyDown={onKeyDown}>
          {TABS.map((t) => (
            <button
              key={t.id}
              ref={(el) => {
                if (el) refs.current.set(t.id, el);
                else refs.current.delete(t.id);
              }}
              type="button"
              role="tab"
              id={`side-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`side-panel-${t.id}`}
              tabIndex={tab === t.id ? 0 : -1}
              className="side-tab"
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <SendFromSelection />
      </div>
      {TABS.map((t) => (
        <div
          key={t.id}
          className="side-panel"
          role="tabpanel"
          id={`side-panel-${t.id}`}
          aria-labelledby={`side-tab-${t.id}`}
          hidden={tab !== t.id}
        >
          <section className="pane" aria-label={REGION[t.id]}>
            {t.id === 'inspector' ? (
              <InspectorPane />
            ) : t.id === 'trace' ? (
              <TracePane />
            ) : (
              <ControlPlanePane />
            )}
          </section>
        </div>
      ))}
    </div>
  );
}

/**
 * "Send request from sb", while a pod or a node is selected: opens the Trace tab's form with it
 * as the sender (the Trace region has its own Send request button for any sender).
 */
function SendFromSelection() {
  const selected = useClusterStore((s) => s.selected);
  const open = useTraceStore((s) => s.setFormOpen);
  const from = fromOfSelection(selected);
  if (!from || !selected) return null;
  return (
    <button type="button" className="side-send" onClick={() => open(true, from)}>
      Send request from {selected.name}
    </button>
  );
}
