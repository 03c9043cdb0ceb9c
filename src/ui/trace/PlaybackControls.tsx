/**
 * The trace animation's controls in the Trace panel: replay, step back, play/pause, step
 * forward and speed. They drive the selected hop (the row the panel highlights and where the
 * graph's packet marker stands) with the pure `playback` reducer; a new trace starts playing.
 */
import { useCallback, useEffect } from 'react';
import type { PlaybackAction } from './playback';
import { hopMs, playback, usePlayback } from './playback';
import { PlaybackBar } from './PlaybackBar';
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
    <PlaybackBar
      cls="trace"
      label="Animation"
      unit="hop"
      at={at}
      count={visible.length}
      playing={playing}
      speed={speed}
      onAction={dispatch}
      onSpeed={setSpeed}
    />
  );
}
