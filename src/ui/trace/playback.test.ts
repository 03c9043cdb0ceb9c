import { describe, expect, test } from 'vitest';
import type { PlaybackAction, PlaybackState } from './playback';
import { HOP_MS, hopMs, playback, speedLabel } from './playback';

// Visible hops 0, 2, 3, 7 (1 and 4–6 are rules passed through, hidden).
const visible = [0, 2, 3, 7];
const at = (hop: number | undefined, playing = false): PlaybackState => ({ hop, playing });

describe('playback', () => {
  test.each<[string, PlaybackState, PlaybackAction, PlaybackState]>([
    ['start plays from the first hop', at(3), 'start', at(0, true)],
    ['replay plays from the first hop', at(7), 'replay', at(0, true)],
    ['play from nothing starts at the first hop', at(undefined), 'play', at(0, true)],
    ['play mid-way goes on from there', at(2), 'play', at(2, true)],
    ['play at the last hop starts over', at(7), 'play', at(0, true)],
    ['pause keeps the hop', at(3, true), 'pause', at(3)],
    ['toggle pauses while playing', at(3, true), 'toggle', at(3)],
    ['toggle plays while paused', at(3), 'toggle', at(3, true)],
    ['tick moves to the next visible hop', at(0, true), 'tick', at(2, true)],
    ['tick onto the last hop stops there', at(3, true), 'tick', at(7)],
    ['tick at the last hop stops', at(7, true), 'tick', at(7)],
    ['tick while paused does nothing', at(2), 'tick', at(2)],
    ['tick from a hidden hop goes to the next visible one', at(5, true), 'tick', at(7)],
    ['forward steps and pauses', at(2, true), 'forward', at(3)],
    ['forward from nothing selects the first hop', at(undefined), 'forward', at(0)],
    ['forward at the last hop stays', at(7), 'forward', at(7)],
    ['back steps and pauses', at(3, true), 'back', at(2)],
    ['back at the first hop stays', at(0), 'back', at(0)],
    ['back from a hidden hop goes to the visible one before', at(5), 'back', at(2)],
  ])('%s', (_, state, action, expected) => {
    expect(playback(state, action, visible)).toEqual(expected);
  });

  test('with no visible hops nothing is selected and nothing plays', () => {
    expect(playback(at(2, true), 'play', [])).toEqual(at(undefined));
  });

  test('a hop takes HOP_MS at 1×, scaled by the speed', () => {
    expect(HOP_MS).toBe(400);
    expect([hopMs(0.25), hopMs(0.5), hopMs(1), hopMs(2), hopMs(4)]).toEqual([
      1600, 800, 400, 200, 100,
    ]);
    expect(speedLabel(0.25)).toBe('0.25×');
  });
});
