import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
const server = spawn(
  process.execPath,
  [
    'node_modules/vite/bin/vite.js',
    'preview',
    '--outDir',
    '/tmp/dist-prof',
    '--host',
    '127.0.0.1',
    '--port',
    '4175',
    '--strictPort',
  ],
  { stdio: 'ignore' },
);
await new Promise((r) => setTimeout(r, 2500));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
const page = await ctx.newPage();
await page.goto('http://127.0.0.1:4175');
await page.getByRole('group', { name: /^Node master, Ready/ }).waitFor({ state: 'visible' });
await page.waitForTimeout(1500);
const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
spec:
  replicas: ${process.argv[2] ?? 1000}
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
const r = await page.evaluate(`(async () => {
  const p = window.playground; const out = []; const t0 = performance.now();
  new PerformanceObserver((l) => { for (const e of l.getEntries()) out.push({ at: Math.round(e.startTime - t0), d: Math.round(e.duration), block: Math.round(e.blockingDuration), render: Math.round(e.renderStart ? e.startTime + e.duration - e.renderStart : 0), style: Math.round(e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0), scripts: e.scripts.map((s) => [Math.round(s.duration), s.invoker, s.sourceFunctionName, s.invokerType]) }); }).observe({ type: 'long-animation-frame', buffered: false });
  p.run('kubectl apply -f - <<EOF\\n' + ${JSON.stringify(yaml)} + '\\nEOF');
  await new Promise((done) => setTimeout(done, 15000));
  return out.filter((e) => e.d > 40);
})()`);
console.log(JSON.stringify(r, null, 1));
await browser.close();
server.kill();
