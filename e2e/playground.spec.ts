/**
 * The playground page end to end, by role and accessible name: the default cluster, Apply and the
 * terminal agreeing, an invalid edit, persistence and Reset, no foreign requests, no console
 * errors, and an axe scan. Virtual time is moved with `window.playground.advance()` so no test
 * waits on real time for the cluster.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
// Brings in the `window.playground` global declaration (types only).
import type {} from '../src/ui/host/console-api';
import { editor, graph, terminalText } from './helpers';

const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}/`;

interface PageWatch {
  foreign: string[];
  consoleErrors: string[];
}

/** Records requests leaving the origin and console errors / uncaught exceptions on the page. */
function watch(page: Page): PageWatch {
  const w: PageWatch = { foreign: [], consoleErrors: [] };
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(ORIGIN) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      w.foreign.push(url);
    }
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') w.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => w.consoleErrors.push(err.message));
  return w;
}

async function open(page: Page): Promise<void> {
  await page.goto('/');
  await expect(graph(page).getByRole('group', { name: /^Node master, Ready/ })).toBeVisible();
}

/** Lets virtual time pass through the console API (no real waiting). */
async function advance(page: Page, ms: number): Promise<void> {
  await page.evaluate((n) => window.playground?.advance(n), ms);
}

/** A JSON snapshot of the cluster objects a manifest could touch, for "nothing changed" checks. */
async function clusterState(page: Page): Promise<string> {
  return page.evaluate(() => {
    const p = window.playground;
    if (!p) throw new Error('window.playground is missing');
    return JSON.stringify(
      ['Deployment', 'ReplicaSet', 'Pod', 'Service'].map((k) =>
        p.list(k, 'default').map((o) => [k, o.metadata.name, o.metadata.resourceVersion]),
      ),
    );
  });
}

test('first open shows the three nodes and the system pods', async ({ page }) => {
  const w = watch(page);
  await open(page);
  for (const [node, role, ip] of [
    ['master', 'control-plane', '192.168.100.10'],
    ['node1', 'worker', '192.168.100.11'],
    ['node2', 'worker', '192.168.100.12'],
  ]) {
    await expect(
      graph(page).getByRole('group', { name: `Node ${node}, Ready, ${role}, ${ip}` }),
    ).toBeVisible();
  }
  for (const pod of [
    'etcd-master',
    'kube-apiserver-master',
    'kube-controller-manager-master',
    'kube-scheduler-master',
  ]) {
    await expect(
      graph(page).getByRole('group', { name: `Pod ${pod}, Running, master` }),
    ).toBeVisible();
  }
  // One kube-proxy per node, all Running.
  await expect(
    graph(page).getByRole('group', { name: /^Pod kube-proxy-\w+, Running, / }),
  ).toHaveCount(3);
  // The classic lesson's files are the editor's tabs.
  for (const f of ['deployment.yml', 'test.yml', 'service.yml']) {
    await expect(editor(page).getByRole('tab', { name: f })).toBeVisible();
  }
  expect(w.foreign).toEqual([]);
  expect(w.consoleErrors).toEqual([]);
});

test('Apply on deployment.yml runs three httpd2 pods, and kubectl get pods agrees', async ({
  page,
}) => {
  const w = watch(page);
  await open(page);
  await editor(page).getByRole('tab', { name: 'deployment.yml' }).click();
  await editor(page)
    .getByRole('button', { name: /^Apply/ })
    .click();
  await expect(editor(page).getByRole('status')).toContainText('Applied');
  await advance(page, 60_000);

  const running = graph(page).getByRole('group', {
    name: /^Pod httpd2-[a-z0-9]+-[a-z0-9]+, Running, node\d$/,
  });
  await expect(running).toHaveCount(3);
  const names = (
    await running.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))
  )
    .map((label) => /^Pod (\S+),/.exec(label)?.[1] ?? '')
    .sort();

  const input = page.getByRole('textbox', { name: 'Terminal input' });
  await input.focus();
  await page.keyboard.type('kubectl get pods');
  await page.keyboard.press('Enter');
  await expect.poll(() => terminalText(page)).toMatch(/NAME\s+READY\s+STATUS/);
  const text = await terminalText(page);
  for (const name of names) expect(text).toMatch(new RegExp(`${name}\\s+1/1\\s+Running`));
  const rows = text.split('\n').filter((l) => /^httpd2-/.test(l.trim()));
  expect(rows).toHaveLength(3);

  expect(w.foreign).toEqual([]);
  expect(w.consoleErrors).toEqual([]);
});

