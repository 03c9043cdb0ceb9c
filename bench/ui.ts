/**
 * `npm run bench:ui`: the page's figures as JSON lines (never asserted; CI does not run this).
 *
 *  - js-size: gzip size of the JavaScript `dist/index.html` loads (entry + modulepreloads), and of
 *    the Workbench + engine chunks that load next (Monaco and React Flow load later still).
 *  - graph-interactive: navigation → the graph shows `Node master` (the default cluster), in ms
 *    of the page's own clock (performance.now() since navigation start).
 *  - rollout-frames: frame times (requestAnimationFrame deltas in the page) during ~10 s of real
 *    time while a 200-replica Deployment rolls out (`kubectl set image`) at 1× virtual time.
 *  - settle-frames: the same over 15 s after a 1,000-replica Deployment is applied.
 *  Both list what each frame over 50 ms was made of (Long Animation Frames API), and start once
 *  the page has loaded everything (Monaco, xterm).
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
import type { KObject } from '../src/engine';
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

/**
 * Defines `window.measureFrames(ms)` in the page: requestAnimationFrame deltas for `ms` of real
 * time, and what each frame over 50 ms was made of (Long Animation Frames API: script time by
 * entry point). Source text, so that nothing tsx adds to functions reaches the page.
 */
const MEASURE_FRAMES = `window.measureFrames = (ms) => new Promise((done) => {
  const deltas = [];
  const long = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration <= 50) continue;
      const scripts = (e.scripts || []).filter((x) => x.duration >= 5)
        .map((x) => x.invoker + ' ' + Math.round(x.duration));
      long.push(Math.round(e.duration) + ' ms: ' + (scripts.join(', ') || 'no script'));
    }
  });
  observer.observe({ type: 'long-animation-frame' });
  const start = performance.now();
  let last = start;
  const tick = (t) => {
    deltas.push(t - last);
    last = t;
    if (t - start < ms) requestAnimationFrame(tick);
    else { observer.disconnect(); done({ deltas, long }); }
  };
  requestAnimationFrame(tick);
});`;

interface Frames {
  deltas: number[];
  long: string[];
}

/** Waits until the page has loaded everything (Monaco, xterm): its loading is not measured. */
async function pageReady(page: Page): Promise<void> {
  await page.goto(BASE);
  await page.getByRole('group', { name: /^Node master, Ready/ }).waitFor({ state: 'visible' });
  await page.locator('.monaco-editor').waitFor({ state: 'visible' });
  await page.getByRole('textbox', { name: 'Terminal input' }).waitFor();
  await page.evaluate(MEASURE_FRAMES);
  await page.waitForTimeout(1000);
}

function frameFigures(f: Frames): Record<string, unknown> {
  const d = f.deltas.slice(1).sort((a, b) => a - b);
  const q = (x: number) => Math.round(d[Math.min(d.length - 1, Math.floor(x * d.length))] ?? 0);
  return {
    frames: d.length,
    p50ms: q(0.5),
    p95ms: q(0.95),
    maxms: Math.round(d[d.length - 1] ?? 0),
    over50ms: d.filter((x) => x > 50).length,
    longFrames: f.long,
  };
}

const phasesOf = (pods: readonly KObject[]): Record<string, number> => {
  const phases: Record<string, number> = {};
  for (const o of pods) {
    const phase = (o as { status?: { phase?: string } }).status?.phase ?? '?';
    phases[phase] = (phases[phase] ?? 0) + 1;
  }
  return phases;
};

/** Frame times during ~10 s of a 200-replica rollout (`kubectl set image`) at 1× virtual time. */
async function rolloutFrames(page: Page): Promise<void> {
  await pageReady(page);
  await page.evaluate((yaml) => {
    const p = window.playground;
    if (!p) throw new Error('window.playground is missing');
    p.apply(yaml);
    p.advance(120_000);
  }, BIG);
  // Let the graph catch up with 200 new pods before measuring the rollout itself.
  await page.waitForTimeout(2000);
  const before = await page.evaluate(() => window.playground?.list('Pod', 'default') ?? []);
  const set = await page.evaluate(
    () => window.playground?.run('kubectl set image deployment/big web=httpd:2.4.59').stdout,
  );
  const frames = await page.evaluate('window.measureFrames(10000)');
  const after = await page.evaluate(() => window.playground?.list('Pod', 'default') ?? []);
  line({
    bench: 'rollout-frames',
    replicas: 200,
    set: set?.trim(),
    podsBefore: phasesOf(before),
    podsAfter10s: phasesOf(after),
    ...frameFigures(frames as Frames),
  });
}

/**
 * Frame times while 1,000 pods settle: 1,000 replicas applied at once on the default cluster
 * (two workers of 110 pods each: 220 run, the rest stay Pending and the scheduler keeps
 * retrying them, as on a real cluster), measured over 15 s of real time at 1× virtual time.
 */
async function settleFrames(page: Page): Promise<void> {
  await pageReady(page);
  const apply = await page.evaluate(
    (yaml) => window.playground?.run('kubectl apply -f - <<EOF\n' + yaml + '\nEOF').stdout,
    BIG.replace('replicas: 200', 'replicas: 1000'),
  );
  const frames = await page.evaluate('window.measureFrames(15000)');
  const after = await page.evaluate(() => window.playground?.list('Pod', 'default') ?? []);
  line({
    bench: 'settle-frames',
    replicas: 1000,
    apply: apply?.trim(),
    podsAfter15s: phasesOf(after),
    ...frameFigures(frames as Frames),
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
    // Each scenario in a page of its own, closed afterwards: a page left open keeps its cluster
    // running and would take CPU from the next measurement.
    const inFreshPage = async (scenario: (page: Page) => Promise<void>) => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      // tsx compiles with keepNames: functions passed to page.evaluate call `__name(...)`.
      await ctx.addInitScript('globalThis.__name = (f) => f;');
      try {
        await scenario(await ctx.newPage());
      } finally {
        await ctx.close();
      }
    };
    await inFreshPage(graphInteractive);
    await inFreshPage(rolloutFrames);
    await inFreshPage(settleFrames);
    if (screenshotPath) await inFreshPage((page) => screenshot(page, screenshotPath));
  } finally {
    await browser.close();
  }
} finally {
  server.kill();
}
