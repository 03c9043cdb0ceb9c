/**
 * Proves the lint rules that keep src/engine pure: a file there that imports React or reads the
 * wall clock fails `npm run lint`; the same code outside the engine passes.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('engine boundary (lint)', () => {
  const cases: Array<[string, string, string]> = [
    [
      'react import',
      "import { useState } from 'react';\nexport const x = useState;\n",
      'no-restricted-imports',
    ],
    [
      'zustand import',
      "import { create } from 'zustand';\nexport const x = create;\n",
      'no-restricted-imports',
    ],
    [
      '@xyflow import',
      "import { ReactFlow } from '@xyflow/react';\nexport const x = ReactFlow;\n",
      'no-restricted-imports',
    ],
    [
      'monaco import',
      "import * as m from 'monaco-editor';\nexport const x = m;\n",
      'no-restricted-imports',
    ],
    ['Date.now', 'export const t = Date.now();\n', 'no-restricted-globals'],
    ['new Date', 'export const t = new Date();\n', 'no-restricted-globals'],
    ['setTimeout', 'setTimeout(() => undefined, 1);\n', 'no-restricted-globals'],
    ['setInterval', 'setInterval(() => undefined, 1);\n', 'no-restricted-globals'],
    ['Math.random', 'export const r = Math.random();\n', 'no-restricted-properties'],
    ['performance.now', 'export const t = performance.now();\n', 'no-restricted-globals'],
    ['crypto.randomUUID', 'export const u = crypto.randomUUID();\n', 'no-restricted-globals'],
  ];
  for (const [what, code, rule] of cases) {
    it(`rejects ${what} inside src/engine`, async () => {
      expect(await ruleIds(code, 'src/engine/sim/violation.ts')).toContain(rule);
    });
  }

  it('allows the same code outside the engine', async () => {
    expect(
      await ruleIds('export const t = Date.now() + Math.random();\n', 'src/ui/clock.ts'),
    ).toEqual([]);
  });

  it('passes clean engine code', async () => {
    expect(
      await ruleIds(
        'export const add = (a: number, b: number): number => a + b;\n',
        'src/engine/sim/ok.ts',
      ),
    ).toEqual([]);
  });
});