/** The pods the graph draws in `default`, as `name status` from their accessible names. */
async function graphPods(page: Page): Promise<string[]> {
  return graph(page)
    .getByRole('group', { name: /^Pod httpd2-/ })
    .evaluateAll((els) =>
      els.map((e) => {
        const m = /^Pod (\S+), ([^,]+),/.exec(e.getAttribute('aria-label') ?? '');
        return m ? `${m[1]} ${m[2]}` : '';
      }),
    );
}

test('editing the image and applying rolls the pods over, live in the graph', async ({ page }) => {
  const w = watch(page);
  await open(page);
  await editor(page).getByRole('tab', { name: 'deployment.yml' }).click();
  const apply = editor(page).getByRole('button', { name: /^Apply/ });
  await apply.click();
  await expect(editor(page).getByRole('status')).toContainText('Applied');
  await advance(page, 60_000);
  await expect.poll(async () => (await graphPods(page)).length).toBe(3);
  const oldPods = await graphPods(page);
  for (const p of oldPods) expect(p).toMatch(/ Running$/);
  const oldHash = oldPods[0]!.split('-')[1]!;

  // Line 19 is `      - image: 3199560936/httpd:v0.4`: make it v0.5.
  const monaco = editor(page).locator('.monaco-editor');
  await monaco.click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 18; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('5');
  await page.keyboard.press('Escape');
  await apply.click();
  await expect(editor(page).getByRole('status')).toContainText('1 configured, 1 unchanged');

  // While virtual time runs, new pods are created and old ones terminate: a surge pod of the
  // new ReplicaSet comes first, then the old pods go Terminating one by one.
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        await advance(page, 400);
        for (const p of await graphPods(page)) {
          const [name, status] = p.split(' ');
          seen.add(`${name!.split('-')[1] === oldHash ? 'old' : 'new'} ${status}`);
        }
        return seen.has('new ContainerCreating') && seen.has('old Terminating');
      },
      { timeout: 30_000, intervals: [50] },
    )
    .toBe(true);
  await advance(page, 120_000);
  await expect
    .poll(async () => {
      const pods = await graphPods(page);
      return pods.length === 3 && pods.every((p) => / Running$/.test(p) && !p.includes(oldHash));
    })
    .toBe(true);
  expect(w.foreign).toEqual([]);
  expect(w.consoleErrors).toEqual([]);
});

test('an invalid edit shows a problem at its line and changes nothing in the cluster', async ({
  page,
}) => {
  const w = watch(page);
  await open(page);
  const before = await clusterState(page);
  await editor(page).getByRole('tab', { name: 'deployment.yml' }).click();
  const monaco = editor(page).locator('.monaco-editor');
  await expect(monaco).toBeVisible();
  await monaco.click();
  // Line 9 is `  replicas: 3`: make it a YAML syntax error (a mapping inside a compact value).
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.type(' x: y');

  const problems = editor(page).getByRole('list', { name: 'Problems' });
  await expect(problems.getByRole('listitem').first()).toContainText('Ln 9');
  await expect(monaco.locator('.squiggly-error').first()).toBeVisible();

  await editor(page)
    .getByRole('button', { name: /^Apply/ })
    .click();
  await expect(editor(page).getByRole('status')).toContainText('Apply failed');
  await advance(page, 30_000);
  expect(await clusterState(page)).toEqual(before);
  expect(w.foreign).toEqual([]);
  expect(w.consoleErrors).toEqual([]);
});

test('a reload keeps the edited workspace and Reset restores the lesson', async ({ page }) => {
  const w = watch(page);
  await open(page);
  const original = await page.evaluate(() => window.playground?.readFile('test.yml'));
  await editor(page).getByRole('tab', { name: 'test.yml' }).click();
  const monaco = editor(page).locator('.monaco-editor');
  await monaco.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('# edited by e2e');
  await expect
    .poll(() => page.evaluate(() => window.playground?.readFile('test.yml') ?? ''))
    .toContain('# edited by e2e');

  await page.reload();
  await expect(graph(page).getByRole('group', { name: /^Node master, Ready/ })).toBeVisible();
  expect(await page.evaluate(() => window.playground?.readFile('test.yml'))).toContain(
    '# edited by e2e',
  );

  await page.getByRole('banner').getByRole('button', { name: 'Reset', exact: true }).click();
  await page.getByRole('button', { name: 'Yes, reset' }).click();
  await expect
    .poll(() => page.evaluate(() => window.playground?.readFile('test.yml')))
    .toEqual(original);
  await expect(editor(page).locator('.monaco-editor')).not.toContainText('edited by e2e');
  expect(w.foreign).toEqual([]);
  expect(w.consoleErrors).toEqual([]);
});

test('axe finds no serious or critical accessibility violations', async ({ page }) => {
  await open(page);
  await expect(editor(page).locator('.monaco-editor')).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
});
