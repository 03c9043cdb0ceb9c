#!/usr/bin/env node
/**
 * Generates src/engine/kubectl/explain-data.ts, the schema `kubectl explain` prints, from the
 * OpenAPI descriptions that kubernetes-types (1.30) carries as JSDoc on its .d.ts declarations.
 *
 *   node scripts/gen-explain.mjs           write the module
 *   node scripts/gen-explain.mjs --check   exit 1 if the committed module is out of date
 *
 * Like src/engine/api/field-tree.ts, only the structs reachable from the kinds the simulated API
 * server serves (src/engine/api/kinds.ts) are kept. For each struct: its description and its
 * fields (name, the type as kubectl's plaintext template guesses it, description, required-ness
 * from the absent `?`, and the struct to descend into). Aliases that the OpenAPI document keeps
 * as named schemas (Time, MicroTime, Quantity) are kept too, without fields, because explain
 * prints their descriptions after a field's own.
 *
 * What kubernetes-types loses, and so this module lacks:
 *  - `enum` lists (kubectl 1.30 prints them as `ENUM:` lines when the server publishes them);
 *  - the IntOrString schema's own description (kubernetes-types inlines it as `number | string`).
 *
 * The output is deterministic: structs sorted by key, fields by name, formatted with the repo's
 * prettier configuration.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const typesDir = dirname(require.resolve('kubernetes-types/package.json'));
const OUT = join(root, 'src/engine/kubectl/explain-data.ts');
const KINDS_FILE = join(root, 'src/engine/api/kinds.ts');

/** API group → the declaration file of its v1 types. */
const GROUP_FILE = {
  '': 'core/v1.d.ts',
  apps: 'apps/v1.d.ts',
  'coordination.k8s.io': 'coordination/v1.d.ts',
  'discovery.k8s.io': 'discovery/v1.d.ts',
  'networking.k8s.io': 'networking/v1.d.ts',
};

/** The served kinds, read from kinds.ts's KINDS table: [{ kind, group }]. */
function servedKinds() {
  const sf = ts.createSourceFile(
    'kinds.ts',
    readFileSync(KINDS_FILE, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
  );
  const kinds = [];
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && node.name.getText(sf) === 'KINDS' && node.initializer) {
      let init = node.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression?.(init)) init = init.expression;
      if (!ts.isArrayLiteralExpression(init)) throw new Error('KINDS is not an array literal');
      for (const el of init.elements) {
        if (!ts.isObjectLiteralExpression(el)) continue;
        const entry = {};
        for (const p of el.properties) {
          if (ts.isPropertyAssignment(p) && ts.isStringLiteral(p.initializer))
            entry[p.name.getText(sf)] = p.initializer.text;
        }
        kinds.push({ kind: entry.kind, group: entry.group ?? '' });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (kinds.length === 0) throw new Error('no kinds found in kinds.ts');
  return kinds;
}

/**
 * The description a JSDoc comment carries, with the OpenAPI text's line breaks restored: each
 * ` * ` prefix goes, blank ` *` lines become empty lines.
 */
function jsDocText(text, node) {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const docs = ranges.map((r) => text.slice(r.pos, r.end)).filter((c) => c.startsWith('/**'));
  const raw = docs.at(-1);
  if (raw === undefined) return undefined;
  const body = raw.slice(3, -2);
  if (!body.includes('\n')) return body.trim();
  const lines = body.split('\n');
  // The first line is empty after `/**`, the last holds the closing indentation.
  const inner = lines.slice(1, -1).map((l) => l.replace(/^\s*\* ?/, ''));
  return inner.join('\n');
}

/** Parse a declaration file: its interfaces, aliases and imports. */
function loadFile(rel, cache) {
  if (cache.has(rel)) return cache.get(rel);
  const text = readFileSync(join(typesDir, rel), 'utf8');
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true);
  const file = { rel, decls: new Map(), imports: new Map() };
  cache.set(rel, file);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const target =
        posix.normalize(posix.join(posix.dirname(rel), st.moduleSpecifier.text)) + '.d.ts';
      const named = st.importClause?.namedBindings;
      if (named && ts.isNamedImports(named))
        for (const el of named.elements) file.imports.set(el.name.text, target);
    } else if (ts.isInterfaceDeclaration(st)) {
      const members = [];
      for (const m of st.members) {
        if (!ts.isPropertySignature(m) || !m.type) continue;
        if (!ts.isIdentifier(m.name) && !ts.isStringLiteral(m.name)) continue;
        members.push({
          name: m.name.text,
          type: m.type,
          required: !m.questionToken,
          description: jsDocText(text, m),
        });
      }
      file.decls.set(st.name.text, {
        file: rel,
        name: st.name.text,
        description: jsDocText(text, st),
        members,
      });
    } else if (ts.isTypeAliasDeclaration(st)) {
      file.decls.set(st.name.text, {
        file: rel,
        name: st.name.text,
        description: jsDocText(text, st),
        alias: st.type,
      });
    }
  }
  return file;
}

