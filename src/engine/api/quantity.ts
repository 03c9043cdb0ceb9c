/**
 * resource.Quantity: the numbers in `resources.requests`, `status.allocatable` and friends.
 *
 * Models k8s.io/apimachinery pkg/api/resource (quantity.go ParseQuantity / parseQuantityString,
 * suffix.go, amount.go AsCanonicalBytes / AsCanonicalBase1024Bytes, Quantity.String):
 *  - `<sign><digits>[.<digits>]<suffix>` with decimal SI suffixes `n u m "" k M G T P E`, binary
 *    suffixes `Ki Mi Gi Ti Pi Ei`, or a decimal exponent `e3` / `E-2`;
 *  - values are exact (BigInt nano-units here, inf.Dec upstream) and anything finer than 1n is
 *    rounded up, away from zero, as the API server does (`0.1n` → `1n`);
 *  - `Value()` / `MilliValue()` round up, away from zero;
 *  - the canonical string (what `kubectl get -o yaml` and `kubectl describe` print) keeps the
 *    format family of the input: `1.5` → `1500m`, `2000` → `2k`, `1024Mi` → `1Gi`, `1.5Gi` →
 *    `1536Mi`, `1e3` → `1e3`; BinarySI values under 1024 or with a fraction print as DecimalSI.
 *
 * Simplified: exponents beyond ±1000 are refused as numeric errors (upstream accepts any int32
 * exponent and would compute with arbitrary precision); values are converted to JS numbers for
 * arithmetic, so amounts past 2^53 (about 8 PiB of bytes) lose precision in the scheduler's sums.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The exact value × 10^9 (nano-units). */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

/** apimachinery ErrFormatWrong: what the API server says about `cpu: abc`. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** apimachinery ErrNumeric. */
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
/** apimachinery ErrSuffix: `1K`, `1e`, `1Ki2`. */
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityParseError extends Error {
  override readonly name = 'QuantityParseError';
}

const NANO = 1_000_000_000n;
const SUFFIX_CHARS = 'eEinumkKMGTP';
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};
const DECIMAL_SUFFIX_BY_EXPONENT = new Map(
  Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s] as const),
);
const BINARY_SUFFIX_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Divide rounding away from zero (inf.RoundUp). */
function divAwayFromZero(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a < 0n ? q - 1n : q + 1n;
}

/**
 * Parse a quantity exactly as the API server decodes one. Throws QuantityParseError with
 * apimachinery's message. A number (YAML `cpu: 2`) is read as its decimal text.
 */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === 'number' ? numberText(input) : input;
  if (str.length === 0) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  if (str === '0') return { nanos: 0n, format: 'DecimalSI' };

  // parseQuantityString: sign, numerator, optional denominator, suffix.
  let pos = 0;
  const end = str.length;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  const numStart = pos;
  while (pos < end && isDigit(str[pos])) pos++;
  const num = str.slice(numStart, pos);
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < end && isDigit(str[pos])) pos++;
    denom = str.slice(denomStart, pos);
  }
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos] as string)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  const suffix = str.slice(suffixStart);

  // suffixer.interpret
  let base: 2 | 10 = 10;
  let exponent: number;
  let format: QuantityFormat;
  if (suffix in DECIMAL_SUFFIXES) {
    exponent = DECIMAL_SUFFIXES[suffix] as number;
    format = 'DecimalSI';
  } else if (suffix in BINARY_SUFFIXES) {
    base = 2;
    exponent = BINARY_SUFFIXES[suffix] as number;
    format = 'BinarySI';
  } else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    if (!/^[-+]?\d+$/.test(suffix.slice(1))) throw new QuantityParseError(QUANTITY_SUFFIX_ERROR);
    exponent = Number(suffix.slice(1));
    if (Math.abs(exponent) > 1000) throw new QuantityParseError(QUANTITY_NUMERIC_ERROR);
    format = 'DecimalExponent';
  } else {
    throw new QuantityParseError(QUANTITY_SUFFIX_ERROR);
  }

  const mantissa = BigInt((num || '0') + denom);
  const decimalExponent = 9 - denom.length + (base === 10 ? exponent : 0);
  let scaled = base === 2 ? mantissa << BigInt(exponent) : mantissa;
  if (decimalExponent >= 0) scaled *= pow10(decimalExponent);
  else scaled = divAwayFromZero(scaled, pow10(-decimalExponent));
  return { nanos: positive ? scaled : -scaled, format };
}

