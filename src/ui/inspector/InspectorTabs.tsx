import type { KeyboardEvent, ReactNode } from 'react';
import { useRef } from 'react';

export interface TabDef {
  id: string;
  label: string;
  /** A number shown after the label (the Events count). */
  count?: number;
}

interface Props {
  tabs: TabDef[];
  active: string;
  onChange(id: string): void;
  children: ReactNode;
}

/**
 * WAI-ARIA tabs with automatic activation: arrow keys, Home and End move between tabs, Tab
 * moves into the panel.
 */
export function InspectorTabs({ tabs, active, onChange, children }: Props) {
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const current = tabs.some((t) => t.id === active) ? active : (tabs[0]?.id ?? '');
  const onKeyDown = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === current);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const id = tabs[next]!.id;
    onChange(id);
    refs.current.get(id)?.focus();
  };
  return (
    <>
      <div className="insp-tabs" role="tablist" aria-label="Inspector views" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) refs.current.set(t.id, el);
              else refs.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={`insp-tab-${t.id}`}
            aria-selected={t.id === current}
            {...(t.count !== undefined ? { 'aria-label': `${t.label} (${t.count})` } : {})}
            aria-controls={`insp-panel-${t.id}`}
            tabIndex={t.id === current ? 0 : -1}
            className="insp-tab"
            onClick={() => onChange(t.id)}
          >
            {t.label}
            {t.count !== undefined ? <span className="insp-tab-count">{t.count}</span> : null}
          </button>
        ))}
      </div>
      <div
        className="insp-panel"
        role="tabpanel"
        id={`insp-panel-${current}`}
        aria-labelledby={`insp-tab-${current}`}
        tabIndex={0}
      >
        {children}
      </div>
    </>
  );
}
