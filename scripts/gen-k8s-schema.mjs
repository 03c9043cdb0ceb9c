#!/usr/bin/env node
/**
 * Generates src/ui/editor/k8s-schema.json, the JSON schema the editor (monaco-yaml) validates,
 * completes and documents manifests with, for every kind the simulated API server serves.
 *
 *   node scripts/gen-k8s-schema.mjs           write the schema
 *   node scripts/gen-k8s-schema.mjs --check   exit 1 if the committed schema is out of date
 *
 * Sources, both maintained elsewhere and never edited by hand for this schema:
 *  - src/engine/api/kinds.ts: the served kinds and their group/version (what `apiVersion` must be);
 *  - src/engine/kubectl/explain-data.ts: what `kubectl explain` prints — each struct's OpenAPI
 *    description and fields, with kubectl's type guess (`string`, `[]Container`,
 *    `map[string]Quantity`, `IntOrString`), required-ness and the struct behind each field. It is
 *    generated from kubernetes-types by scripts/gen-explain.mjs: run that first after changing
 *    kinds.ts, then this.
 *
 * The schema: one definition per struct (descriptions for hover, `required`, and
 * `additionalProperties: false` because the API server's strict field validation refuses unknown
 * fields), one per kind (its struct with `apiVersion` and `kind` pinned), and a root that offers
 * every apiVersion and kind and picks the kind's definition with `if`/`then` on `kind` — so a
 * multi-document file is checked document by document against the right kind.
 *
 * kubernetes-types drops the OpenAPI `enum` lists; ENUMS below restores the ones of k8s.io/api
 * v1.30's `+enum` types that the playground's validation enforces (src/engine/api/validation.ts
 * lists the same values), so completion offers `NodePort` and a typo is marked before Apply.
 *
 * Deterministic: kinds in kinds.ts order, definitions sorted by key, formatted with prettier.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'src/ui/editor/k8s-schema.json');
const KINDS_FILE = join(root, 'src/engine/api/kinds.ts');
const EXPLAIN_FILE = join(root, 'src/engine/kubectl/explain-data.ts');

/** `Struct.field` → the values of its `+enum` type upstream (sorted as the OpenAPI lists them). */
const ENUMS = {
  'Container.imagePullPolicy': ['Always', 'IfNotPresent', 'Never'],
  'Container.terminationMessagePolicy': ['FallbackToLogsOnError', 'File'],
  'ContainerPort.protocol': ['SCTP', 'TCP', 'UDP'],
  'DaemonSetUpdateStrategy.type': ['OnDelete', 'RollingUpdate'],
  'DeploymentStrategy.type': ['Recreate', 'RollingUpdate'],
  'EndpointPort.protocol': ['SCTP', 'TCP', 'UDP'],
  'EndpointSlice.addressType': ['FQDN', 'IPv4', 'IPv6'],
  'HTTPGetAction.scheme': ['HTTP', 'HTTPS'],
  'HTTPIngressPath.pathType': ['Exact', 'ImplementationSpecific', 'Prefix'],
  'LabelSelectorRequirement.operator': ['DoesNotExist', 'Exists', 'In', 'NotIn'],
  'NodeSelectorRequirement.operator': ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'],
  'PodSpec.dnsPolicy': ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  'PodSpec.preemptionPolicy': ['Never', 'PreemptLowerPriority'],
  'PodSpec.restartPolicy': ['Always', 'Never', 'OnFailure'],
  'ServicePort.protocol': ['SCTP', 'TCP', 'UDP'],
  'ServiceSpec.externalTrafficPolicy': ['Cluster', 'Local'],
  'ServiceSpec.internalTrafficPolicy': ['Cluster', 'Local'],
  'ServiceSpec.sessionAffinity': ['ClientIP', 'None'],
  'ServiceSpec.type': ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
  'Taint.effect': ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
  'Toleration.effect': ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
  'Toleration.operator': ['Equal', 'Exists'],
  'discovery.EndpointPort.protocol': ['SCTP', 'TCP', 'UDP'],
};

