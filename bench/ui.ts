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
 *  - request-frames: frame times while a Load of 100 requests (Send request form, pod sb → the
 *    httpd2 Service, the classic lesson applied) animates on the graph: from the click until the
 *    last dot lands.
 *  They list what each frame over 50 ms was made of (Long Animation Frames API), and start once
 *  the page has loaded everything (Monaco, xterm). `-- --only request-frames` runs one scenario.
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
/** The build's directory (BENCH_OUTDIR: another, when several builds run at once). */
const OUT = process.env.BENCH_OUTDIR ?? 'dist';
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshotArg = process.argv.indexOf('--screenshot');
const screenshotPath = screenshotArg >= 0 ? process.argv[screenshotArg + 1] : undefined;
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1] : undefined;
const wanted = (name: string) => only === undefined || only === name;

const line = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const kb = (n: number) => Math.round(n / 102.4) / 10;

function jsSizes(): void {
  const html = readFileSync(join(OUT, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map(
    (m) => m[1] ?? '',
  );
  const gz = (f: string) => gzipSync(readFileSync(join(OUT, f))).length;
  const raw = (f: string) => readFileSync(join(OUT, f)).length;
  const sum = (fs: string[], size: (f: string) => number) => fs.reduce((a, f) => a + size(f), 0);
  const assets = readdirSync(join(OUT, 'assets')).map((f) => `assets/${f}`);
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

/**
 * Defines `window.measureLoad()`: requestAnimationFrame deltas from now until the graph's Load
 * layer (LoadDots.tsx) has been running and is done (the last dot landed), and the long frames.
 */
const MEASURE_LOAD = `window.measureLoad = () => new Promise((done) => {
  const deltas = [];
  const long = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration <= 50) continue;
      const scripts = (e.scripts || []).filter((x) => x.duration >= 5)
        .map((x) => x.invoker + ' ' + (x.sourceFunctionName || '') + '@' + (x.sourceURL || '').split('/').pop() + ':' + x.sourceCharPosition + ' ' + Math.round(x.duration) + ' (layout ' + Math.round(x.forcedStyleAndLayoutDuration) + ')');
      long.push(Math.round(e.duration) + ' ms (render ' + Math.round(e.renderStart ? e.startTime + e.duration - e.renderStart : 0) + ', style/layout ' + Math.round(e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0) + '): ' + (scripts.join(', ') || 'no script'));
    }
  });
  observer.observe({ type: 'long-animation-frame' });
  const start = performance.now();
  let last = start;
  let seen = false;
  const tick = (t) => {
    deltas.push(t - last);
    last = t;
    const state = document.querySelector('.load-dots')?.dataset.state;
    if (state === 'running') seen = true;
    if ((seen && state === 'done') || t - start > 20000) {
      observer.disconnect();
      done({ deltas, long, ms: t - start, state });
    } else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
});`;

/** Frame times while Load 100 (pod sb → the httpd2 Service) animates, until the last dot lands. */
async function requestFrames(page: Page): Promise<void> {
  await pageReady(page);
  await page.evaluate(() => {
    const p = window.playground;
    if (!p) throw new Error('window.playground is missing');
    p.run('kubectl apply -f deployment.yml');
    p.run('kubectl apply -f service.yml');
    p.advance(120_000);
  });
  await page
    .getByRole('group', { name: /^Pod httpd2-\S+, Running, / })
    .nth(2)
    .waitFor({ state: 'visible' });
  await page.getByRole('tab', { name: 'Trace' }).click();
  const trace = page.getByRole('region', { name: 'Trace' });
  await trace.getByRole('button', { name: 'Send request' }).click();
  const form = trace.getByRole('form', { name: 'Send request' });
  await form.getByRole('combobox', { name: 'From' }).selectOption('pod/default/sb');
  const target = form.getByRole('combobox', { name: 'Target' });
  const label = (await target.locator('option').allTextContents()).find((t) =>
    t.startsWith('default/httpd2 — '),
  );
  if (!label) throw new Error('no httpd2 target');
  await target.selectOption({ label });
  await page.waitForTimeout(1000);
  await page.evaluate(MEASURE_LOAD);
  const measuring = page.evaluate('window.measureLoad()');
  await trace
    .getByRole('group', { name: 'Load' })
    .getByRole('button', { name: 'Load 100' })
    .click();
  const f = (await measuring) as Frames & { ms: number; state: string };
  const counts = await page
    .locator('.load-badge')
    .evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.count)));
  const d = f.deltas.slice(1).sort((a, b) => a - b);
  const q = (x: number) => d[Math.min(d.length - 1, Math.floor(x * d.length))] ?? 0;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  line({
    bench: 'request-frames',
    requests: 100,
    state: f.state,
    landed: counts.reduce((a, b) => a + b, 0),
    animationMs: Math.round(f.ms),
    frames: d.length,
    medianMs: r1(q(0.5)),
    p95Ms: r1(q(0.95)),
    maxMs: r1(d[d.length - 1] ?? 0),
    over50: d.filter((x) => x > 50).length,
    longFrames: f.long,
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

spawnSync(
  process.execPath,
  ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', '--outDir', OUT],
  {
    stdio: 'inherit',
  },
);
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
    '--outDir',
    OUT,
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
    if (wanted('graph-interactive')) await inFreshPage(graphInteractive);
    if (wanted('rollout-frames')) await inFreshPage(rolloutFrames);
    if (wanted('settle-frames')) await inFreshPage(settleFrames);
    if (wanted('request-frames')) await inFreshPage(requestFrames);
    if (screenshotPath) await inFreshPage((page) => screenshot(page, screenshotPath));
  } finally {
    await browser.close();
  }
} finally {
  server.kill();
}
