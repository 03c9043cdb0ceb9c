/**
 * The trace animation's controls in the Trace panel: replay, step back, play/pause, step
 * forward and speed. They drive the selected hop (the row the panel highlights and where the
 * graph's packet marker stands) with the pure `playback` reducer; a new trace starts playing.
 */
import { useCallback, useEffect } from 'react';
import type { PlaybackAction } from './playback';
import { SPEEDS, hopMs, playback, speedLabel, usePlayback } from './playback';
import { useTraceStore } from './trace-store';
import './packet.css';

export function PlaybackControls({
  entryId,
  visible,
}: {
  entryId: number;
  visible: readonly number[];
}) {
  const playing = usePlayback((s) => s.playing);
  const speed = usePlayback((s) => s.speed);
  const setSpeed = usePlayback((s) => s.setSpeed);
  const selected = useTraceStore((s) => s.selectedHop);

  const dispatch = useCallback(
    (action: PlaybackAction) => {
      const { selectedHop, selectHop } = useTraceStore.getState();
      const { playing: now, setPlaying } = usePlayback.getState();
      const next = playback({ hop: selectedHop, playing: now }, action, visible);
      selectHop(next.hop);
      setPlaying(next.playing);
    },
    [visible],
  );

  // A new trace (or another one picked from Recent) plays from its first hop.
  useEffect(() => {
    dispatch('start');
    // Only when the trace changes, not when the visible rows do.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entryId]);
  useEffect(() => () => usePlayback.getState().setPlaying(false), []);

  // One hop per HOP_MS / speed while playing; a row picked meanwhile is where it goes on from.
  useEffect(() => {
    if (!playing) return;
    const timer = setTimeout(() => dispatch('tick'), hopMs(speed));
    return () => clearTimeout(timer);
  }, [playing, speed, selected, dispatch]);

  const at = selected === undefined ? -1 : visible.indexOf(selected);
  return (
    <div className="trace-playback" role="toolbar" aria-label="Animation">
      <button
        type="button"
        className="trace-button"
        onClick={() => dispatch('replay')}
        title="Replay"
      >
        <span aria-hidden="true">⟲</span> Replay
      </button>
      <button
        type="button"
        className="trace-button"
        onClick={() => dispatch('back')}
        disabled={at <= 0}
        aria-label="Step back"
        title="Step back (previous hop)"
      >
        <span aria-hidden="true">❙◀</span>
      </button>
      <button
        type="button"
        className="trace-button trace-play"
        onClick={() => dispatch('toggle')}
        aria-label={playing ? 'Pause' : 'Play'}
        title={playing ? 'Pause' : 'Play'}
      >
        <span aria-hidden="true">{playing ? '❚❚' : '▶︎'}</span>
      </button>
      <button
        type="button"
        className="trace-button"
        onClick={() => dispatch('forward')}
        disabled={at >= visible.length - 1 && at >= 0}
        aria-label="Step forward"
        title="Step forward (next hop)"
      >
        <span aria-hidden="true">▶︎❙</span>
      </button>
      <div className="trace-speed" role="group" aria-label="Speed">
        {SPEEDS.map((s) => (
          <button
            key={s}
            type="button"
            className="trace-speed-button"
            aria-pressed={speed === s}
            onClick={() => setSpeed(s)}
          >
            {speedLabel(s)}
          </button>
        ))}
      </div>
      <span className="trace-playback-pos" aria-live="off">
        {at >= 0 ? `${at + 1}/${visible.length}` : `–/${visible.length}`}
      </span>
    </div>
  );
}
