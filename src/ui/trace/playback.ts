/**
 * The trace animation's playback: which hop the marker is at (the trace panel's selected hop) and
 * whether it moves on by itself. A pure reducer over the visible hop indexes (the rows the panel
 * shows), so that stepping, playing and clicking a row all agree on one "current hop".
 *
 * Timing is visual, not virtual: a hop's virtual time is a fraction of a millisecond, so every
 * hop gets HOP_MS at 1× whatever its `atMs`.
 */
import { create } from 'zustand';

/** Visual time per hop at 1×. */
export const HOP_MS = 400;
export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;
export type Speed = (typeof SPEEDS)[number];

export interface PlaybackState {
  /** The hop the marker is at (an index into the trace's hops), or none. */
  hop: number | undefined;
  playing: boolean;
}

export type PlaybackAction =
  /** A new trace arrived: start from its first hop, playing. */
  | 'start'
  | 'play'
  | 'pause'
  | 'toggle'
  /** The timer ran out: the next hop, or stop at the last. */
  | 'tick'
  | 'forward'
  | 'back'
  | 'replay';

export function hopMs(speed: Speed): number {
  return HOP_MS / speed;
}

/**
 * The state after `action`, stepping among `visible` (ascending hop indexes). Stepping by hand
 * pauses; play at the last hop starts over; a tick at the last hop stops.
 */
export function playback(
  state: PlaybackState,
  action: PlaybackAction,
  visible: readonly number[],
): PlaybackState {
  const first = visible[0];
  const last = visible[visible.length - 1];
  if (first === undefined || last === undefined) return { hop: undefined, playing: false };
  const at = state.hop === undefined ? -1 : position(state.hop, visible);
  switch (action) {
    case 'start':
    case 'replay':
      return { hop: first, playing: true };
    case 'play':
      if (state.hop === undefined || at >= visible.length - 1) return { hop: first, playing: true };
      return { hop: state.hop, playing: true };
    case 'pause':
      return { hop: state.hop, playing: false };
    case 'toggle':
      return playback(state, state.playing ? 'pause' : 'play', visible);
    case 'tick': {
      if (!state.playing) return state;
      if (at >= visible.length - 1) return { hop: last, playing: false };
      const next = visible[at + 1]!;
      return { hop: next, playing: next !== last };
    }
    case 'forward':
      return { hop: visible[Math.min(visible.length - 1, at + 1)], playing: false };
    case 'back':
      return { hop: visible[Math.max(0, at - 1)], playing: false };
  }
}

/**
 * Where `hop` stands among `visible`: its position, or for a hidden hop the position of the
 * last visible hop before it (−1 when none), so that the next step goes to the one after it.
 */
function position(hop: number, visible: readonly number[]): number {
  let pos = -1;
  for (let i = 0; i < visible.length && visible[i]! <= hop; i++) pos = i;
  return pos;
}

/** The panel's playback controls: playing and speed (the hop itself is the selected row). */
export interface PlaybackSettings {
  playing: boolean;
  speed: Speed;
  setPlaying(playing: boolean): void;
  setSpeed(speed: Speed): void;
}

export const usePlayback = create<PlaybackSettings>()((set) => ({
  playing: false,
  speed: 1,
  setPlaying: (playing) => set({ playing }),
  setSpeed: (speed) => set({ speed }),
}));

/** `0.25×`. */
export function speedLabel(speed: Speed): string {
  return `${speed}×`;
}
