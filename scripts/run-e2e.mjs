#!/usr/bin/env node
// Runs the Playwright e2e suite against a fresh production build. Before anything else it checks
// that a Chromium exists and, if not, says exactly how to get one instead of failing obscurely.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (chromium && !existsSync(chromium)) {
  console.error(
    [
      `e2e: no Chromium found at ${chromium}.`,
      '  On Debian/Ubuntu:  sudo apt-get install -y chromium   (installs /usr/bin/chromium)',
      '  Elsewhere:         npx playwright install chromium && CHROMIUM_PATH= npm run test:e2e',
      '  Or point CHROMIUM_PATH at a Chromium/Chrome binary you already have.',
    ].join('\n'),
  );
  process.exit(1);
}

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const outDir = process.env.E2E_OUTDIR ?? 'dist';
run(process.execPath, [
  'node_modules/vite/bin/vite.js',
  'build',
  '--logLevel',
  'warn',
  '--outDir',
  outDir,
]);
run(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', ...process.argv.slice(2)]);
