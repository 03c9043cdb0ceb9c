import { Fragment } from 'react';
import type { Cell } from './model';
import { useInspect } from './navigation';

const toneClass = (c: Cell): string => (c.tone ? ` insp-tone-${c.tone}` : '');

/**
 * CamelCase words (`PodReadyToStartContainers`, `KubeletHasSufficientMemory`) with line-break
 * opportunities before each capital, so a narrow table wraps them between words.
 */
function camelBreaks(text: string) {
  const parts = text.split(/(?<=[a-z])(?=[A-Z])/);
  if (parts.length < 2) return text;
  return parts.map((p, i) => (
    <Fragment key={i}>
      {i > 0 ? <wbr /> : null}
      {p}
    </Fragment>
  ));
}

/** One value: text, chips, or a link that inspects another object. */
export function CellView({ cell, wrapWords }: { cell: Cell; wrapWords?: boolean }) {
  const inspect = useInspect();
  if (cell.chips && cell.chips.length > 0) {
    return (
      <ul className="insp-chips" title={cell.title}>
        {cell.chips.map((c) => (
          <li key={c} className="insp-chip">
            {c}
          </li>
        ))}
      </ul>
    );
  }
  const cls = `insp-cell${cell.mono ? ' insp-mono' : ''}${toneClass(cell)}`;
  if (cell.ref) {
    const ref = cell.ref;
    const target = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    return (
      <button
        type="button"
        className={`insp-link ${cls}`}
        title={`Inspect ${target}`}
        onClick={() => inspect(ref)}
      >
        {cell.text}
      </button>
    );
  }
  return (
    <span className={cls} title={cell.title}>
      {wrapWords && !cell.mono ? camelBreaks(cell.text) : cell.text}
    </span>
  );
}

/** A small coloured label: a status, a verdict, a count. */
export function Badge({ cell }: { cell: Cell }) {
  return (
    <span className={`insp-badge insp-badge-${cell.tone ?? 'muted'}`} title={cell.title}>
      {cell.text}
    </span>
  );
}
