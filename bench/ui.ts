/**
 * `npm run bench:ui`: the page's figures as JSON lines (never asserted; CI does not run this).
 *
 *  - js-size: gzip size of the JavaScript `dist/index.html` loads (entry + modulepreloads), and of
 *    the Workbench + engine chunks that load next (Monaco and React Flow load later still).
 *  - graph-interactive: navigation → the graph shows `Node master` (the default cluster), in ms
 *    of the page's own clock (performance.now() since navigation start).
 *  - rollout-frames: frame times (requestAnimationFrame deltas in the page) during ~10 s of real
 *    time while a 200-replica Deployment rolls out (`kubectl set image`) at 1× virtual time.
 *
 * It builds the app, starts `vite preview` itself (through node, so killing it kills vite) and
 * stops it at the end. Debian's Chromium by default (CHROMIUM_PATH overrides, '' = Playwright's).
 * `npm run bench:ui -- --screenshot docs/screenshot.png` also saves a 1280×720 screenshot of the
 * classic lesson applied (deployment.yml and service.yml, pods Running).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
// Brings in the `window.playground` global declaration (types only).
import type {} from '../src/ui/host/console-api';

const PORT = 4174;
const BASE = `http://127.0.0.1:${PORT}`;
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshotArg = process.argv.indexOf('--screenshot');
const screenshotPath = screenshotArg >= 0 ? process.argv[screenshotArg + 1] : undefined;

const line = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const kb = (n: number) => Math.round(n / 102.4) / 10;

function jsSizes(): void {
  const html = readFileSync('dist/index.html', 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map(
    (m) => m[1] ?? '',
  );
  const gz = (f: string) => gzipSync(readFileSync(join('dist', f))).length;
  const raw = (f: string) => readFileSync(join('dist', f)).length;
  const sum = (fs: string[], size: (f: string) => number) => fs.reduce((a, f) => a + size(f), 0);
  const assets = readdirSync('dist/assets').map((f) => `assets/${f}`);
  const next = assets.filter((f) => /^assets\/(Workbench|engine)-.*\.js$/.test(f));
  line({
    bench: 'js-size',
    initialFiles: initial,
    initialKB: kb(sum(initial, raw)),
    initialGzipKB: kb(sum(initial, gz)),
    workbenchEngineFiles: next,
    workbenchEngineKB: kb(sum(next, raw)),
    workbenchEngineGzipKB: kb(sum(next, gz)),
  });
}

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(BASE)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`vite preview did not start on ${BASE}`);
}

async function graphInteractive(page: Page): Promise<void> {
  await page.goto(BASE);
  await page.getByRole('group', { name: /^Node master, Ready/ }).waitFor({ state: 'visible' });
  const ms = await page.evaluate(() => performance.now());
  line({ bench: 'graph-interactive', ms: Math.round(ms) });
}

const BIG = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
spec:
  replicas: 200
  selector:
    matchLabels:
      app: big
  template:
    metadata:
      labels:
        app: big
    spec:
      containers:
      - name: web
        image: httpd:2.4`;

async function rolloutFrames(page: Page): Promise<void> {
  await page.goto(BASE);
  await page.getByRole('group', { name: /^Node master, Ready/ }).waitFor({ state: 'visible' });
  await page.evaluate((yaml) => {
    const p = window.playground;
    if (!p) throw new Error('window.playground is missing');
    p.apply(yaml);
    p.advance(120_000);
  }, BIG);
  // Let the graph catch up with 200 new pods before measuring the rollout itself.
  await page.waitForTimeout(2000);
  const r = await page.evaluate(async () => {
    const p = window.playground;
    if (!p) throw new Error('window.playground is missing');
    const running = () =>
      p
        .list('Pod', 'default')
        .filter((o) => (o as { status?: { phase?: string } }).status?.phase === 'Running').length;
    const before = running();
    const out = p.run('kubectl set image deployment/big web=httpd:2.4.59');
    const deltas: number[] = [];
    await new Promise<void>((done) => {
      const start = performance.now();
      let last = start;
      const tick = (t: number) => {
        deltas.push(t - last);
        last = t;
        if (t - start < 10_000) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    return {
      before,
      after: running(),
      pods: p.list('Pod', 'default').length,
      set: out.stdout.trim(),
      deltas,
    };
  });
  const d = r.deltas.slice(1).sort((a, b) => a - b);
  const q = (x: number) => Math.round(d[Math.min(d.length - 1, Math.floor(x * d.length))] ?? 0);
  line({
    bench: 'rollout-frames',
    replicas: 200,
    runningBefore: r.before,
    podsAfter10s: r.pods,
    runningAfter10s: r.after,
    frames: d.length,
    p50ms: q(0.5),
    p95ms: q(0.95),
    maxms: Math.round(d[d.length - 1] ?? 0),
    over50ms: d.filter((x) => x > 50).length,
  });
}

/**
 * Frame times while 1,000 pods settle: 1,000 replicas applied at once on the default cluster
 * (two workers of 110 pods each: 220 run, the rest stay Pending and the scheduler keeps
 * retrying them, as on a real cluster), measured over 15 s of real time at 1× virtual time.
 */
