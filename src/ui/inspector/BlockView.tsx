import type { Block, Field, Item } from './model';
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
      return (
        <pre className="insp-code" aria-label={block.label} tabIndex={0}>
          {block.text}
        </pre>
      );
    case 'scheduling':
      return <SchedulingDecisionView view={block.view} />;
  }
}
