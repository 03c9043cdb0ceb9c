import { describe, expect, test } from 'vitest';
import { ageOf, humanDuration } from './duration';
import { EPOCH_MS, formatTimestamp } from '../../sim/clock';

// k8s-reference §7.3: apimachinery duration.HumanDuration, with its checked examples.
describe('humanDuration', () => {
  test.each([
    [-5_000, '<invalid>'],
    [-2_000, '<invalid>'],
    [-1_500, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [16_000, '16s'],
    [90_000, '90s'],
    [119_999, '119s'],
    [120_000, '2m'],
    [125_000, '2m5s'],
    [370_000, '6m10s'],
    [599_000, '9m59s'],
    [600_000, '10m'],
    [660_000, '11m'],
    [179 * 60_000, '179m'],
    [180 * 60_000, '3h'],
    [11_100_000, '3h5m'],
    [28_800_000, '8h'],
    [47 * 3_600_000, '47h'],
    [172_800_000, '2d'],
    [190_800_000, '2d5h'],
    [691_200_000, '8d'],
    [400 * 86_400_000, '400d'],
    [730 * 86_400_000, '2y'],
    [(730 + 10) * 86_400_000, '2y10d'],
    [8 * 365 * 86_400_000, '8y'],
    [20 * 365 * 86_400_000, '20y'],
  ])('%i ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('ageOf', () => {
  test('measures from an RFC 3339 timestamp to now', () => {
    expect(ageOf(formatTimestamp(EPOCH_MS), EPOCH_MS + 41_000)).toBe('41s');
    expect(ageOf('2024-06-03T08:00:00.500000Z', EPOCH_MS + 10 * 60_000)).toBe('9m59s');
  });
  test.each([[undefined], [''], ['yesterday']])('%s → <unknown>', (ts) => {
    expect(ageOf(ts, EPOCH_MS)).toBe('<unknown>');
  });
});
