/**
 * The Control plane panel: what the cluster did with the last apply, step by step. A lane
 * diagram of the components (the current step's sender and receiver lit, an arrow between
 * them), the step shown in plain words with its why (the scheduler's reasoning, the endpoints,
 * the kubelet's event) and, for kube-proxy, the node's rules as a diff; playback like the Trace
 * panel's (the same `playback` reducer); the steps as a listbox (↑/↓, Home/End).
 */
import type { KeyboardEvent } from 'react';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { usePlayground } from '../host/context';
import type { PlaybackAction } from '../trace/playback';
import { playback } from '../trace/playback';
import { PlaybackBar } from '../trace/PlaybackBar';
import { listKeyDelta, stepHop } from '../trace/trace-store';
import { bindControlPlane } from './control-plane-bridge';
import { useControlPlaneStore } from './control-plane-store';
import type { StoryView } from './control-plane-store';
import type { StoryStep } from './story';
import { chipLabel, laneLabel, lanesOf, receiversText } from './story';
import './control-plane.css';

/** Visual time per step at 1×. */
export const STEP_MS = 900;

function reducedMotion(): boolean {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

export function ControlPlanePane() {
  const host = usePlayground();
  useEffect(() => bindControlPlane(host), [host]);
  const enabled = useControlPlaneStore((s) => s.enabled);
  const setEnabled = useControlPlaneStore((s) => s.setEnabled);
  const story = useControlPlaneStore((s) => s.story);

  return (
    <div className="cp">
      <div className="cp-top">
        <label className="cp-switch">
          <input
            type="checkbox"
            role="switch"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          Animate applies
        </label>
        {story ? <StoryHead story={story} /> : null}
      </div>
      {story ? (
        <StoryBody story={story} />
      ) : (
        <p className="cp-empty">
          {enabled
            ? 'Apply a manifest (the editor’s Apply, or kubectl apply, create, delete, scale… at the terminal) to see how the control plane moves: kube-apiserver, etcd, the controllers, the scheduler, the kubelets and kube-proxy.'
            : 'Animate applies is off: applies are not followed, and the engine records nothing for this panel.'}
        </p>
      )}
    </div>
  );
}

function StoryHead({ story }: { story: StoryView }) {
  return (
    <div className="cp-head">
      <code className="cp-command" title={story.command}>
        {story.command}
      </code>
      <span className="cp-status">
        {story.collecting ? 'following…' : `${story.steps.length} steps`}
      </span>
    </div>
  );
}

function StoryBody({ story }: { story: StoryView }) {
  const step = useControlPlaneStore((s) => s.step);
  const current = step !== undefined ? story.steps[step] : undefined;
  return (
    <>
      {story.skipped ? (
        <p className="cp-skipped" role="status">
          {story.skipped} ({story.objects} objects written, {story.records} records.)
        </p>
      ) : null}
      <Lanes nodes={story.nodes} step={current} />
      <Playback story={story} />
      <div className="cp-main">
        {current ? <StepDetail step={current} startedAt={story.startedAt} /> : null}
        <StepList story={story} />
      </div>
    </>
  );
}

function Lanes({ nodes, step }: { nodes: readonly string[]; step: StoryStep | undefined }) {
  const lanes = lanesOf(nodes);
  const box = useRef<HTMLDivElement>(null);
  const [arrows, setArrows] = useState<Array<{ x1: number; y1: number; x2: number; y2: number }>>(
    [],
  );
  const receivers = step ? [step.to, ...(step.also ?? [])] : [];
  const key = step ? `${step.from}>${receivers.join(',')}` : '';

  useLayoutEffect(() => {
    const root = box.current;
    if (!root || !step) {
      setArrows([]);
      return;
    }
    const base = root.getBoundingClientRect();
    const centre = (lane: string) => {
      const el = root.querySelector<HTMLElement>(`[data-lane="${CSS.escape(lane)}"]`);
      if (!el) return undefined;
      const r = el.getBoundingClientRect();
      return { x: r.left - base.left + r.width / 2, y: r.top - base.top + r.height / 2, r };
    };
    const a = centre(step.from);
    const out: Array<{ x1: number; y1: number; x2: number; y2: number }> = [];
    if (a) {
      for (const lane of [step.to, ...(step.also ?? [])]) {
        const b = centre(lane);
        // Hidden (the tab is not up: every lane measures 0×0) or the same spot: no arrow.
        if (!b || (b.x === a.x && b.y === a.y) || a.r.width === 0 || b.r.width === 0) continue;
        // From the sender's edge to the receiver's edge, so the arrowhead stays visible.
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const len = Math.hypot(dx, dy) || 1;
        const pad = (r: DOMRect) =>
          Math.min(
            Math.abs(dx) > 0 ? r.width / 2 / Math.abs(dx / len) : Infinity,
            Math.abs(dy) > 0 ? r.height / 2 / Math.abs(dy / len) : Infinity,
          );
        const pa = pad(a.r) + 2;
        const pb = pad(b.r) + 4;
        out.push({
          x1: a.x + (dx / len) * pa,
          y1: a.y + (dy / len) * pa,
          x2: b.x - (dx / len) * pb,
          y2: b.y - (dy / len) * pb,
        });
      }
    }
    setArrows(out);
    // The lanes move only when the step or the nodes do.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, nodes]);

  const chip = (lane: string, label = chipLabel(lane)) => {
    const role = step?.from === lane ? 'from' : receivers.includes(lane) ? 'to' : undefined;
    return (
      <div key={lane} className="cp-lane" data-lane={lane} data-lit={role}>
        {label}
      </div>
    );
  };
  const description = step
    ? `${laneLabel(step.from)} → ${receiversText(receivers)}`
    : 'No step selected';
  return (
    <div className="cp-diagram" ref={box} role="img" aria-label={`Components: ${description}`}>
      <div className="cp-row">{lanes.api.map((l) => chip(l))}</div>
      <div className="cp-row cp-wrap">
        <div className="cp-card cp-kcm">
          <div className="cp-card-name">kube-controller-manager</div>
          <div className="cp-card-chips">{lanes.controllerManager.map((l) => chip(l))}</div>
        </div>
        {chip(lanes.scheduler)}
      </div>
      <div className="cp-row cp-nodes">
        {lanes.nodes.map((group, i) => (
          <div key={nodes[i]} className="cp-card cp-node">
            <div className="cp-card-name">{nodes[i]}</div>
            {group.map((l) => chip(l))}
          </div>
        ))}
      </div>
      <svg className="cp-arrows" aria-hidden="true">
        <defs>
          <marker
            id="cp-arrowhead"
            viewBox="0 0 10 10"
            refX="8"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className="cp-arrowhead" />
          </marker>
        </defs>
        {arrows.map((a, i) => (
          <line
            key={i}
            x1={a.x1}
            y1={a.y1}
            x2={a.x2}
            y2={a.y2}
            className={i === 0 ? 'cp-arrow' : 'cp-arrow cp-arrow-also'}
            markerEnd="url(#cp-arrowhead)"
          />
        ))}
      </svg>
    </div>
  );
}

function Playback({ story }: { story: StoryView }) {
  const playing = useControlPlaneStore((s) => s.playing);
  const speed = useControlPlaneStore((s) => s.speed);
  const step = useControlPlaneStore((s) => s.step);
  const setSpeed = useControlPlaneStore((s) => s.setSpeed);
  const count = story.steps.length;

  const dispatch = useCallback((action: PlaybackAction) => {
    const s = useControlPlaneStore.getState();
    const visible = Array.from({ length: s.story?.steps.length ?? 0 }, (_, i) => i);
    const next = playback({ hop: s.step, playing: s.playing }, action, visible);
    s.selectStep(next.hop);
    s.setPlaying(next.playing);
  }, []);

  // A new story starts at its first step, playing unless motion is reduced.
  useEffect(() => {
    if (reducedMotion()) useControlPlaneStore.getState().setPlaying(false);
  }, [story.id]);

  // One step per STEP_MS / speed; at the last step of a story still being followed, wait for more.
  useEffect(() => {
    if (!playing) return;
    if (step !== undefined && step >= count - 1 && story.collecting) return;
    const timer = setTimeout(() => dispatch('tick'), STEP_MS / speed);
    return () => clearTimeout(timer);
  }, [playing, speed, step, count, story.collecting, dispatch]);

  return (
    <PlaybackBar
      cls="cp"
      label="Control plane animation"
      unit="step"
      at={step ?? -1}
      count={count}
      playing={playing}
      speed={speed}
      onAction={dispatch}
      onSpeed={setSpeed}
    />
  );
}

function offset(at: number, startedAt: number): string {
  return `+${((at - startedAt) / 1000).toFixed(3)} s`;
}

function StepList({ story }: { story: StoryView }) {
  const step = useControlPlaneStore((s) => s.step);
  const select = useControlPlaneStore((s) => s.selectStep);
  const listRef = useRef<HTMLDivElement>(null);
  const visible = story.steps.map((_, i) => i);

  useEffect(() => {
    if (step === undefined) return;
    listRef.current?.querySelector(`#cp-step-${step}`)?.scrollIntoView?.({ block: 'nearest' });
  }, [step]);

  const onKeyDown = (e: KeyboardEvent) => {
    const delta = listKeyDelta(e.key);
    if (delta === 0) return;
    e.preventDefault();
    useControlPlaneStore.getState().setPlaying(false);
    select(stepHop(step, delta, visible));
  };

  return (
    <div
      ref={listRef}
      className="cp-list"
      role="listbox"
      aria-label="Steps"
      tabIndex={0}
      aria-activedescendant={step !== undefined ? `cp-step-${step}` : undefined}
      onKeyDown={onKeyDown}
    >
      {story.steps.map((s, i) => (
        <div
          key={i}
          id={`cp-step-${i}`}
          role="option"
          aria-selected={i === step}
          className={`cp-step${s.diff ? ' has-diff' : ''}`}
          onClick={() => {
            useControlPlaneStore.getState().setPlaying(false);
            select(i);
          }}
        >
          <span className="cp-step-time">{offset(s.at, story.startedAt)}</span>
          <span className="cp-step-what">{s.what}</span>
        </div>
      ))}
    </div>
  );
}

function StepDetail({ step, startedAt }: { step: StoryStep; startedAt: number }) {
  return (
    <div className="cp-detail" aria-label="Step detail" role="region">
      <p className="cp-detail-what">
        <span className="cp-detail-time">{offset(step.at, startedAt)}</span> {step.what}
      </p>
      {step.detail?.map((d, i) => (
        <p key={i} className="cp-detail-line">
          {d}
        </p>
      ))}
      {step.diff ? (
        <pre className="cp-diff" aria-label="Rules diff">
          {step.diff.map((d, i) => (
            <span key={i} className={d.op === '+' ? 'cp-add' : 'cp-del'}>
              {d.op}
              {d.text}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : null}
    </div>
  );
}
