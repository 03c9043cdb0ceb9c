/**
 * The small formatters every describer shares: labels and annotations over several lines,
 * tolerations and taints, RFC 1123 times, label selectors, quantities, int-or-string.
 *
 * Models kubectl pkg/describe/describe.go (printLabelsMultilineWithIndent,
 * printAnnotationsMultiline, printTolerationsMultilineWithIndent, printTaintsMultilineWithIndent,
 * translateTimestampSince) and apimachinery's labels.FormatLabels, metav1.FormatLabelSelector,
 * resource.Quantity.String, intstr.String, Taint.ToString.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { Taint, Toleration } from 'kubernetes-types/core/v1';
import { formatQuantity, tryParseQuantity } from '../../api/quantity';
import type { Quantity } from '../../api/quantity';
import { fromLabelSelector } from '../../api/selectors';
import { formatTimestamp, parseTimestamp } from '../../sim/clock';
import { ageOf } from '../printers/duration';
import type { PrefixWriter } from './prefix-writer';
import { LEVEL_0 } from './prefix-writer';

/** corev1.LastAppliedConfigAnnotation: describe never prints it (describe.go skipAnnotations). */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Longest `key: value` annotation printed on one line (describe.go maxAnnotationLen). */
const MAX_ANNOTATION_LEN = 140;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Go's time.RFC1123Z layout in UTC: `Mon, 03 Jun 2024 08:10:00 +0000`. A zero or unreadable
 * timestamp prints as Go's zero time does.
 */
export function rfc1123z(timestamp: string | undefined | null): string {
  const ms = timestamp ? parseTimestamp(timestamp) : NaN;
  if (Number.isNaN(ms)) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const iso = formatTimestamp(ms); // 2024-06-03T08:10:00Z
  const days = Math.floor(ms / 86_400_000);
  const weekday = DAYS[(((days + 4) % 7) + 7) % 7]!; // 1970-01-01 was a Thursday
  const month = MONTHS[Number(iso.slice(5, 7)) - 1]!;
  return `${weekday}, ${iso.slice(8, 10)} ${month} ${iso.slice(0, 4)} ${iso.slice(11, 19)} +0000`;
}

/** translateTimestampSince: `16s`, `2m5s`, `<unknown>` for an absent time. */
export function since(timestamp: string | undefined | null, now: number): string {
  return ageOf(timestamp, now);
}

