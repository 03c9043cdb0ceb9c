import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Content-Security-Policy for `vite preview`: everything is served from our own origin.
const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self'",
  "img-src 'self' data:",
].join('; ');

export default defineConfig({
  plugins: [react()],
  preview: { headers: { 'Content-Security-Policy': csp } },
  // Editor (Monaco + monaco-yaml, see /work/shared/STACK.md traps 3-7): monaco-yaml 5.5.1's
  // worker manager imports Monaco's old deep path (monaco-editor/esm/vs/...), which Monaco 0.57's
  // exports map spells monaco-editor/...
  resolve: { alias: [{ find: /^monaco-editor\/esm\/vs\//, replacement: 'monaco-editor/' }] },
  // Monaco's workers (src/ui/editor/*.worker.ts, `?worker` imports) are ES modules.
  worker: { format: 'es' },
  // Pre-bundle the YAML worker's dependencies, or the dev server reloads mid-way on first load.
  optimizeDeps: { include: ['monaco-yaml/yaml.worker.js'] },
  build: {
    // The engine, with its YAML parser and API field tables, is ~0.6 MB before gzip; Monaco
    // (lazy) is ~4 MB. Warn only for chunks past 1 MB.
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Groups pull in their dependencies: without the higher-priority `react` group the
          // `monaco` group swallows React (and Vite's preload helper) and Monaco loads eagerly.
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler)[\\/]|vite[\\/]preload-helper/,
              priority: 20,
            },
            {
              name: 'monaco',
              test: /node_modules[\\/](monaco-editor|monaco-yaml|monaco-[a-z-]+|vscode-[a-z-]+)[\\/]/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
  },
});
