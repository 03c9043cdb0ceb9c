/**
 * The Trace panel end to end: a `curl` typed at the terminal shows its hops (KUBE-SERVICES →
 * KUBE-SVC → KUBE-SEP → DNAT) and the answer; hops are selected with the keyboard and the graph
 * highlights the hop's node; the trace copies as text; the Send request form sends from a pod by
 * name (DNS hops first). Virtual time moves with `window.playground.advance()`.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type {} from '../src/ui/host/console-api';
import { applyLesson, graph, terminalText, tracePanel, typeCommand } from './helpers';

const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}/`;

test('a curl at the terminal shows its path in the Trace panel, and Send request sends another', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
  const foreign: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(ORIGIN) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto('/');
  await expect(graph(page).getByRole('group', { name: /^Node master, Ready/ })).toBeVisible();
  await applyLesson(page);

  await typeCommand(page, 'kubectl get svc httpd2');
  await expect.poll(() => terminalText(page)).toMatch(/httpd2\s+ClusterIP\s+10\.\d+\.\d+\.\d+/);
  const ip = /httpd2\s+ClusterIP\s+(10\.\d+\.\d+\.\d+)/.exec(await terminalText(page))![1]!;

  await typeCommand(page, `curl -s ${ip}`);
  await expect.poll(() => terminalText(page)).toContain('It works!');

  // The Trace tab came up with the request's hops, in order, and the answer.
  await expect(page.getByRole('tab', { name: 'Trace' })).toHaveAttribute('aria-selected', 'true');
  const trace = tracePanel(page);
  await expect(trace.getByRole('heading', { name: `GET http://${ip}/ from master` })).toBeVisible();
  const hops = trace.getByRole('listbox', { name: /Hops/ });
  const names = await hops
    .getByRole('option')
    .evaluateAll((els) => els.map((e) => e.querySelector('.trace-what')?.textContent ?? ''));
  const at = (re: RegExp) => names.findIndex((n) => re.test(n));
  const path = [
    at(/^KUBE-SERVICES → KUBE-SVC-/),
    at(/^KUBE-SVC-\w+ → KUBE-SEP-/),
    at(/^KUBE-SEP-\w+: DNAT /),
  ];
  expect(path.every((i) => i >= 0)).toBe(true);
  expect([...path].sort((a, b) => a - b)).toEqual(path);
  const svcHop = hops.getByRole('option', { name: /KUBE-SERVICES → KUBE-SVC-/ });
  await expect(svcHop).toContainText(`dst is the ClusterIP ${ip} and dport 80`);
  await expect(svcHop).toContainText(`-A KUBE-SERVICES -d ${ip}/32 -p tcp`);
  await expect(hops.getByRole('option', { name: /KUBE-SVC-\w+ → KUBE-SEP-/ })).toContainText(
    /Chose endpoint [123] of 3/,
  );
  await expect(hops.getByRole('option', { name: /: DNAT / })).toContainText(
    new RegExp(`dst ${ip.replace(/\./g, '\\.')}:80 → 10\\.244\\.\\d+\\.\\d+:80`),
  );
  await expect(trace.getByText('HTTP/1.1 200 OK')).toBeVisible();
  await expect(trace.locator('.trace-page')).toHaveText('It works!');

  // The animation plays the new trace: pause it and clear the selection for the keyboard steps.
  await trace.getByRole('button', { name: 'Pause', exact: true }).click();
  await hops.focus();
  await page.keyboard.press('Escape');
  // Keyboard: ↓ selects the first hop (master sends), the graph highlights master's box; ↓ again.
  await hops.focus();
  await page.keyboard.press('ArrowDown');
  const first = hops.getByRole('option').first();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(first).toContainText('master sends SYN');
  await expect(graph(page).locator('.react-flow__node.trace-hop-target')).toHaveAttribute(
    'data-id',
    'Node/master',
  );
  await page.keyboard.press('ArrowDown');
  await expect(hops.getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');

  // Copy: the whole trace as text.
  await trace.getByRole('button', { name: 'Copy' }).click();
  await expect(trace.getByRole('status')).toHaveText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.split('\n')[0]).toMatch(new RegExp(`^GET http://${ip}/ from master — 200 OK in`));
  expect(copied).toContain('why: dst is the ClusterIP');
  expect(copied).toContain('<html><body><h1>It works!</h1></body></html>');

  // Send request, by keyboard where the form allows: from the pod sb to http://httpd2/.
  await trace.getByRole('button', { name: 'Send request' }).press('Enter');
  const form = trace.getByRole('form', { name: 'Send request' });
  const from = form.getByRole('combobox', { name: 'From' });
  await expect(from).toBeFocused();
  await from.selectOption('pod/default/sb');
  await page.keyboard.press('Tab'); // Target
  await page.keyboard.press('Tab'); // URL
  await expect(form.getByRole('textbox', { name: 'URL' })).toBeFocused();
  await page.keyboard.type('http://httpd2/');
  await page.keyboard.press('Enter');
  await expect(
    trace.getByRole('heading', { name: 'GET http://httpd2/ from default/sb' }),
  ).toBeVisible();
  await expect(
    hops.getByRole('group', { name: `DNS: A httpd2.default.svc.cluster.local. → A ${ip}` }),
  ).toBeVisible();
  await expect(hops.getByRole('group', { name: /^Request: GET http:\/\/httpd2\// })).toBeVisible();
  await expect(trace.locator('.trace-page')).toHaveText('It works!');

  // A pick from the target list fills the URL: the NodePort from outside.
  await form.getByRole('combobox', { name: 'From' }).selectOption('outside');
  const target = form.getByRole('combobox', { name: 'Target' });
  const label = (await target.locator('option').allTextContents()).find((t) =>
    t.startsWith('default/nginx on node1'),
  )!;
  await target.selectOption({ label });
  await form.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(trace.getByRole('heading', { name: /from the laptop$/ })).toBeVisible();
  await expect(hops.getByRole('option', { name: /: MASQUERADE / })).toBeVisible();
  await expect(trace.locator('.trace-page')).toContainText('Welcome to nginx!');

  // Selecting a pod in the graph brings the Inspector back, and offers to send from it.
  await graph(page)
    .getByRole('group', { name: /^Pod sb, Running/ })
    .click();
  await expect(page.getByRole('tab', { name: 'Inspector' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.getByRole('button', { name: 'Send request from sb' }).click();
  await expect(form.getByRole('combobox', { name: 'From' })).toHaveValue('pod/default/sb');

  // Pick on graph: a click on the httpd2 Service card picks it as the target, by DNS name from
  // a pod; the card is not selected for the Inspector (the form stays up).
  await form.getByRole('button', { name: 'Pick on graph' }).click();
  await expect(form.getByRole('button', { name: 'Pick on graph' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await graph(page)
    .getByRole('group', { name: /^Service httpd2\b/ })
    .click();
  await expect(form.getByRole('textbox', { name: 'URL' })).toHaveValue('http://httpd2/');
  await expect(form.getByRole('textbox', { name: 'URL' })).toBeFocused();
  await expect(form.getByRole('button', { name: 'Pick on graph' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );

  // The Outside client on the graph sends from outside.
  await graph(page).getByRole('button', { name: 'Outside client: send request' }).click();
  await expect(form.getByRole('combobox', { name: 'From' })).toHaveValue('outside');

  const axe = await new AxeBuilder({ page }).include('.side').analyze();
  const bad = axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});

test('a request animates a packet marker on the graph, and the step buttons move the selected hop', async ({
  page,
}) => {
  await page.goto('/');
  await expect(graph(page).getByRole('group', { name: /^Node master, Ready/ })).toBeVisible();
  await applyLesson(page);
  await typeCommand(page, 'kubectl exec sb -- curl -s http://httpd2/');
  await expect.poll(() => terminalText(page)).toContain('It works!');

  // The marker exists on the graph, and moves by itself (a new trace plays).
  const marker = graph(page).locator('.packet-marker');
  await expect(marker).toBeVisible();
  await expect(marker).toHaveAttribute('aria-label', /^Packet at hop \d+: → 10\.\d+\.\d+\.\d+:53/);
  const where = async () => {
    const box = await marker.boundingBox();
    return `${Math.round(box?.x ?? 0)},${Math.round(box?.y ?? 0)}`;
  };
  const first = await where();
  await expect.poll(where, { timeout: 5000 }).not.toBe(first);

  // Pause; the step buttons move the selected row (and the marker with it).
  const trace = tracePanel(page);
  const controls = trace.getByRole('toolbar', { name: 'Animation' });
  await controls.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(controls.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  const hops = trace.getByRole('listbox', { name: /Hops/ });
  const selected = hops.locator('[role=option][aria-selected=true]');
  const idOf = async () => Number((await selected.getAttribute('id'))!.replace('trace-hop-', ''));
  const at = await idOf();
  await controls.getByRole('button', { name: 'Step forward' }).click();
  await expect.poll(idOf).toBeGreaterThan(at);
  const next = await idOf();
  await expect(marker).toHaveAttribute('data-hop', String(next));
  await controls.getByRole('button', { name: 'Step back' }).press('Enter');
  await expect.poll(idOf).toBe(at);
  await expect(marker).toHaveAttribute('data-hop', String(at));

  // Speed is a group of toggle buttons; Replay starts over from the first hop, playing.
  await controls.getByRole('button', { name: '4×' }).click();
  await expect(controls.getByRole('button', { name: '4×' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await controls.getByRole('button', { name: 'Replay' }).click();
  await expect(controls.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  // At 4× the whole request plays out; the marker ends back at the client, with the answer.
  await expect(controls.getByRole('button', { name: 'Play', exact: true })).toBeVisible({
    timeout: 15_000,
  });
  await expect(hops.getByRole('option').last()).toHaveAttribute('aria-selected', 'true');

  // Reduced motion: the marker jumps (no transition).
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await marker.evaluate((e) => getComputedStyle(e).transitionDuration)).toBe('0s');
});
