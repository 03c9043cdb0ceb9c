/**
 * The describer kubectl falls back to for kinds it has no describer for (Events here): the
 * object's fields, sorted, one per line, nested maps indented, field names turned into words.
 *
 * Models kubectl 1.30 pkg/describe/describe.go genericDescriber.Describe,
 * printUnstructuredContent and smartLabelFor (with fatih/camelcase Split).
 */
import type { KObject } from '../../api/types';
import type { DescribeContext } from './context';
import { describeEvents, eventsFor } from './events';
import { printAnnotationsMultiline, printLabelsMultiline } from './format';
import type { PrefixWriter } from './prefix-writer';
import { LEVEL_0, tabbedString } from './prefix-writer';

const SKIP = new Set([
  '.metadata.managedFields',
  '.metadata.name',
  '.metadata.namespace',
  '.metadata.labels',
  '.metadata.annotations',
]);

const COMMON_ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/** camelcase.Split: runs of lower case, upper case, digits and others; `PDFLoader` → PDF Loader. */
export function camelcaseSplit(src: string): string[] {
  const classOf = (ch: string): number => {
    if (ch.toLowerCase() === ch && ch.toUpperCase() !== ch) return 1;
    if (ch.toUpperCase() === ch && ch.toLowerCase() !== ch) return 2;
    if (ch >= '0' && ch <= '9') return 3;
    return 4;
  };
  const runs: string[][] = [];
  let last = 0;
  for (const ch of src) {
    const c = classOf(ch);
    if (c === last) runs[runs.length - 1]!.push(ch);
    else runs.push([ch]);
    last = c;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    const cur = runs[i]!;
    const next = runs[i + 1]!;
    if (classOf(cur[0]!) === 2 && classOf(next[0]!) === 1) {
      next.unshift(cur.pop()!);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/** smartLabelFor: `apiVersion` → `API Version`, `creationTimestamp` → `Creation Timestamp`. */
export function smartLabelFor(field: string): string {
  // Names with characters other than letters and '-' stay as they are.
  if (/[^\p{L}-]/u.test(field)) return field;
  const parts: string[] = [];
  for (const part of camelcaseSplit(field)) {
    if (part === '_') continue;
    if (COMMON_ACRONYMS.has(part.toUpperCase())) parts.push(part.toUpperCase());
    else parts.push(part.charAt(0).toUpperCase() + part.slice(1));
  }
  return parts.join(' ');
}

/** Go's %v of a JSON scalar. */
function scalar(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

function printContent(
  w: PrefixWriter,
  level: number,
  content: Record<string, unknown>,
  skipPrefix: string,
): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    if (value === undefined) continue; // absent in JSON
    const skipExpr = `${skipPrefix}.${field}`;
    if (SKIP.has(skipExpr)) continue;
    if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (child !== null && typeof child === 'object' && !Array.isArray(child))
          printContent(w, level + 1, child as Record<string, unknown>, skipExpr);
        else w.write(level + 1, `${scalar(child)}\n`);
      }
    } else if (value !== null && typeof value === 'object') {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printContent(w, level + 1, value as Record<string, unknown>, skipExpr);
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${scalar(value)}\n`);
    }
  }
}

// Models describe.go genericDescriber.Describe.
export function describeGeneric(obj: KObject, ctx: DescribeContext): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${obj.metadata.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${obj.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', obj.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', obj.metadata.annotations);
    printContent(w, LEVEL_0, obj as unknown as Record<string, unknown>, '');
    if (ctx.showEvents) describeEvents(eventsFor(obj, ctx), w, ctx.now);
  });
}
