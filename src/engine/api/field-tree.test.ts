/**
 * The field tree in field-tree.ts is generated from the `kubernetes-types` declarations. This test
 * derives it again with the TypeScript compiler API and compares, so an upgrade of kubernetes-types
 * that adds or removes fields fails here instead of silently drifting.
 *
 * Regenerate: `UPDATE_FIELD_TREE=1 npx vitest run src/engine/api/field-tree.test.ts`, then
 * `npx prettier --write src/engine/api/field-tree.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { KINDS } from './kinds';
import { FIELD_TREE_ROOTS, FIELD_TREE_STRUCTS } from './field-tree';

const require = createRequire(import.meta.url);
const typesDir = dirname(require.resolve('kubernetes-types/package.json'));

/** The declaration files the served kinds reach (imports are followed by name). */
const FILES: Record<string, string> = {
  core: 'core/v1.d.ts',
  apps: 'apps/v1.d.ts',
  coordination: 'coordination/v1.d.ts',
  discovery: 'discovery/v1.d.ts',
  networking: 'networking/v1.d.ts',
  meta: 'meta/v1.d.ts',
  resource: 'api/resource.d.ts',
  runtime: 'runtime.d.ts',
};
const GROUP_FILE: Record<string, string> = {
  '': 'core',
  apps: 'apps',
  'coordination.k8s.io': 'coordination',
  'discovery.k8s.io': 'discovery',
  'networking.k8s.io': 'networking',
};

interface Decl {
  pkg: string;
  name: string;
  members: Array<{ name: string; type: ts.TypeNode }>;
  alias?: ts.TypeNode;
}

function loadDecls(): Map<string, Decl> {
  const out = new Map<string, Decl>(); // `${pkg}.${name}`
  for (const [pkg, file] of Object.entries(FILES)) {
    const text = readFileSync(join(typesDir, file), 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st)) {
        const members: Decl['members'] = [];
        for (const m of st.members) {
          if (
            ts.isPropertySignature(m) &&
            m.type &&
            (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))
          )
            members.push({ name: m.name.text, type: m.type });
        }
        out.set(`${pkg}.${st.name.text}`, { pkg, name: st.name.text, members });
      } else if (ts.isTypeAliasDeclaration(st)) {
        out.set(`${pkg}.${st.name.text}`, { pkg, name: st.name.text, members: [], alias: st.type });
      }
    }
  }
  return out;
}

/** Derive the tree: root kinds → struct keys, struct key → field → type code. */
export function deriveFieldTree(): {
  roots: Record<string, string>;
  structs: Record<string, Record<string, string>>;
} {
  const decls = loadDecls();
  const byName = new Map<string, Decl[]>();
  for (const d of decls.values()) {
    const list = byName.get(d.name) ?? [];
    list.push(d);
    byName.set(d.name, list);
  }
  // Prefer a declaration in the same package; otherwise the unique one with that name.
  const lookup = (name: string, fromPkg: string): Decl | undefined =>
    decls.get(`${fromPkg}.${name}`) ?? byName.get(name)?.[0];

  const structs: Record<string, Record<string, string>> = {};
  const keyOf = new Map<Decl, string>();
  const structKey = (d: Decl): string => {
    const existing = keyOf.get(d);
    if (existing) return existing;
    // Bare Go struct name unless another reachable package declares the same name.
    const clash = (byName.get(d.name)?.length ?? 0) > 1 && d.pkg !== 'core';
    const key = clash ? `${d.pkg}.${d.name}` : d.name;
    keyOf.set(d, key);
    return key;
  };

  const code = (node: ts.TypeNode, pkg: string): string => {
    if (node.kind === ts.SyntaxKind.StringKeyword) return 's';
    if (node.kind === ts.SyntaxKind.NumberKeyword) return 'i';
    if (node.kind === ts.SyntaxKind.BooleanKeyword) return 'b';
    if (ts.isLiteralTypeNode(node)) return 's';
    if (ts.isUnionTypeNode(node)) {
      const kinds = node.types.map((t) => t.kind).sort();
      if (
        kinds.length === 2 &&
        kinds.includes(ts.SyntaxKind.NumberKeyword) &&
        kinds.includes(ts.SyntaxKind.StringKeyword)
      )
        return 'ios';
      return 'any';
    }
    if (ts.isArrayTypeNode(node)) return '[]' + code(node.elementType, pkg);
    if (ts.isTypeLiteralNode(node)) {
      const idx = node.members.find(ts.isIndexSignatureDeclaration);
      if (idx?.type) return '{}' + code(idx.type, pkg);
      return 'any';
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const name = node.typeName.text;
      if (name === 'Array' && node.typeArguments?.[0])
        return '[]' + code(node.typeArguments[0], pkg);
      if (name === 'Quantity') return 'q';
      if (name === 'Time' || name === 'MicroTime') return 's';
      const d = lookup(name, pkg);
      if (!d) return 'any';
      if (d.alias) return code(d.alias, d.pkg);
      if (d.members.length === 0) return 'any'; // RawExtension, FieldsV1: free-form JSON
      visit(d);
      return structKey(d);
    }
    return 'any';
  };

  const visit = (d: Decl): void => {
    const key = structKey(d);
    if (structs[key]) return;
    const fields: Record<string, string> = {};
    structs[key] = fields;
    for (const m of d.members) fields[m.name] = code(m.type, d.pkg);
  };

  const roots: Record<string, string> = {};
  for (const k of KINDS) {
    const pkg = GROUP_FILE[k.group];
    if (!pkg) continue;
    const d = decls.get(`${pkg}.${k.kind}`);
    if (!d) continue;
    visit(d);
    roots[k.kind] = structKey(d);
  }
  // Bytes fields: Go []byte decodes from base64 strings.
  if (structs.Secret) structs.Secret.data = '{}y';
  if (structs.ConfigMap) structs.ConfigMap.binaryData = '{}y';
  // Sorted for a stable file.
  const sorted: Record<string, Record<string, string>> = {};
  for (const key of Object.keys(structs).sort()) {
    const f = structs[key]!;
    sorted[key] = Object.fromEntries(
      Object.keys(f)
        .sort()
        .map((n) => [n, f[n]!]),
    );
  }
  return { roots, structs: sorted };
}

