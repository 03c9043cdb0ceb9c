// ESLint flat config. Besides the usual TypeScript rules it enforces the engine boundary:
// src/engine/** is a pure, deterministic simulation, so it may not import UI libraries and may
// not touch wall-clock time or unseeded randomness. `npm run lint` runs with --max-warnings=0.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export const engineBoundaryRules = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['react', 'react/*', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'],
          message: 'src/engine is pure TypeScript: no React or zustand (the UI adapts the engine).',
        },
        {
          group: [
            '@xyflow/*',
            'monaco-editor',
            'monaco-editor/*',
            'monaco-yaml',
            '@monaco-editor/*',
          ],
          message: 'src/engine is pure TypeScript: no graph or editor libraries.',
        },
        {
          group: ['**/ui/*', '**/ui'],
          message: 'The engine never imports the UI; data flows one way.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    {
      name: 'Date',
      message: 'Use the virtual clock (sim/clock.ts); the engine has no wall clock.',
    },
    { name: 'setTimeout', message: 'Schedule on the virtual clock instead.' },
    { name: 'setInterval', message: 'Schedule on the virtual clock instead.' },
    { name: 'performance', message: 'No wall-clock time in the engine.' },
    {
      name: 'crypto',
      message: 'Use the seeded random source (sim/rng.ts) and counters (sim/ids.ts).',
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Use the seeded random source (sim/rng.ts).' },
    { object: 'crypto', property: 'randomUUID', message: 'Use sim/ids.ts.' },
    {
      object: 'globalThis',
      property: 'setTimeout',
      message: 'Schedule on the virtual clock instead.',
    },
    { object: 'globalThis', property: 'Date', message: 'Use the virtual clock.' },
    { object: 'globalThis', property: 'performance', message: 'No wall-clock time in the engine.' },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-*/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: engineBoundaryRules,
  },
);
