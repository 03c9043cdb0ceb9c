import type { ReactNode } from 'react';
import { useMemo } from 'react';
import type { Dataplane, KObject } from '../../engine';
import type { ObjectsByKind } from '../state/cluster-store';
import { BlockView } from './BlockView';
import { Badge } from './CellView';
import { EventsTable } from './EventsTable';
import { FaultButtons } from './FaultButtons';
import { buildEvents, findEvents } from './events';
import type { TabDef } from './InspectorTabs';
import { InspectorTabs } from './InspectorTabs';
import type { SchedulingLookup, SectionInput } from './model';
import { objectHeader, sectionsFor } from './registry';
import { SectionView } from './SectionView';
import { YamlView } from './YamlView';

interface Props {
  obj: KObject;
  objects: ObjectsByKind;
  now: number;
  scheduling: SchedulingLookup;
  network?: Dataplane;
  tab: string;
  onTab(id: string): void;
  collapsed: ReadonlySet<string>;
  onToggle(id: string): void;
  /** Buttons for the header's top row (Back, Close). */
  actions: ReactNode;
}

/** One object: a header, then Overview / Events / YAML (and any tabs the registry adds). */
export function ObjectInspector(props: Props) {
  const { obj, objects, now, scheduling, network, tab } = props;
  const header = objectHeader(obj, now);
  const name = `${header.kind} ${header.namespace ? `${header.namespace}/` : ''}${header.name}`;
  const input: SectionInput = { obj, objects, now, scheduling, ...(network ? { network } : {}) };
  const eventMap = objects.get('Event');
  // Searching the events scans them all: only when they or the object change.
  const found = useMemo(() => findEvents(eventMap, obj), [eventMap, obj]);
  const extraTabs = sectionsFor(input, 'tab');
  const tabs: TabDef[] = [
    { id: 'overview', label: 'Overview' },
    { id: 'events', label: 'Events', count: found.length },
    { id: 'yaml', label: 'YAML' },
    ...extraTabs.map((s) => ({ id: s.id, label: s.title })),
  ];
  const active = tabs.some((t) => t.id === tab) ? tab : 'overview';

  let panel;
  if (active === 'events') panel = <EventsTable view={buildEvents(found, now)} name={name} />;
  else if (active === 'yaml') panel = <YamlView obj={obj} name={name} />;
  else if (active === 'overview') {
    const sections = sectionsFor(input);
    panel =
      sections.length > 0 ? (
        sections.map((s) => (
          <SectionView
            key={s.id}
            section={s}
            collapsed={props.collapsed.has(s.id)}
            onToggle={props.onToggle}
          />
        ))
      ) : (
        <p className="insp-note insp-note-muted">
          The YAML tab shows everything about this {header.kind}.
        </p>
      );
  } else {
    const section = extraTabs.find((s) => s.id === active);
    panel = section?.blocks.map((b, i) => <BlockView key={i} block={b} />);
  }

  return (
    <>
      <div className="insp-header">
        <div className="insp-header-top">
          <span className="insp-kind">{header.kind}</span>
          {props.actions}
        </div>
        <h2 className="insp-name">{header.name}</h2>
        <div className="insp-header-meta">
          {header.namespace ? (
            <span className="insp-namespace">
              <span className="insp-visually-hidden">Namespace </span>
              {header.namespace}
            </span>
          ) : null}
          {header.status ? <Badge cell={header.status} /> : null}
          {header.deleting && obj.kind !== 'Pod' ? (
            <Badge cell={{ text: 'Terminating', tone: 'muted' }} />
          ) : null}
          <span className="insp-age" title="Age">
            {header.age}
          </span>
        </div>
        <FaultButtons obj={obj} />
      </div>
      <InspectorTabs tabs={tabs} active={active} onChange={props.onTab}>
        {panel}
      </InspectorTabs>
    </>
  );
}
