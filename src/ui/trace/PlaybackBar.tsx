/**
 * The playback toolbar both animations share — the Trace panel's hops and the Control plane
 * panel's steps: Replay, Step back, Play/Pause, Step forward, the speeds (0.25×–4×) and where
 * it is (`3/20`). Presentational: the caller owns the state and turns `onAction` into its
 * `playback` reducer's action. `cls` is the panel's class prefix (`trace`, `cp`).
 */
import type { PlaybackAction, Speed } from './playback';
import { SPEEDS, speedLabel } from './playback';

export interface PlaybackBarProps {
  /** The toolbar's accessible name. */
  label: string;
  /** What one step is, for the buttons' titles: `hop`, `step`. */
  unit: string;
  /** The current position among `count` (−1: none yet). */
  at: number;
  count: number;
  playing: boolean;
  speed: Speed;
  onAction(action: PlaybackAction): void;
  onSpeed(speed: Speed): void;
  cls: string;
}

export function PlaybackBar(p: PlaybackBarProps) {
  const { cls, at, count } = p;
  return (
    <div className={`${cls}-playback`} role="toolbar" aria-label={p.label}>
      <button
        type="button"
        className={`${cls}-button`}
        onClick={() => p.onAction('replay')}
        title="Replay"
      >
        <span aria-hidden="true">⟲</span> Replay
      </button>
      <button
        type="button"
        className={`${cls}-button`}
        onClick={() => p.onAction('back')}
        disabled={at <= 0}
        aria-label="Step back"
        title={`Step back (previous ${p.unit})`}
      >
        <span aria-hidden="true">❙◀</span>
      </button>
      <button
        type="button"
        className={`${cls}-button ${cls}-play`}
        onClick={() => p.onAction('toggle')}
        aria-label={p.playing ? 'Pause' : 'Play'}
        title={p.playing ? 'Pause' : 'Play'}
      >
        <span aria-hidden="true">{p.playing ? '❚❚' : '▶︎'}</span>
      </button>
      <button
        type="button"
        className={`${cls}-button`}
        onClick={() => p.onAction('forward')}
        // From nothing selected, Step forward selects the first.
        disabled={count === 0 || (at >= 0 && at >= count - 1)}
        aria-label="Step forward"
        title={`Step forward (next ${p.unit})`}
      >
        <span aria-hidden="true">▶︎❙</span>
      </button>
      <div className={`${cls}-speed`} role="group" aria-label="Speed">
        {SPEEDS.map((s) => (
          <button
            key={s}
            type="button"
            className={`${cls}-speed-button`}
            aria-pressed={p.speed === s}
            onClick={() => p.onSpeed(s)}
          >
            {speedLabel(s)}
          </button>
        ))}
      </div>
      <span className={`${cls}-pos`} aria-live="off">
        {at >= 0 ? `${at + 1}/${count}` : `–/${count}`}
      </span>
    </div>
  );
}