/**
 * Evaluate a TypeScript module that imports nothing (kinds.ts, explain-data.ts): strip the
 * types and import the JavaScript from a data: URL.
 */
async function importTs(file) {
  const source = readFileSync(file, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  if (/^\s*import\s/m.test(outputText)) throw new Error(`${file} must not import anything`);
  return import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`);
}

const apiVersionOf = (k) => (k.group ? `${k.group}/${k.version}` : k.version);

/**
 * The schema of a field from kubectl's type guess and the struct behind it. Every field may be
 * null (`creationTimestamp: null`, an empty `spec:`): Go's JSON decoding takes null as the zero
 * value, and kubectl's own `--dry-run -o yaml` output is full of it.
 */
function fieldSchema(type, ref) {
  if (type.startsWith('[]'))
    return {
      type: ['array', 'null'],
      items: fieldSchema(type.slice(2), ref),
      errorMessage: MESSAGES.array,
    };
  if (type.startsWith('map[string]'))
    return {
      type: ['object', 'null'],
      additionalProperties: fieldSchema(type.slice('map[string]'.length), ref),
      errorMessage: MESSAGES.map,
    };
  switch (type) {
    case 'string':
      return { type: ['string', 'null'], errorMessage: MESSAGES.string };
    case 'integer':
      return { type: ['integer', 'null'], errorMessage: MESSAGES.integer };
    case 'boolean':
      return { type: ['boolean', 'null'], errorMessage: MESSAGES.boolean };
    // intstr.IntOrString: `targetPort: 80` or `targetPort: http`.
    case 'IntOrString':
      return { type: ['integer', 'string', 'null'], errorMessage: MESSAGES.intOrString };
    // resource.Quantity: `cpu: 500m`, `cpu: 1`, `memory: 1.5Gi`.
    case 'Quantity':
      return { type: ['number', 'string', 'null'], errorMessage: MESSAGES.quantity };
    default:
      // Struct definitions are nullable themselves (structSchema).
      return ref ? { $ref: `#/definitions/${ref}` } : {};
  }
}

/**
 * What a wrong type is called, in words for learners rather than the schema's `Expected one of
 * integer, null` (null is allowed only because Go reads it as the zero value). monaco-yaml shows
 * a node's `errorMessage` instead of its own for any failure of that node; on these schemas the
 * only possible one is the type (a string field with an enum drops it: see structSchema).
 */
const MESSAGES = {
  string:
    'Incorrect type. Expected a string: quote values YAML would read as something else ("1.0", "true", "0644").',
  integer: 'Incorrect type. Expected an integer.',
  boolean: 'Incorrect type. Expected true or false.',
  intOrString: 'Incorrect type. Expected a number or a name.',
  quantity: 'Incorrect type. Expected a quantity such as 500m, 2, 128Mi.',
  array: 'Incorrect type. Expected a list: one item per line, each starting with "- ".',
  map: 'Incorrect type. Expected a map: one "key: value" per line.',
};

/**
 * A struct's definition: its fields, what is required, nothing else allowed. Its title (the Go
 * type's name) heads the hover of each of its fields.
 */
