import { BlockView } from './BlockView';
import type { Section } from './model';

interface Props {
  section: Section;
  collapsed: boolean;
  onToggle(id: string): void;
}

/** A section as a labelled region whose heading button collapses it. */
export function SectionView({ section, collapsed, onToggle }: Props) {
  const headingId = `insp-h-${section.id}`;
  const bodyId = `insp-b-${section.id}`;
  return (
    <section className="insp-section" aria-labelledby={headingId}>
      <h3 className="insp-section-heading" id={headingId}>
        <button
          type="button"
          aria-expanded={!collapsed}
          aria-controls={bodyId}
          onClick={() => onToggle(section.id)}
        >
          <span className="insp-chevron" aria-hidden="true" />
          {section.title}
        </button>
      </h3>
      <div id={bodyId} className="insp-section-body" hidden={collapsed}>
        {section.blocks.map((b, i) => (
          <BlockView key={i} block={b} />
        ))}
      </div>
    </section>
  );
}
