import { describe, expect, test } from 'vitest';
import { goDuration, parseGoDuration } from './go-duration';

describe('parseGoDuration (time.ParseDuration, in ms)', () => {
  test.each([
    ['0', 0],
    ['0s', 0],
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['250ms', 250],
    ['-1s', -1000],
  ])('%s', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
  test.each([
    ['5', 'time: missing unit in duration "5"'],
    ['30', 'time: missing unit in duration "30"'],
    ['soon', 'time: invalid duration "soon"'],
    ['abc', 'time: invalid duration "abc"'],
    ['', 'time: invalid duration ""'],
    ['3d', 'time: unknown unit "d" in duration "3d"'],
  ])('%s fails', (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
  });
});

describe('goDuration (Duration.String)', () => {
  test.each([
    [0, '0s'],
    [500, '500ms'],
    [5_000, '5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
  ])('%d ms = %s', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });
});