/** parseQuantity, or undefined for anything that is not a valid quantity (or not a string/number). */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  try {
    return parseQuantity(input);
  } catch {
    return undefined;
  }
}

function numberText(n: number): string {
  // YAML `cpu: 0.5` arrives as a number; its shortest decimal text is what the user wrote.
  const s = String(n);
  return s.includes('e') ? n.toFixed(9).replace(/\.?0+$/, '') : s;
}

/** Quantity.Value(): the value rounded up (away from zero) to an integer. */
export function quantityValue(q: Quantity): number {
  return Number(divAwayFromZero(q.nanos, NANO));
}

/** Quantity.MilliValue(): the value × 1000 rounded up (away from zero). */
export function quantityMilliValue(q: Quantity): number {
  return Number(divAwayFromZero(q.nanos, 1_000_000n));
}

/** A quantity from an integer value (bytes, pods) in the given format. */
export function quantityFromValue(value: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(Math.trunc(value)) * NANO, format };
}

/** A quantity from an integer number of milli-units (millicores). */
export function quantityFromMilli(milli: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(Math.trunc(milli)) * 1_000_000n, format };
}

/** Quantity.String(): the canonical form kubectl prints. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const negative = q.nanos < 0n;
  const abs = negative ? -q.nanos : q.nanos;
  const sign = negative ? '-' : '';
  let format = q.format;
  if (format === 'BinarySI' && (abs < 1024n * NANO || abs % NANO !== 0n)) format = 'DecimalSI';

  if (format === 'BinarySI') {
    let value = abs / NANO;
    let power = 0;
    while (power < BINARY_SUFFIX_BY_POWER.length - 1 && value % 1024n === 0n) {
      value /= 1024n;
      power++;
    }
    return `${sign}${value}${BINARY_SUFFIX_BY_POWER[power]}`;
  }

  // AsCanonicalBytes: strip factors of ten, then step the exponent down to a multiple of three.
  let mantissa = abs;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const r = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(r);
  exponent -= r;
  if (format === 'DecimalExponent') {
    return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  }
  if (exponent > 18) {
    mantissa *= pow10(exponent - 18);
    exponent = 18;
  }
  return `${sign}${mantissa}${DECIMAL_SUFFIX_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** The canonical text of a quantity string (`1.5` → `1500m`), or the input if it does not parse. */
export function canonicalQuantity(input: string | number): string {
  const q = tryParseQuantity(input);
  return q ? formatQuantity(q) : String(input);
}

// ------------------------------------------------------------------ memoized conversions
// The scheduler reads the same few quantity strings (`100m`, `128Mi`, `2`) thousands of times.

const MEMO_LIMIT = 10_000;
const milliMemo = new Map<string, number>();
const valueMemo = new Map<string, number>();

function memo(map: Map<string, number>, input: unknown, fn: (q: Quantity) => number): number {
  if (input === undefined || input === null) return 0;
  const key = typeof input === 'number' ? numberText(input) : String(input);
  const hit = map.get(key);
  if (hit !== undefined) return hit;
  const q = tryParseQuantity(key);
  const v = q ? fn(q) : 0;
  if (map.size >= MEMO_LIMIT) map.clear();
  map.set(key, v);
  return v;
}

/** Millicores of a cpu quantity (`500m` → 500, `2` → 2000); 0 when absent or invalid. */
export function milliCpu(input: unknown): number {
  return memo(milliMemo, input, quantityMilliValue);
}

/** The integer value of a quantity (`128Mi` → 134217728, `110` → 110); 0 when absent or invalid. */
export function quantityInt(input: unknown): number {
  return memo(valueMemo, input, quantityValue);
}

/** Millicores as kubectl prints a cpu amount: 250 → `250m`, 2000 → `2`, 1500 → `1500m`. */
export function formatMilliCpu(milli: number): string {
  return formatQuantity(quantityFromMilli(milli));
}

/** Bytes as kubectl prints memory: 134217728 → `128Mi`, 0 → `0`, 1000 (DecimalSI) → `1k`. */
export function formatBytes(bytes: number, format: QuantityFormat = 'BinarySI'): string {
  return formatQuantity(quantityFromValue(bytes, format));
}
