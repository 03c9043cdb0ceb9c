/**
 * Monaco, set up once for the playground: the slim editor API with only the YAML language, its
 * workers bundled locally, and monaco-yaml validating against the Kubernetes schema that
 * scripts/gen-k8s-schema.mjs generates (k8s-schema.json). Only MonacoEditor.tsx imports this, and
 * only through a dynamic import: the page's first load carries no Monaco.
 *
 * The traps of /work/shared/STACK.md, in order:
 *  - slim imports (`monaco-editor/editor` + features + the YAML grammar), not `monaco-editor`,
 *    which would add the TypeScript, CSS, HTML and JSON workers;
 *  - workers as `?worker` imports, chosen by label in MonacoEnvironment.getWorker;
 *  - monaco-yaml 5.5.1 still calls `editor.createWebWorker({ moduleId, label, createData })`,
 *    which Monaco ≥ 0.56 no longer understands (it wants `{ worker }`) — silently, so no schema
 *    marker would ever appear. createWebWorker is wrapped: it builds the worker itself and posts
 *    what monaco-worker-manager's worker waits for (a first message, then createData) before
 *    Monaco's own protocol starts.
 */
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import { configureMonacoYaml } from 'monaco-yaml';
import type { JSONSchema, MonacoYamlOptions } from 'monaco-yaml';
import schemaText from './k8s-schema.json?raw';
import EditorWorker from './editor.worker?worker';
import YamlWorker from './yaml.worker?worker';

export { monaco };

/** The schema's URI: what hover tooltips name as its source. */
export const SCHEMA_URI = 'file:///k8s-playground/kubernetes.json';

window.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};

interface LegacyWorkerOptions {
  moduleId?: string;
  label?: string;
  createData?: unknown;
}

type CreateWebWorker = typeof monaco.editor.createWebWorker;
const createWebWorker: CreateWebWorker = monaco.editor.createWebWorker;
(monaco.editor as { createWebWorker: CreateWebWorker }).createWebWorker = ((
  opts: Parameters<CreateWebWorker>[0] | LegacyWorkerOptions,
) => {
  if ('worker' in opts) return createWebWorker(opts);
  const worker = new YamlWorker();
  // monaco-worker-manager's worker installs Monaco's initializer on the first message, and that
  // initializer takes the second as createData; Monaco's own `-please-ignore-` comes third and
  // is ignored by the worker server.
  worker.postMessage('init');
  worker.postMessage(opts.createData);
  return createWebWorker({ worker });
}) as CreateWebWorker;

/**
 * monaco-yaml's options, plus one its types do not list but its worker (yaml-language-server)
 * reads from the same settings: no `Source: kubernetes.json` link under hovers — the schema is
 * bundled, the link would lead nowhere.
 */
const options: MonacoYamlOptions & { hoverSchemaSource: boolean } = {
  enableSchemaRequest: false,
  // kubectl reads YAML as go-yaml v2 does: YAML 1.1 (`yes` is a boolean).
  yamlVersion: '1.1',
  completion: true,
  hover: true,
  hoverSchemaSource: false,
  validate: true,
  format: { enable: false },
  schemas: [
    {
      uri: SCHEMA_URI,
      fileMatch: ['*.yml', '*.yaml'],
      schema: JSON.parse(schemaText) as JSONSchema,
    },
  ],
};
configureMonacoYaml(monaco, options);
