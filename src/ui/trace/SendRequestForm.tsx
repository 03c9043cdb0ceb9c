import type { FormEvent, KeyboardEvent } from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { usePlayground } from '../host/context';
import { useThrottledObjects } from '../inspector/useThrottledObjects';
import type { ChoiceGroup } from './request-form';
import {
  METHODS,
  buildRequest,
  fromChoices,
  ingressRoute,
  targetChoices,
  urlForPick,
} from './request-form';
import { useTargetPick } from './target-pick';
import { useClusterStore } from '../state/cluster-store';
import { LOAD_COUNTS } from './load';
import { startLoad, useLoadStore } from './load-bridge';
import { LoadChart } from './LoadChart';
import { sendFromForm } from './trace-bridge';
import { useTraceStore } from './trace-store';

/** How often (real time) the form's choices follow the cluster. */
const REFRESH_MS = 500;

/**
 * Send request: who sends (a pod, a node, the outside client), to where (typed, or picked from
 * the cluster's Services, NodePorts and pods), the method and Host header. Send runs
 * `cluster.request(...)` and shows the trace below. Every control is labelled; Escape closes.
 */
export function SendRequestForm() {
  const host = usePlayground();
  const objects = useThrottledObjects(REFRESH_MS);
  // The sender lives in the store: "Send request from sb" (TraceSide) sets it too.
  const from = useTraceStore((s) => s.formFrom);
  const setFrom = useTraceStore((s) => s.setFormFrom);
  const setFormOpen = useTraceStore((s) => s.setFormOpen);
  const senders = useMemo(() => fromChoices(objects), [objects]);
  const targets = useMemo(() => targetChoices(objects), [objects]);
  const [url, setUrl] = useState('');
  const [target, setTarget] = useState('');
  const [method, setMethod] = useState('GET');
  const [hostHeader, setHostHeader] = useState('');
  const [error, setError] = useState('');
  const loading = useLoadStore((s) => s.running);
  const fromRef = useRef<HTMLSelectElement>(null);
  const urlRef = useRef<HTMLInputElement>(null);
  useEffect(() => fromRef.current?.focus(), []);
  const picking = useTargetPick((s) => s.picking);
  const setPicking = useTargetPick((s) => s.setPicking);
  // A card picked on the graph becomes the URL (for the sender chosen at that moment).
  useEffect(
    () =>
      useTargetPick.subscribe((s, prev) => {
        if (!s.picked || s.picked === prev.picked) return;
        const { ref } = s.picked;
        const sender = useTraceStore.getState().formFrom;
        const picks = urlForPick(ref, useClusterStore.getState().objects, sender);
        if (picks) {
          setUrl(picks);
          setTarget('');
          setError('');
        } else setError(`${ref.kind} ${ref.name} has no address to send to yet.`);
        urlRef.current?.focus();
      }),
    [],
  );
  // Closing the form ends a pick in progress.
  useEffect(() => () => useTargetPick.getState().setPicking(false), []);

  /** The form's request, or undefined (and the error shown). */
  // An Ingress host typed in the URL goes to the ingress controller, with the Host header.
  const viaIngress = hostHeader.trim() === '' ? ingressRoute(url, from, objects) : undefined;
  const request = () => {
    const r = buildRequest(
      viaIngress
        ? { from, url: viaIngress.url, method, host: viaIngress.host }
        : { from, url, method, host: hostHeader },
    );
    setError(typeof r === 'string' ? r : '');
    return typeof r === 'string' ? undefined : r;
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = request();
    if (r) sendFromForm(host, r);
  };
  const load = (count: number) => {
    const r = request();
    if (r) startLoad(host, r, count);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setFormOpen(false);
    }
  };

  return (
    <>
      <form
        id="trace-send-form"
        className="trace-form"
        aria-label="Send request"
        onSubmit={submit}
        onKeyDown={onKeyDown}
      >
        <label className="trace-field">
          <span>From</span>
          <select ref={fromRef} value={from} onChange={(e) => setFrom(e.target.value)}>
            <Options groups={senders} />
          </select>
        </label>
        <label className="trace-field">
          <span>Target</span>
          <select
            value={target}
            onChange={(e) => {
              setTarget(e.target.value);
              if (e.target.value) setUrl(e.target.value);
            }}
          >
            <option value="">Pick a Service, NodePort or pod…</option>
            <Options groups={targets} />
          </select>
        </label>
        <label className="trace-field">
          <span>URL</span>
          <input
            ref={urlRef}
            aria-describedby={viaIngress ? 'trace-ingress-note' : undefined}
            type="text"
            value={url}
            spellCheck={false}
            autoComplete="off"
            placeholder="http://10.96.0.1/ · 192.168.100.11:30080 · http://nginx/"
            onChange={(e) => {
              setUrl(e.target.value);
              setTarget('');
            }}
          />
        </label>
        <div className="trace-pick-row">
          <button
            type="button"
            className="trace-button trace-pick"
            aria-pressed={picking}
            onClick={() => setPicking(!picking)}
          >
            Pick on graph
          </button>
          {picking ? (
            <span className="trace-pick-hint" role="status">
              Click a Service, pod or node in the graph
            </span>
          ) : null}
        </div>
        <div className="trace-form-row">
          <label className="trace-field trace-field-method">
            <span>Method</span>
            <select value={method} onChange={(e) => setMethod(e.target.value)}>
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <label className="trace-field">
            <span>Host header</span>
            <input
              type="text"
              value={hostHeader}
              spellCheck={false}
              autoComplete="off"
              placeholder="from the URL"
              onChange={(e) => setHostHeader(e.target.value)}
            />
          </label>
        </div>
        {viaIngress ? (
          <p className="trace-form-note" id="trace-ingress-note">
            {viaIngress.host} is a host of Ingress {viaIngress.ingress}: sent to the ingress
            controller as <code>{`curl -H 'Host: ${viaIngress.host}' ${viaIngress.url}`}</code>
          </p>
        ) : null}
        {error ? (
          <p className="trace-form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="trace-form-actions">
          <button type="submit" className="trace-button trace-button-primary">
            Send
          </button>
          <button type="button" className="trace-button" onClick={() => setFormOpen(false)}>
            Close
          </button>
        </div>
        <div className="load-actions" role="group" aria-label="Load">
          <span aria-hidden="true">Load</span>
          {LOAD_COUNTS.map((n) => (
            <button
              key={n}
              type="button"
              className="trace-button"
              disabled={loading}
              onClick={() => load(n)}
            >
              Load {n.toLocaleString('en-US')}
            </button>
          ))}
        </div>
      </form>
      <LoadChart />
    </>
  );
}

function Options({ groups }: { groups: readonly ChoiceGroup[] }) {
  return (
    <>
      {groups.map((g) => (
        <optgroup key={g.label} label={g.label}>
          {g.choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}
