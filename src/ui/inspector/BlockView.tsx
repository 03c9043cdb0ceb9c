import { useEffect, useRef } from 'react';
import { useClusterStore } from '../state/cluster-store';
import type { Block, Field, Item } from './model';
import { ruleLineIndex, rulesBlockLabel, useRuleFocus } from './rule-focus';
import './rule-focus.css';
import { Badge, CellView } from './CellView';
import { SchedulingDecisionView } from './SchedulingDecisionView';

function Fields({ fields, className }: { fields: Field[]; className?: string }) {
  return (
    <dl className={`insp-fields${className ? ` ${className}` : ''}`}>
      {fields.map((f, i) => (
        <div key={`${f.label}-${i}`} className="insp-field">
          <dt>{f.label}</dt>
          <dd>
            <CellView cell={f.value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ItemView({ item }: { item: Item }) {
  return (
    <li className="insp-item">
      <div className="insp-item-head">
        <span className="insp-item-title">
          <CellView cell={item.title} />
          {item.subtitle ? <span className="insp-item-subtitle">{item.subtitle}</span> : null}
        </span>
        {item.badges.length > 0 ? (
          <span className="insp-item-badges">
            {item.badges.map((b, i) => (
              <Badge key={`${b.text}-${i}`} cell={b} />
            ))}
          </span>
        ) : null}
      </div>
      {item.fields.length > 0 ? <Fields fields={item.fields} className="insp-item-fields" /> : null}
    </li>
  );
}

/** One block of a section, in the shape its data has. */
export function BlockView({ block }: { block: Block }) {
  switch (block.type) {
    case 'fields':
      return <Fields fields={block.fields} />;
    case 'table':
      return (
        <table className="insp-table" aria-label={block.label}>
          <thead>
            <tr>
              {block.columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {block.rows.map((row, i) => (
              <tr key={i}>
                {row.map((c, j) => (
                  <td key={j}>
                    <CellView cell={c} wrapWords />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'items':
      return (
        <div className="insp-items-block">
          <ul className="insp-items" aria-label={block.label}>
            {block.items.map((item) => (
              <ItemView key={item.key} item={item} />
            ))}
          </ul>
          {block.more ? <p className="insp-more">and {block.more} more</p> : null}
        </div>
      );
    case 'note':
      return <p className={`insp-note insp-note-${block.tone ?? 'muted'}`}>{block.text}</p>;
    case 'code':
      return <CodeBlock label={block.label} text={block.text} />;
    case 'scheduling':
      return <SchedulingDecisionView view={block.view} />;
  }
}

/**
 * A code block; a node's iptables-save block marks the rule the Trace panel asked for
 * (rule-focus.ts) and scrolls to it when asked.
 */
function CodeBlock({ label, text }: { label: string; text: string }) {
  const focus = useRuleFocus((s) => s.focus);
  const selected = useClusterStore((s) => s.selected);
  const markRef = useRef<HTMLElement>(null);
  const mine =
    focus !== undefined &&
    selected?.kind === 'Node' &&
    selected.name === focus.node &&
    label === rulesBlockLabel(focus.table);
  const line = mine ? ruleLineIndex(text, focus) : -1;
  const seq = mine ? focus.seq : 0;
  useEffect(() => {
    if (seq > 0) markRef.current?.scrollIntoView?.({ block: 'center' });
  }, [seq]);
  if (line < 0) {
    return (
      <pre className="insp-code" aria-label={label} tabIndex={0}>
        {text}
      </pre>
    );
  }
  const lines = text.split('\n');
  const before = lines.slice(0, line).join('\n');
  const after = lines.slice(line + 1).join('\n');
  return (
    <pre className="insp-code" aria-label={label} tabIndex={0}>
      {before ? `${before}\n` : ''}
      <mark ref={markRef} className="insp-code-mark" title={lines[line]}>
        {lines[line]}
      </mark>
      {after ? `\n${after}` : ''}
    </pre>
  );
}
