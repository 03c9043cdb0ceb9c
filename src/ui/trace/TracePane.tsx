import type { KeyboardEvent } from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { usePlayground } from '../host/context';
import { ruleOfHop, useRuleFocus } from '../inspector/rule-focus';
import { useClusterStore } from '../state/cluster-store';
import {
  formatAt,
  hopGroups,
  hopPlace,
  natChanges,
  passThroughHops,
  requestTitle,
} from './explain';
import { PlaybackControls } from './PlaybackControls';
import { SendRequestForm } from './SendRequestForm';
import { bindTraces } from './trace-bridge';
import type { TraceEntry } from './trace-store';
import { currentEntry, listKeyDelta, stepHop, useTraceStore } from './trace-store';
import { TraceAnswer } from './TraceAnswer';
import { outcomeSummary, traceToText } from './trace-text';
import './packet-lane.css';

/**
 * The Trace region: the request's hops, each with where, what, the rule, the rewrite, the time
 * and why; then the answer. Rows are a listbox: click or ↑/↓ selects a hop (the store's
 * `selectedHop`, which the graph highlights). The data come from pure functions (explain.ts,
 * trace-text.ts); this file only lays them out.
 */
export function TracePane() {
  const host = usePlayground();
  useEffect(() => bindTraces(host), [host]);
  const entry = useTraceStore(currentEntry);
  const formOpen = useTraceStore((s) => s.formOpen);
  const setFormOpen = useTraceStore((s) => s.setFormOpen);

  return (
    <div className="trace">
      <div className="trace-toolbar">
        <button
          type="button"
          className="trace-button trace-button-primary"
          aria-expanded={formOpen}
          aria-controls="trace-send-form"
          onClick={() => setFormOpen(!formOpen)}
        >
          Send request
        </button>
        <RecentTraces />
        {entry ? <CopyButton entry={entry} /> : null}
      </div>
      {formOpen ? <SendRequestForm /> : null}
      {entry ? (
        <TraceView entry={entry} />
      ) : (
        <p className="trace-empty">
          No request yet. Type <code>curl http://…</code> in the terminal, or use{' '}
          <strong>Send request</strong>: each hop of its path shows here, with the rule that matched
          and why.
        </p>
      )}
    </div>
  );
}

function RecentTraces() {
  const entries = useTraceStore((s) => s.entries);
  const currentId = useTraceStore((s) => s.currentId);
  const selectTrace = useTraceStore((s) => s.selectTrace);
  if (entries.length < 2) return null;
  return (
    <label className="trace-recent">
      <span>Recent</span>
      <select value={currentId ?? ''} onChange={(e) => selectTrace(Number(e.target.value))}>
        {[...entries].reverse().map((e) => (
          <option key={e.id} value={e.id}>
            {`${e.trace.request.method} ${e.trace.request.url} — ${outcomeSummary(e.trace)}`}
          </option>
        ))}
      </select>
    </label>
  );
}

function CopyButton({ entry }: { entry: TraceEntry }) {
  const [status, setStatus] = useState('');
  useEffect(() => {
    if (!status) return;
    const t = setTimeout(() => setStatus(''), 2500);
    return () => clearTimeout(t);
  }, [status]);
  const copy = () => {
    const text = traceToText(entry.trace, entry.why);
    navigator.clipboard.writeText(text).then(
      () => setStatus('Copied'),
      () => setStatus('Copy failed: the browser refused the clipboard'),
    );
  };
  return (
    <>
      <button type="button" className="trace-button" onClick={copy}>
        Copy
      </button>
      <span className="trace-copy-status" role="status">
        {status}
      </span>
    </>
  );
}

