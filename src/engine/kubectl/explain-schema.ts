/**
 * Where `kubectl explain` finds its schema. The schema (explain-data.ts, generated from
 * kubernetes-types by scripts/gen-explain.mjs) is ~330 kB of text, most of the engine's size, and
 * only `explain` needs it — so it is loaded on its own: the page calls `loadExplainSchema()` once
 * it is up (a separate chunk), the CLI and tests before they run. Until it is loaded, `explain`
 * says so instead of failing obscurely.
 */
import type { ExplainType } from './explain-data';

export interface ExplainSchema {
  roots: Readonly<Record<string, string>>;
  types: Readonly<Record<string, ExplainType>>;
}

let schema: ExplainSchema | undefined;
let loading: Promise<void> | undefined;

export function explainSchema(): ExplainSchema | undefined {
  return schema;
}

/** Load the schema (once; later calls share the first load). */
export function loadExplainSchema(): Promise<void> {
  loading ??= import('./explain-data').then((m) => {
    schema = { roots: m.EXPLAIN_ROOTS, types: m.EXPLAIN_TYPES };
  });
  return loading;
}
