import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
await ctx.addInitScript('globalThis.__name = (f) => f;');
const page = await ctx.newPage();
await page.goto('http://127.0.0.1:4175');
await page.getByRole('group', { name: /^Node master, Ready/ }).waitFor({ state: 'visible' });
await page.waitForTimeout(1500);
const cdp = await ctx.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
spec:
  replicas: 1000
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
  const p = window.playground; const deltas = [];
  p.run('kubectl apply -f - <<EOF\\n' + ${JSON.stringify(yaml)} + '\\nEOF');
  await new Promise((done) => { const start = performance.now(); let last = start; const tick = (t) => { deltas.push(Math.round(t - last)); last = t; if (t - start < 15000) requestAnimationFrame(tick); else done(); }; requestAnimationFrame(tick); });
  return deltas.filter((d) => d > 50);
})()`);
console.log(r);
const { profile } = await cdp.send('Profiler.stop');
writeFileSync('/tmp/ui.cpuprofile', JSON.stringify(profile));
await browser.close();
server.kill();
