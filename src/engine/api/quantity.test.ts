import { describe, expect, it } from 'vitest';
import {
  canonicalQuantity,
  formatBytes,
  formatMilliCpu,
  milliCpu,
  parseQuantity,
  QUANTITY_FORMAT_ERROR,
  QUANTITY_SUFFIX_ERROR,
  quantityInt,
  quantityMilliValue,
  quantityValue,
  tryParseQuantity,
} from './quantity';

describe('parseQuantity', () => {
  // input, Value(), MilliValue(), canonical String(), format
  const table: Array<[string | number, number, number, string, string]> = [
    ['500m', 1, 500, '500m', 'DecimalSI'],
    ['2', 2, 2000, '2', 'DecimalSI'],
    [2, 2, 2000, '2', 'DecimalSI'],
    [0.5, 1, 500, '500m', 'DecimalSI'],
    ['0.1', 1, 100, '100m', 'DecimalSI'],
    ['1.5', 2, 1500, '1500m', 'DecimalSI'],
    ['.5', 1, 500, '500m', 'DecimalSI'],
    ['0.25', 1, 250, '250m', 'DecimalSI'],
    ['128Mi', 134217728, 134217728000, '128Mi', 'BinarySI'],
    ['1Gi', 1073741824, 1073741824000, '1Gi', 'BinarySI'],
    ['1024Mi', 1073741824, 1073741824000, '1Gi', 'BinarySI'],
    ['1.5Gi', 1610612736, 1610612736000, '1536Mi', 'BinarySI'],
    ['0.5Gi', 536870912, 536870912000, '512Mi', 'BinarySI'],
    ['4Gi', 4294967296, 4294967296000, '4Gi', 'BinarySI'],
    ['1Ki', 1024, 1024000, '1Ki', 'BinarySI'],
    ['512Ki', 524288, 524288000, '512Ki', 'BinarySI'],
    // BinarySI under 1024 prints as DecimalSI.
    ['0.5Ki', 512, 512000, '512', 'BinarySI'],
    ['61202244Ki', 62671097856, 62671097856000, '61202244Ki', 'BinarySI'],
    ['1e3', 1000, 1000000, '1e3', 'DecimalExponent'],
    ['1E3', 1000, 1000000, '1e3', 'DecimalExponent'],
    ['1e-3', 1, 1, '1e-3', 'DecimalExponent'],
    ['1500e0', 1500, 1500000, '1500', 'DecimalExponent'],
    ['1k', 1000, 1000000, '1k', 'DecimalSI'],
    ['1000', 1000, 1000000, '1k', 'DecimalSI'],
    ['1500', 1500, 1500000, '1500', 'DecimalSI'],
    ['10000000', 10000000, 10000000000, '10M', 'DecimalSI'],
    ['100M', 100000000, 100000000000, '100M', 'DecimalSI'],
    ['1G', 1000000000, 1000000000000, '1G', 'DecimalSI'],
    ['1.G', 1000000000, 1000000000000, '1G', 'DecimalSI'],
    ['1E', 1e18, 1e21, '1E', 'DecimalSI'],
    ['10u', 1, 1, '10u', 'DecimalSI'],
    ['1n', 1, 1, '1n', 'DecimalSI'],
    // Finer than a nano-unit rounds up to 1n, as the API server stores it.
    ['0.1n', 1, 1, '1n', 'DecimalSI'],
    ['0', 0, 0, '0', 'DecimalSI'],
    ['0m', 0, 0, '0', 'DecimalSI'],
    ['+2', 2, 2000, '2', 'DecimalSI'],
    ['-1', -1, -1000, '-1', 'DecimalSI'],
    ['-1.5', -2, -1500, '-1500m', 'DecimalSI'],
    ['110', 110, 110000, '110', 'DecimalSI'],
    ['3500m', 4, 3500, '3500m', 'DecimalSI'],
  ];
  it.each(table)('%s → Value %d, MilliValue %d, String %s', (input, value, milli, text, fmt) => {
    const q = parseQuantity(input);
    expect(quantityValue(q)).toBe(value);
    expect(quantityMilliValue(q)).toBe(milli);
    expect(canonicalQuantity(input)).toBe(text);
    expect(q.format).toBe(fmt);
  });

  const errors: Array<[string, string]> = [
    ['', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['12x', QUANTITY_FORMAT_ERROR],
    ['1Mb', QUANTITY_FORMAT_ERROR],
    ['1.5.5', QUANTITY_FORMAT_ERROR],
    ['1 Gi', QUANTITY_FORMAT_ERROR],
    ['1K', QUANTITY_SUFFIX_ERROR],
    ['1e', QUANTITY_SUFFIX_ERROR],
    ['1Ki2', QUANTITY_SUFFIX_ERROR],
    ['1mi', QUANTITY_SUFFIX_ERROR],
  ];
  it.each(errors)('%j is rejected with the apimachinery message', (input, message) => {
    expect(() => parseQuantity(input)).toThrow(message);
    expect(tryParseQuantity(input)).toBe(undefined);
  });

  it('tryParseQuantity refuses non-quantity values', () => {
    expect(tryParseQuantity(undefined)).toBe(undefined);
    expect(tryParseQuantity({ cpu: 1 })).toBe(undefined);
  });
});

describe('memoized conversions', () => {
  it('milliCpu and quantityInt read strings and numbers, 0 when absent or invalid', () => {
    expect([
      milliCpu('250m'),
      milliCpu(1),
      milliCpu('2'),
      milliCpu(undefined),
      milliCpu('x'),
    ]).toEqual([250, 1000, 2000, 0, 0]);
    expect([quantityInt('200Mi'), quantityInt('110'), quantityInt(undefined)]).toEqual([
      209715200, 110, 0,
    ]);
  });
});

describe('formatting as kubectl prints', () => {
  const cpu: Array<[number, string]> = [
    [0, '0'],
    [100, '100m'],
    [850, '850m'],
    [1000, '1'],
    [1500, '1500m'],
    [2000, '2'],
    [64000, '64'],
  ];
  it.each(cpu)('%d millicores → %s', (m, text) => expect(formatMilliCpu(m)).toBe(text));

  const mem: Array<[number, string]> = [
    [0, '0'],
    [73400320, '70Mi'],
    [251658240, '240Mi'],
    [4294967296, '4Gi'],
    [1000, '1k'],
    [1536, '1536'],
    [2048, '2Ki'],
  ];
  it.each(mem)('%d bytes → %s', (b, text) => expect(formatBytes(b)).toBe(text));

  it('DecimalSI bytes keep decimal suffixes', () => {
    expect(formatBytes(100_000_000, 'DecimalSI')).toBe('100M');
  });
});