function render(tree: ReturnType<typeof deriveFieldTree>): string {
  const lines: string[] = [];
  lines.push('/**');
  lines.push(
    ' * GENERATED from kubernetes-types 1.30 by field-tree.test.ts (UPDATE_FIELD_TREE=1). Do not edit.',
  );
  lines.push(' *');
  lines.push(
    ' * The field names and value kinds of every struct the served kinds reach, for the API',
  );
  lines.push(
    ' * server\'s strict decoding (`strict decoding error: unknown field "spec.replica"`) and its',
  );
  lines.push(' * JSON type checks (`json: cannot unmarshal string into Go struct field ...`).');
  lines.push(' *');
  lines.push(
    ' * Type codes: s string, i integer, b boolean, ios int-or-string, q quantity, y base64 bytes,',
  );
  lines.push(
    ' * any free-form JSON, `[]T` list of T, `{}T` map of string to T, otherwise a struct name.',
  );
  lines.push(' */');
  lines.push('');
  lines.push('/** Kind → its struct. */');
  lines.push(
    `export const FIELD_TREE_ROOTS: Readonly<Record<string, string>> = ${JSON.stringify(tree.roots)};`,
  );
  lines.push('');
  lines.push('/** Struct → field → type code. */');
  lines.push(
    `export const FIELD_TREE_STRUCTS: Readonly<Record<string, Readonly<Record<string, string>>>> = ${JSON.stringify(tree.structs)};`,
  );
  lines.push('');
  return lines.join('\n');
}

describe('field tree (strict decoding data)', () => {
  it('matches what kubernetes-types declares', () => {
    const tree = deriveFieldTree();
    if (process.env.UPDATE_FIELD_TREE) {
      const here = dirname(fileURLToPath(import.meta.url));
      writeFileSync(join(here, 'field-tree.ts'), render(tree));
    }
    expect(FIELD_TREE_ROOTS).toEqual(tree.roots);
    expect(FIELD_TREE_STRUCTS).toEqual(tree.structs);
  });

  it('covers the kinds and the fields learners write', () => {
    expect(Object.keys(FIELD_TREE_ROOTS).sort()).toEqual(KINDS.map((k) => k.kind).sort());
    expect(FIELD_TREE_STRUCTS.DeploymentSpec?.replicas).toBe('i');
    expect(FIELD_TREE_STRUCTS.DeploymentSpec?.template).toBe('PodTemplateSpec');
    expect(FIELD_TREE_STRUCTS.PodSpec?.containers).toBe('[]Container');
    expect(FIELD_TREE_STRUCTS.Container?.ports).toBe('[]ContainerPort');
    expect(FIELD_TREE_STRUCTS.ServicePort?.targetPort).toBe('ios');
    expect(FIELD_TREE_STRUCTS.ResourceRequirements?.limits).toBe('{}q');
    expect(FIELD_TREE_STRUCTS.ObjectMeta?.labels).toBe('{}s');
    expect(FIELD_TREE_STRUCTS.Secret?.data).toBe('{}y');
  });
});