async function settleFrames(page: Page): Promise<void> {
  await page.goto(BASE);
  await page.getByRole('group', { name: /^Node master, Ready/ }).waitFor({ state: 'visible' });
  const r = await page.evaluate(
    async (yaml) => {
      const p = window.playground;
      if (!p) throw new Error('window.playground is missing');
      const deltas: number[] = [];
      const apply = p.run('kubectl apply -f - <<EOF\n' + yaml + '\nEOF');
      await new Promise<void>((done) => {
        const start = performance.now();
        let last = start;
        const tick = (t: number) => {
          deltas.push(t - last);
          last = t;
          if (t - start < 15_000) requestAnimationFrame(tick);
          else done();
        };
        requestAnimationFrame(tick);
      });
      const phases: Record<string, number> = {};
      for (const o of p.list('Pod', 'default')) {
        const phase = (o as { status?: { phase?: string } }).status?.phase ?? '?';
        phases[phase] = (phases[phase] ?? 0) + 1;
      }
      return { apply: apply.stdout.trim(), phases, deltas };
    },
    BIG.replace('replicas: 200', 'replicas: 1000'),
  );
  const d = r.deltas.slice(1).sort((a, b) => a - b);
  const q = (x: number) => Math.round(d[Math.min(d.length - 1, Math.floor(x * d.length))] ?? 0);
  line({
    bench: 'settle-frames',
    replicas: 1000,
    apply: r.apply,
    podsAfter15s: r.phases,
    frames: d.length,
    p50ms: q(0.5),
    p95ms: q(0.95),
    maxms: Math.round(d[d.length - 1] ?? 0),
    over50ms: d.filter((x) => x > 50).length,
  });
}

async function screenshot(page: Page, path: string): Promise<void> {
  await page.goto(BASE);
  await page.getByRole('group', { name: /^Node master, Ready/ }).waitFor({ state: 'visible' });
  await page.evaluate(() => {
    const p = window.playground;
    if (!p) throw new Error('window.playground is missing');
    p.run('kubectl apply -f deployment.yml');
    p.run('kubectl apply -f service.yml');
    p.advance(60_000);
  });
  const running = page.getByRole('group', { name: /^Pod httpd2-\S+, Running, / });
  await running.nth(2).waitFor({ state: 'visible' });
  await page.locator('.monaco-editor').waitFor({ state: 'visible' });
  const input = page.getByRole('textbox', { name: 'Terminal input' });
  await input.focus();
  await page.keyboard.type('kubectl get pods');
  await page.keyboard.press('Enter');
  await page
    .getByRole('group', { name: /^Pod httpd2-/ })
    .first()
    .click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path });
  line({ bench: 'screenshot', path });
}

spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
  stdio: 'inherit',
});
jsSizes();
const server = spawn(
  process.execPath,
  [
    'node_modules/vite/bin/vite.js',
    'preview',
    '--host',
    '127.0.0.1',
    '--port',
    String(PORT),
    '--strictPort',
  ],
  { stdio: 'ignore' },
);
try {
  await waitForServer();
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-quic'],
  });
  try {
    const fresh = async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      // tsx compiles with keepNames: functions passed to page.evaluate call `__name(...)`.
      await ctx.addInitScript('globalThis.__name = (f) => f;');
      return ctx.newPage();
    };
    await graphInteractive(await fresh());
    await rolloutFrames(await fresh());
    await settleFrames(await fresh());
    if (screenshotPath) await screenshot(await fresh(), screenshotPath);
  } finally {
    await browser.close();
  }
} finally {
  server.kill();
}