/** Sorted `key=value` pairs joined by commas, `<none>` when empty (labels.FormatLabels). */
export function formatLabels(map: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(map ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${map![k]}`).join(',');
}

/** LabelSelectorAsSelector(sel).String(): `app=web,tier in (a,b)`; empty for `{}`. */
export function selectorString(sel: LabelSelector | undefined): string {
  if (!sel) return '';
  return fromLabelSelector(sel).toString();
}

/** metav1.FormatLabelSelector: the selector string, `<none>` when it is empty. */
export function formatLabelSelector(sel: LabelSelector | undefined): string {
  const s = selectorString(sel);
  return s === '' ? '<none>' : s;
}

/** intstr.IntOrString.String(): the number or the string as is. */
export function intOrString(v: number | string | undefined): string {
  return v === undefined ? '0' : String(v);
}

/** resource.Quantity.String() of a stored value (`1.5` → `1500m`); `0` when absent. */
export function quantityString(v: unknown): string {
  const q = tryParseQuantity(v);
  return q ? formatQuantity(q) : v === undefined || v === null ? '0' : String(v);
}

/** Sum of quantities, keeping the format of the first one added (Quantity.Add). */
export class QuantitySum {
  private nanos = 0n;
  private format: Quantity['format'] | undefined;
  add(v: unknown): void {
    const q = tryParseQuantity(v);
    if (!q) return;
    this.format ??= q.format;
    this.nanos += q.nanos;
  }
  /** Add another sum (Quantity.Add of a total). */
  addSum(other: QuantitySum): void {
    if (other.format === undefined) return;
    this.format ??= other.format;
    this.nanos += other.nanos;
  }
  /** Keep the larger of the two (max(sum, init container) in PodRequests). */
  max(other: QuantitySum): void {
    if (other.nanos > this.nanos) {
      this.nanos = other.nanos;
      this.format = other.format ?? this.format;
    }
  }
  get value(): bigint {
    return this.nanos;
  }
  toString(): string {
    return formatQuantity({ nanos: this.nanos, format: this.format ?? 'DecimalSI' });
  }
}

/**
 * printLabelsMultilineWithIndent: `Title:\tk1=v1` then `\tk2=v2` per further label, sorted; the
 * continuation lines start with an empty cell so the values line up under the first one.
 */
export function printLabelsMultiline(
  w: PrefixWriter,
  title: string,
  labels: Readonly<Record<string, string>> | undefined,
  initialIndent = '',
  innerIndent = '\t',
): void {
  w.write(LEVEL_0, `${initialIndent}${title}:${innerIndent}`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) {
      w.write(LEVEL_0, initialIndent);
      w.write(LEVEL_0, innerIndent);
    }
    w.write(LEVEL_0, `${key}=${labels![key]}\n`);
  });
}

function shorten(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) + '...' : s;
}

/**
 * printAnnotationsMultiline: `key: value` per annotation, sorted, without the last-applied
 * configuration; values too long for one line (or of several lines) go below their key,
 * indented and cut at 138 characters.
 */
export function printAnnotationsMultiline(
  w: PrefixWriter,
  title: string,
  annotations: Readonly<Record<string, string>> | undefined,
): void {
  w.write(LEVEL_0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== LAST_APPLIED_ANNOTATION)
    .sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const indent = '\t';
  keys.forEach((key, i) => {
    if (i !== 0) w.write(LEVEL_0, indent);
    let value = annotations![key]!;
    if (value.endsWith('\n')) value = value.slice(0, -1);
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(LEVEL_0, `${key}:\n`);
      for (const s of value.split('\n')) {
        w.write(LEVEL_0, `${indent}  ${shorten(s, MAX_ANNOTATION_LEN - 2)}\n`);
      }
    } else {
      w.write(LEVEL_0, `${key}: ${value}\n`);
    }
  });
}

/** Stable sort (Go's sort.Slice is an insertion sort for the few items describe sorts). */
function stableSorted<T>(items: readonly T[], key: (t: T) => string): T[] {
  return items
    .map((t, i) => ({ t, i, k: key(t) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.t);
}

/** `key[=value][:effect][ op=Exists][ for Ns]`, sorted by key (printTolerationsMultilineWithIndent). */
export function printTolerationsMultiline(
  w: PrefixWriter,
  title: string,
  tolerations: readonly Toleration[] | undefined,
  initialIndent = '',
  innerIndent = '\t',
): void {
  w.write(LEVEL_0, `${initialIndent}${title}:${innerIndent}`);
  if (!tolerations || tolerations.length === 0) {
    w.writeLine('<none>');
    return;
  }
  stableSorted(tolerations, (t) => t.key ?? '').forEach((t, i) => {
    if (i !== 0) {
      w.write(LEVEL_0, initialIndent);
      w.write(LEVEL_0, innerIndent);
    }
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    // `operator: Exists` with no key and no effect tolerates everything.
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null)
      s += ` for ${t.tolerationSeconds}s`;
    w.write(LEVEL_0, `${s}\n`);
  });
}

/** Taint.ToString: `key=value:effect` or `key:effect`. */
export function taintString(t: Taint): string {
  return t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`;
}

/** printTaintsMultilineWithIndent: sorted by effect, then key. */
export function printTaintsMultiline(
  w: PrefixWriter,
  title: string,
  taints: readonly Taint[] | undefined,
): void {
  w.write(LEVEL_0, `${title}:\t`);
  if (!taints || taints.length === 0) {
    w.writeLine('<none>');
    return;
  }
  stableSorted(taints, (t) => `${t.effect},${t.key}`).forEach((t, i) => {
    if (i !== 0) w.write(LEVEL_0, '\t');
    w.write(LEVEL_0, `${taintString(t)}\n`);
  });
}

/** `Kind/name` of the controller owner reference (describe.go printController), or ''. */
export function controllerString(meta: {
  ownerReferences?: ReadonlyArray<{ kind: string; name: string; controller?: boolean }>;
}): string {
  const ref = meta.ownerReferences?.find((r) => r.controller === true);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

/** Go's %v of a bool as describe prints `Ready:` (printBool): True / False. */
export function printBool(v: boolean | undefined): string {
  return v ? 'True' : 'False';
}

/** stringOrNone */
export function stringOrNone(s: string | undefined): string {
  return s ? s : '<none>';
}
