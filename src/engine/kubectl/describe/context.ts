/**
 * What a describer reads besides the object itself: the store (for related objects: a
 * Deployment's ReplicaSets, a Node's pods, a Service's Endpoints), the virtual clock's now (ages),
 * and the events.
 */
import type { ApiStore } from '../../api/store';
import type { KObject } from '../../api/types';
import { EventIndex } from './events';

export interface DescribeContext {
  readonly store: ApiStore;
  /** Virtual milliseconds since the epoch; every age is measured from it. */
  readonly now: number;
  /** --show-events (default true). */
  readonly showEvents: boolean;
  readonly events: EventIndex;
}

export function describeContext(store: ApiStore, now: number, showEvents = true): DescribeContext {
  return { store, now, showEvents, events: new EventIndex(store) };
}

/** A describer: the text `kubectl describe` prints for one object (ending with a newline). */
export type Describer = (obj: KObject, ctx: DescribeContext) => string;