function TraceView({ entry }: { entry: TraceEntry }) {
  const { trace, why } = entry;
  const selected = useTraceStore((s) => s.selectedHop);
  const selectHop = useTraceStore((s) => s.selectHop);
  const showAll = useTraceStore((s) => s.showAll);
  const setShowAll = useTraceStore((s) => s.setShowAll);
  const groups = useMemo(() => hopGroups(trace), [trace]);
  const minor = useMemo(() => passThroughHops(trace), [trace]);
  const hidden = minor.filter(Boolean).length;
  const visible = useMemo(
    () => trace.hops.map((_, i) => i).filter((i) => showAll || !minor[i]),
    [trace, minor, showAll],
  );
  const listRef = useRef<HTMLDivElement>(null);

  // The selected hop's rule is marked in its node's iptables view (the Inspector's Rules tab).
  useEffect(() => {
    const rule = ruleOfHop(selected !== undefined ? entry.trace.hops[selected] : undefined);
    if (rule) useRuleFocus.getState().mark(rule);
    else useRuleFocus.getState().clear();
  }, [entry, selected]);

  useEffect(() => () => useRuleFocus.getState().clear(), []);

  // Keep the selected row in view (keyboard steps, and later the animation).
  useEffect(() => {
    if (selected === undefined) return;
    const row = listRef.current?.querySelector(`#trace-hop-${selected}`);
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent) => {
    const delta = listKeyDelta(e.key);
    if (e.key === 'Escape' && selected !== undefined) {
      e.preventDefault();
      selectHop(undefined);
      return;
    }
    if (delta === 0) return;
    e.preventDefault();
    selectHop(stepHop(selected, delta, visible));
  };

  const ok = trace.outcome.ok;
  const source =
    entry.source === 'terminal' && entry.command ? `terminal: ${entry.command}` : 'Send request';
  return (
    <div className="trace-view">
      <header className="trace-head">
        <div className="trace-head-line">
          <span className={`trace-outcome ${ok ? 'is-ok' : 'is-fail'}`}>
            {outcomeSummary(trace)}
          </span>
          <span className="trace-duration">{trace.durationMs.toFixed(2)} ms</span>
        </div>
        <h2 className="trace-title">{requestTitle(trace)}</h2>
        <p className="trace-source">{source}</p>
      </header>
      <div className="trace-list-head">
        <h3 className="trace-heading" id="trace-hops-label">
          Hops <span className="trace-count">{trace.hops.length}</span>
        </h3>
        {hidden > 0 ? (
          <label className="trace-showall">
            <input
              type="checkbox"
              checked={showAll}
              onChange={(e) => setShowAll(e.target.checked)}
            />
            Show the {hidden} rules passed through
          </label>
        ) : null}
      </div>
      <PlaybackControls entryId={entry.id} visible={visible} />
      <div
        ref={listRef}
        className="trace-list"
        role="listbox"
        aria-labelledby="trace-hops-label"
        tabIndex={0}
        aria-activedescendant={selected !== undefined ? `trace-hop-${selected}` : undefined}
        onKeyDown={onKeyDown}
      >
        {groups.map((g, gi) => {
          const rows = g.hops.filter((i) => showAll || !minor[i]);
          return (
            <div
              key={gi}
              role="group"
              aria-label={`${g.phase === 'dns' ? 'DNS' : 'Request'}: ${g.title}`}
              className={`trace-group phase-${g.phase}`}
            >
              <div className="trace-group-head" aria-hidden="true">
                <span className="trace-phase">{g.phase === 'dns' ? 'DNS' : 'Request'}</span>
                <span className="trace-group-title">{g.title}</span>
              </div>
              {rows.map((i) => (
                <HopRow
                  key={i}
                  index={i}
                  entry={entry}
                  why={why[i] ?? ''}
                  selected={selected === i}
                  minor={minor[i] === true}
                  onSelect={selectHop}
                />
              ))}
            </div>
          );
        })}
      </div>
      {selected !== undefined ? <RuleLink entry={entry} index={selected} /> : null}
      <TraceAnswer trace={trace} />
    </div>
  );
}

/**
 * "Show rule in node1's iptables" for the selected hop, when it is a rule on a node: selects the
 * Node, brings the Inspector up on its Rules tab and marks the rule's line there (rule-focus.ts).
 * It sits under the list, sticky at the pane's bottom, not inside the row: an option of a
 * listbox may not hold a button (its children are presentational).
 */
function RuleLink({ entry, index }: { entry: TraceEntry; index: number }) {
  const rule = ruleOfHop(entry.trace.hops[index]);
  if (!rule) return null;
  const node = rule.node;
  const show = () => {
    useRuleFocus.getState().show(rule);
    useClusterStore.getState().select({ kind: 'Node', name: node });
    useTraceStore.getState().setSideTab('inspector');
  };
  return (
    <div className="trace-rule-link">
      <span className="trace-rule-link-what">
        Hop {index + 1}: {rule.table} <code>{rule.chain}</code> rule {rule.index}
      </span>
      <button type="button" className="trace-button" onClick={show}>
        Show rule in {node}&apos;s iptables
      </button>
    </div>
  );
}

interface HopRowProps {
  index: number;
  entry: TraceEntry;
  why: string;
  selected: boolean;
  minor: boolean;
  onSelect(index: number): void;
}

function HopRow({ index, entry, why, selected, minor, onSelect }: HopRowProps) {
  const hop = entry.trace.hops[index]!;
  const place = hopPlace(hop, entry.trace);
  const changes = natChanges(hop);
  const cls = [
    'trace-hop',
    `kind-${hop.kind}`,
    selected ? 'is-selected' : '',
    minor ? 'is-minor' : '',
  ].join(' ');
  return (
    <div
      id={`trace-hop-${index}`}
      role="option"
      aria-selected={selected}
      className={cls}
      onClick={() => onSelect(index)}
    >
      <div className="trace-hop-top">
        <span className="trace-time">{formatAt(hop.atMs)}</span>
        <span className={`trace-place place-${place.kind}`}>{place.label}</span>
        {place.detail ? <span className="trace-place-detail">{place.detail}</span> : null}
        <span className="trace-kind">{hop.kind}</span>
      </div>
      <div className="trace-what">{hop.what}</div>
      {hop.chain ? (
        <div className="trace-rule">
          <span className="trace-table">{hop.chain.table}</span>
          <code>{hop.chain.rule}</code>
        </div>
      ) : null}
      {changes.map((c) => (
        <div key={c.field} className="trace-nat">
          <span className="trace-nat-field">{c.field}</span> <code>{c.from}</code>
          {' → '}
          <code className="trace-nat-to">{c.to}</code>
        </div>
      ))}
      {why ? <p className="trace-why">{why}</p> : null}
    </div>
  );
}