/** Derive the explain schema: kind → struct key, struct key → { description, fields }. */
export function deriveExplainData() {
  const cache = new Map();
  const lookup = (name, fromRel) => {
    const file = loadFile(fromRel, cache);
    if (file.decls.has(name)) return file.decls.get(name);
    const target = file.imports.get(name);
    return target ? loadFile(target, cache).decls.get(name) : undefined;
  };

  // Struct keys are the Go type names; a name declared in two reachable files is qualified
  // with its file's group (as field-tree.ts does), the core group keeping the bare name.
  const keyOf = new Map();
  const usedBy = new Map(); // key → decl
  const structKey = (d) => {
    if (keyOf.has(d)) return keyOf.get(d);
    let key = d.name;
    const other = usedBy.get(key);
    if (other && other !== d) key = `${d.file.split('/')[0]}.${d.name}`;
    usedBy.set(key, d);
    keyOf.set(d, key);
    return key;
  };

  const types = {};
  /**
   * kubectl's typeGuess for a field (`string`, `[]Container`, `map[string]Quantity`, ...) and
   * the named schema behind it, whose description and fields explain shows.
   */
  const guess = (node, fromRel) => {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'integer' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      default:
    }
    if (ts.isLiteralTypeNode(node)) return { type: 'string' };
    if (ts.isUnionTypeNode(node)) {
      const kinds = node.types.map((t) => t.kind);
      // intstr.IntOrString: a named schema without a type, so kubectl prints its name.
      if (
        kinds.includes(ts.SyntaxKind.NumberKeyword) &&
        kinds.includes(ts.SyntaxKind.StringKeyword)
      )
        return { type: 'IntOrString' };
      return { type: 'Object' };
    }
    if (ts.isArrayTypeNode(node)) {
      const inner = guess(node.elementType, fromRel);
      return { ...inner, type: `[]${inner.type}` };
    }
    if (ts.isTypeLiteralNode(node)) {
      const idx = node.members.find(ts.isIndexSignatureDeclaration);
      if (idx?.type) {
        const inner = guess(idx.type, fromRel);
        return { ...inner, type: `map[string]${inner.type}` };
      }
      return { type: 'Object' };
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const name = node.typeName.text;
      if (name === 'Array' && node.typeArguments?.[0]) {
        const inner = guess(node.typeArguments[0], fromRel);
        return { ...inner, type: `[]${inner.type}` };
      }
      const d = lookup(name, fromRel);
      if (!d) return { type: 'Object' };
      const ref = visit(d);
      if (d.alias) {
        // Time and MicroTime are string schemas (kubectl prints `string`); Quantity has no
        // type in the OpenAPI v3 document (string or number), so kubectl prints its name.
        const aliased = guess(d.alias, d.file).type;
        return { type: name === 'Quantity' ? 'Quantity' : aliased, ref };
      }
      return { type: name, ref };
    }
    return { type: 'Object' };
  };

  const visit = (d) => {
    const key = structKey(d);
    if (types[key]) return key;
    const entry = { description: d.description ?? '', fields: [] };
    types[key] = entry;
    for (const m of d.members ?? []) {
      const g = guess(m.type, d.file);
      const field = { name: m.name, type: g.type, description: m.description ?? '' };
      if (m.required) field.required = true;
      if (g.ref) field.ref = g.ref;
      entry.fields.push(field);
    }
    entry.fields.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return key;
  };

  const roots = {};
  for (const k of servedKinds()) {
    const rel = GROUP_FILE[k.group];
    if (!rel) throw new Error(`no declaration file for group "${k.group}"`);
    const d = loadFile(rel, cache).decls.get(k.kind);
    if (!d) throw new Error(`kubernetes-types has no ${k.kind} in ${rel}`);
    roots[k.kind] = visit(d);
  }
  const sorted = {};
  for (const key of Object.keys(types).sort()) sorted[key] = types[key];
  return { roots, types: sorted };
}

/** The module text, formatted with the repository's prettier configuration. */
export async function generateExplainModule() {
  const { roots, types } = deriveExplainData();
  const version = JSON.parse(readFileSync(join(typesDir, 'package.json'), 'utf8')).version;
  const src = `/**
 * GENERATED by scripts/gen-explain.mjs from kubernetes-types ${version}. Do not edit; run
 * \`node scripts/gen-explain.mjs\` after changing api/kinds.ts or upgrading kubernetes-types.
 *
 * What \`kubectl explain\` prints for the kinds the simulated API server serves: each struct's
 * OpenAPI description and fields. A field's \`type\` is what kubectl's plaintext template shows
 * in \`<...>\`; \`ref\` names the schema behind it (struct or named alias such as Time), whose
 * description explain appends to the field's and whose fields it lists.
 */

export interface ExplainField {
  name: string;
  type: string;
  description: string;
  required?: true;
  ref?: string;
}

export interface ExplainType {
  description: string;
  fields: readonly ExplainField[];
}

/** Kind → its struct. */
export const EXPLAIN_ROOTS: Readonly<Record<string, string>> = ${JSON.stringify(roots)};

/** Struct (or named alias) → its description and fields, sorted by name as kubectl lists them. */
export const EXPLAIN_TYPES: Readonly<Record<string, ExplainType>> = ${JSON.stringify(types)};
`;
  const config = (await prettier.resolveConfig(OUT)) ?? {};
  return prettier.format(src, { ...config, filepath: OUT });
}

async function main() {
  const text = await generateExplainModule();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUT, 'utf8');
    } catch {
      // missing counts as out of date
    }
    if (current !== text) {
      console.error(`${OUT} is out of date: run node scripts/gen-explain.mjs`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT} (${text.length} bytes)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