function structSchema(key, t) {
  // Named aliases without fields (Time, MicroTime, Quantity) are inlined by fieldSchema; a struct
  // without fields (FieldsV1) holds anything.
  const title = key.slice(key.lastIndexOf('.') + 1);
  if (t.fields.length === 0) return { title, description: t.description, type: ['object', 'null'] };
  const properties = {};
  const required = [];
  for (const f of t.fields) {
    const s = { description: f.description, ...fieldSchema(f.type, f.ref) };
    const values = ENUMS[`${key}.${f.name}`];
    if (values) {
      if (s.type[0] !== 'string') throw new Error(`ENUMS: ${key}.${f.name} is not a string field`);
      // Without null: completion would offer it. An empty enum field is the one null the
      // schema marks that the API server would take (as the default).
      s.enum = values;
      // The enum's own message lists the valid values.
      delete s.errorMessage;
    }
    properties[f.name] = s;
    if (f.required) required.push(f.name);
  }
  return {
    title,
    description: t.description,
    type: ['object', 'null'],
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** Derive the schema object. */
export async function deriveSchema() {
  const { KINDS } = await importTs(KINDS_FILE);
  const { EXPLAIN_ROOTS, EXPLAIN_TYPES } = await importTs(EXPLAIN_FILE);

  for (const path of Object.keys(ENUMS)) {
    const dot = path.lastIndexOf('.');
    const t = EXPLAIN_TYPES[path.slice(0, dot)];
    if (!t?.fields.some((f) => f.name === path.slice(dot + 1)))
      throw new Error(`ENUMS: ${path} is not a field in explain-data.ts`);
  }

  const definitions = {};
  for (const key of Object.keys(EXPLAIN_TYPES).sort())
    definitions[key] = structSchema(key, EXPLAIN_TYPES[key]);

  const kinds = [];
  for (const k of KINDS) {
    const struct = EXPLAIN_ROOTS[k.kind];
    if (!struct)
      throw new Error(
        `explain-data.ts has no ${k.kind}: run node scripts/gen-explain.mjs first (kinds.ts changed)`,
      );
    const base = definitions[struct];
    const apiVersion = apiVersionOf(k);
    const kindKey = `kind.${k.kind}`;
    definitions[kindKey] = {
      ...base,
      title: `${k.kind} (${apiVersion})`,
      type: 'object',
      properties: {
        ...base.properties,
        apiVersion: { ...base.properties.apiVersion, type: 'string', enum: [apiVersion] },
        kind: { ...base.properties.kind, type: 'string', enum: [k.kind] },
      },
      required: [...new Set(['apiVersion', 'kind', ...(base.required ?? [])])],
    };
    kinds.push({ kind: k.kind, apiVersion, key: kindKey, description: base.description });
  }
  const sortedDefs = {};
  for (const key of Object.keys(definitions).sort()) sortedDefs[key] = definitions[key];

  const apiVersions = [...new Set(kinds.map((k) => k.apiVersion))].sort();
  const meta = EXPLAIN_TYPES[EXPLAIN_ROOTS.Pod];
  const describe = (name) => meta.fields.find((f) => f.name === name).description;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment:
      'GENERATED by scripts/gen-k8s-schema.mjs from src/engine/api/kinds.ts and src/engine/kubectl/explain-data.ts. Do not edit.',
    title: 'Kubernetes manifest',
    description: `A Kubernetes object of a kind the playground serves: ${kinds.map((k) => k.kind).join(', ')}.`,
    type: 'object',
    properties: {
      apiVersion: { description: describe('apiVersion'), type: 'string', enum: apiVersions },
      kind: {
        description: describe('kind'),
        type: 'string',
        enum: kinds.map((k) => k.kind),
        enumDescriptions: kinds.map((k) => `${k.apiVersion}: ${k.description}`),
      },
    },
    required: ['apiVersion', 'kind'],
    allOf: kinds.map((k) => ({
      if: { properties: { kind: { const: k.kind } }, required: ['kind'] },
      then: { $ref: `#/definitions/${k.key}` },
    })),
    definitions: sortedDefs,
  };
}

/** The file text, formatted with the repository's prettier configuration. */
export async function generateSchemaText() {
  const schema = await deriveSchema();
  const config = (await prettier.resolveConfig(OUT)) ?? {};
  return prettier.format(JSON.stringify(schema), { ...config, filepath: OUT });
}

async function main() {
  const text = await generateSchemaText();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUT, 'utf8');
    } catch {
      // missing counts as out of date
    }
    if (current !== text) {
      console.error(`${OUT} is out of date: run node scripts/gen-k8s-schema.mjs`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT} (${text.length} bytes)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
