/**
 * The editor's Kubernetes schema: that k8s-schema.json is what scripts/gen-k8s-schema.mjs
 * generates today, that it covers every served kind, and that its shape leads monaco-yaml to the
 * right field (type, description, required, enum) along the paths a learner writes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../engine';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Schema {
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  $ref?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  required?: string[];
  allOf?: Array<{ if: Schema; then: Schema }>;
  definitions?: Record<string, Schema>;
  const?: unknown;
  errorMessage?: string;
}

const schema = JSON.parse(
  readFileSync(join(root, 'src/ui/editor/k8s-schema.json'), 'utf8'),
) as Schema;
const defs = schema.definitions!;

const deref = (s: Schema): Schema => {
  if (!s.$ref) return s;
  const target = defs[s.$ref.replace('#/definitions/', '')];
  if (!target) throw new Error(`dangling ${s.$ref}`);
  // monaco-yaml keeps a referencing node's own keys (its description) over the target's.
  const { $ref: _ref, ...own } = s;
  return { ...target, ...own };
};

/** The schema a kind's manifest gives the value at `path` (`spec.ports[].port`). */
function at(kind: string, path: string): Schema {
  const branch = schema.allOf!.find((b) => b.if.properties!.kind!.const === kind);
  if (!branch) throw new Error(`no branch for ${kind}`);
  let s = deref(branch.then);
  for (const seg of path.split('.')) {
    const arr = seg.endsWith('[]');
    const name = arr ? seg.slice(0, -2) : seg;
    const next = s.properties?.[name];
    if (!next) throw new Error(`${kind}: no ${name} in ${path}`);
    s = deref(next);
    if (arr) s = deref(s.items!);
  }
  return s;
}

describe('k8s-schema.json', () => {
  it('is what scripts/gen-k8s-schema.mjs generates from kinds.ts and explain-data.ts', () => {
    // Throws (exit 1) when the committed schema is stale.
    execFileSync(process.execPath, [join(root, 'scripts/gen-k8s-schema.mjs'), '--check'], {
      cwd: root,
      stdio: 'pipe',
    });
  }, 60_000);

  it('offers every served kind and apiVersion, and picks each kind by `kind`', () => {
    expect(schema.properties!.kind!.enum).toEqual(KINDS.map((k) => k.kind));
    expect(schema.required).toEqual(['apiVersion', 'kind']);
    for (const k of KINDS) {
      const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
      expect(schema.properties!.apiVersion!.enum).toContain(apiVersion);
      const def = at(k.kind, 'apiVersion');
      expect([k.kind, def.enum]).toEqual([k.kind, [apiVersion]]);
      expect(at(k.kind, 'kind').enum).toEqual([k.kind]);
    }
  });

  it('has no dangling $ref', () => {
    const refs = JSON.stringify(schema).match(/"\$ref":"#\/definitions\/[^"]+"/g) ?? [];
    const missing = refs
      .map((r) => r.slice('"$ref":"#/definitions/'.length, -1))
      .filter((k) => !(k in defs));
    expect(missing).toEqual([]);
  });

  it.each([
    ['Deployment', 'spec.replicas', ['integer', 'null'], 'Number of desired pods.'],
    [
      'Deployment',
      'spec.template.spec.containers[].image',
      ['string', 'null'],
      'Container image name.',
    ],
    [
      'Service',
      'spec.ports[].targetPort',
      ['integer', 'string', 'null'],
      'Number or name of the port',
    ],
    [
      'Pod',
      'spec.containers[].resources.limits',
      ['object', 'null'],
      'Limits describes the maximum',
    ],
    ['Pod', 'metadata.labels', ['object', 'null'], 'Map of string keys and values'],
    ['Ingress', 'spec.rules[].http.paths[].pathType', ['string', 'null'], 'pathType determines'],
  ])('%s %s: %j, described', (kind, path, type, description) => {
    const s = at(kind, path);
    expect(s.type).toEqual(type);
    expect(s.description?.startsWith(description)).toBe(true);
  });

  it('refuses unknown fields and knows what is required', () => {
    expect(at('Deployment', 'spec').additionalProperties).toBe(false);
    expect(at('Deployment', 'spec').required).toEqual(['selector', 'template']);
    expect(at('Pod', 'spec.containers[]').required).toEqual(['name']);
    expect(at('Deployment', 'spec').title).toBe('DeploymentSpec');
    expect((at('Pod', 'metadata.labels').additionalProperties as Schema).type).toEqual([
      'string',
      'null',
    ]);
  });

  it('names wrong types in words, except where an enum lists the values', () => {
    expect(at('Deployment', 'spec.replicas').errorMessage).toBe(
      'Incorrect type. Expected an integer.',
    );
    expect(at('Service', 'spec.type').errorMessage).toBe(undefined);
  });

  it.each([
    ['Service', 'spec.type', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']],
    ['Pod', 'spec.containers[].imagePullPolicy', ['Always', 'IfNotPresent', 'Never']],
    ['Deployment', 'spec.strategy.type', ['Recreate', 'RollingUpdate']],
    ['Pod', 'spec.restartPolicy', ['Always', 'Never', 'OnFailure']],
  ])('%s %s is one of %j', (kind, path, values) => {
    expect(at(kind, path).enum).toEqual(values);
  });
});
