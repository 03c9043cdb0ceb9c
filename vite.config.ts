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
  // The engine, with its YAML parser and API field tables, is ~0.6 MB before gzip; Monaco will
  // add more and load lazily. Warn only for chunks past 1 MB.
  build: { chunkSizeWarningLimit: 1024 },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
  },
});
