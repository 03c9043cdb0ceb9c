/**
 * kubectl's human-readable printer: the server's table of a kind, decorated and laid out.
 *
 * Models cli-runtime pkg/printers/tableprinter.go (decorateTable, printTable): priority-1
 * columns only with `-o wide`; a NAMESPACE column first with `-A`; `-L` label columns and the
 * LABELS column (`--show-labels`) last; `kind.group/` before the name when several kinds are
 * printed (`get deploy,pod`, `get all`); headers upper-cased; a cell cut at its first line break
 * with `...`; no header at all for a table without rows.
 */
import type { KObject } from '../../api/types';
import type { KindTable } from './kinds';
import { DEFAULT_TABLE, formatLabels, KIND_TABLES } from './kinds';
import { tabulate } from './tabwriter';

export interface TableOptions {
  wide: boolean;
  noHeaders: boolean;
  /** `-A`: a NAMESPACE column first (namespaced kinds only; the caller decides). */
  withNamespace: boolean;
  /** Prefix names with `kind.group/` (several kinds requested, or --show-kind). */
  withKind: boolean;
  /** `deployment.apps`, `pod`: the prefix withKind adds. */
  kindPrefix: string;
  showLabels: boolean;
  /** `-L key`: one column per label key. */
  labelColumns: readonly string[];
}

export function kindTable(kind: string): KindTable {
  return KIND_TABLES[kind] ?? DEFAULT_TABLE;
}

/** formatLabelHeaders: the part after the last `/`, upper-cased. */
function labelHeader(key: string): string {
  const parts = key.split('/');
  return (parts[parts.length - 1] ?? '').toUpperCase();
}

/** printTable's cell cut: at the first \n, \r or \f, marked with `...`. */
function cellText(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 12) return s.slice(0, i) + '...';
  }
  return s;
}

/**
 * The rows (header first, unless noHeaders or there are no objects) of one kind's table for
 * `objects`, ready for the tabwriter.
 */
export function tableRows(
  kind: string,
  objects: readonly KObject[],
  nowMs: number,
  opts: TableOptions,
): string[][] {
  if (objects.length === 0) return [];
  const table = kindTable(kind);
  const visible: number[] = [];
  let nameColumn = -1;
  table.columns.forEach((c, i) => {
    if (opts.wide || !c.priority) visible.push(i);
    if (c.isName && nameColumn < 0) nameColumn = i;
  });
  const out: string[][] = [];
  if (!opts.noHeaders) {
    const header: string[] = [];
    if (opts.withNamespace) header.push('NAMESPACE');
    for (const i of visible) header.push(table.columns[i]!.name.toUpperCase());
    for (const l of opts.labelColumns) header.push(labelHeader(l));
    if (opts.showLabels) header.push('LABELS');
    out.push(header);
  }
  for (const obj of objects) {
    const cells = table.row(obj, nowMs);
    if (opts.withKind && nameColumn >= 0)
      cells[nameColumn] = `${opts.kindPrefix}/${cells[nameColumn]}`;
    const row: string[] = [];
    if (opts.withNamespace) row.push(obj.metadata.namespace ?? '');
    for (const i of visible) row.push(cellText(cells[i] ?? ''));
    const labels = obj.metadata.labels;
    for (const l of opts.labelColumns) row.push(labels?.[l] ?? '');
    if (opts.showLabels) row.push(formatLabels(labels));
    out.push(row);
  }
  return out;
}

/** One kind's table as text (empty when there are no objects). */
export function printTable(
  kind: string,
  objects: readonly KObject[],
  nowMs: number,
  opts: TableOptions,
): string {
  return tabulate(tableRows(kind, objects, nowMs, opts));
}
