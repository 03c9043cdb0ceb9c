/**
 * Load and faults end to end: Load 100 from a node to httpd2's ClusterIP spreads over its three
 * pods; the Inspector's Refuse button annotates one pod (the terminal echoes the kubectl, the
 * graph shows the badge) and the next Load 100 in iptables mode has failures; in userspace mode
 * kube-proxy retries the next endpoint and none fail. Each Load animates on the graph: at most
 * 24 dots travel at once, count badges at the pods show the rest, and in the end the badges sum
 * to the Load. Virtual time moves with `window.playground.advance()`.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import type {} from '../src/ui/host/console-api';
import { applyLesson, graph, terminalText, tracePanel, openPlayground } from './helpers';

/** The chart's bars as [label, count] (each item is named `label: count`). */
async function bars(chart: Locator): Promise<Array<[string, number]>> {
  const names = await chart
    .getByRole('listitem')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return names.map((n) => {
    const m = /^(.*?): (\d+)/.exec(n);
    return [m?.[1] ?? n, Number(m?.[2] ?? NaN)];
  });
}

/** The Load's dots travelling now (the pool's idle circles are hidden). */
const dotsShown = (page: Page) =>
  graph(page)
    .locator('.load-dot')
    .evaluateAll((els) => els.filter((e) => (e as SVGElement).style.display !== 'none').length);

/** The count badges on the graph, summed. */
const badgeSum = (page: Page) =>
  graph(page)
    .locator('.load-badge')
    .evaluateAll((els) => els.reduce((a, e) => a + Number((e as HTMLElement).dataset.count), 0));

async function load100(page: Page): Promise<Array<[string, number]>> {
  const trace = tracePanel(page);
  await page.getByRole('tab', { name: 'Trace' }).click();
  await trace
    .getByRole('group', { name: 'Load' })
    .getByRole('button', { name: 'Load 100' })
    .click();
  // While the dots travel: some, never more than the cap, and counts for the rest.
  const layer = graph(page).locator('.load-dots');
  await expect(layer).toHaveAttribute('data-state', 'running');
  await expect.poll(() => dotsShown(page)).toBeGreaterThan(0);
  const peak: number[] = [];
  while ((await layer.getAttribute('data-state')) === 'running') {
    peak.push(await dotsShown(page));
    if (peak.length > 400) break;
  }
  expect(Math.max(...peak)).toBeLessThanOrEqual(24);
  await expect(graph(page).locator('.load-badge').first()).toBeVisible();
  // The last dot has landed: the badges count every request.
  await expect(layer).toHaveAttribute('data-state', 'done');
  expect(await badgeSum(page)).toBe(100);
  expect(await dotsShown(page)).toBe(0);
  const chart = trace.getByRole('region', { name: 'Load chart' });
  await expect(chart.getByRole('status')).toHaveText(/^100 sent: \d+ answered, \d+ failed$/);
  return bars(chart.getByRole('list', { name: 'Answers by endpoint' }));
}

/** Opens Send request from node1 to httpd2's ClusterIP (picked from the targets); the Trace panel. */
async function formToHttpd2(page: Page): Promise<Locator> {
  await page.getByRole('tab', { name: 'Trace' }).click();
  const trace = tracePanel(page);
  await trace.getByRole('button', { name: 'Send request' }).click();
  const form = trace.getByRole('form', { name: 'Send request' });
  await form.getByRole('combobox', { name: 'From' }).selectOption('node/node1');
  const target = form.getByRole('combobox', { name: 'Target' });
  const label = (await target.locator('option').allTextContents()).find((t) =>
    t.startsWith('default/httpd2 — '),
  )!;
  await target.selectOption({ label });
  return trace;
}

const failed = (b: Array<[string, number]>): number => b.find(([l]) => l === 'failed')?.[1] ?? -1;
const answered = (b: Array<[string, number]>): Array<[string, number]> =>
  b.filter(([l]) => l !== 'failed');

test('Load 100 spreads over the pods; a refusing pod fails in iptables mode, not in userspace', async ({
  page,
}) => {
  const errors = await openPlayground(page);
  await applyLesson(page);

  // The form: from node1 to httpd2's ClusterIP, picked from the targets.
  const trace = await formToHttpd2(page);

  const first = await load100(page);
  expect(answered(first)).toHaveLength(3);
  expect(answered(first).every(([l]) => /^httpd2-/.test(l))).toBe(true);
  expect(answered(first).reduce((a, [, n]) => a + n, 0)).toBe(100);
  expect(failed(first)).toBe(0);
  // Only the last request's trace is in the panel.
  await expect(
    trace.getByRole('heading', { name: /^GET http:\/\/10\.[\d.]+\/ from node1$/ }),
  ).toBeVisible();

  // Refuse on one pod, with the Inspector's button: the kubectl is echoed, the graph shows it.
  const pod = graph(page)
    .getByRole('group', { name: /^Pod httpd2-[a-z0-9]+-[a-z0-9]+, Running, / })
    .first();
  const podName = (await pod.getAttribute('aria-label'))!.split(',')[0]!.slice('Pod '.length);
  await pod.click();
  const faults = page
    .getByRole('region', { name: 'Inspector' })
    .getByRole('group', { name: 'Faults' });
  await expect(faults.getByRole('button', { name: 'Heal' })).toBeDisabled();
  await faults.getByRole('button', { name: 'Refuse' }).click();
  await expect
    // (Long lines wrap at the terminal's width.)
    .poll(async () => (await terminalText(page)).replace(/\n/g, ''))
    .toContain(
      `kubectl annotate pod ${podName} playground/fault=refuse --overwrite` +
        `pod/${podName} annotated`,
    );
  // (A command may switch the side panel to the Control plane's animation.)
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await expect(faults.getByRole('button', { name: 'Refuse' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const faulty = graph(page).getByRole('group', {
    name: new RegExp(`^Pod ${podName}, .*, fault refuse$`),
  });
  await expect(faulty).toBeVisible();
  await expect(faulty.locator('.k8s-fault-badge')).toHaveText('refuse');

  const refused = await load100(page);
  expect(failed(refused)).toBeGreaterThan(0);
  // The failures have a red badge of their own, counting them.
  const failBadges = graph(page).locator('.load-badge.is-fail');
  await expect(failBadges.first()).toBeVisible();
  expect(
    await failBadges.evaluateAll((els) =>
      els.reduce((a, e) => a + Number((e as HTMLElement).dataset.count), 0),
    ),
  ).toBe(failed(refused));
  expect(answered(refused).map(([l]) => l)).not.toContain(podName);
  await expect(
    trace.getByRole('listitem', { name: /^failed: \d+ \(refused \d+\)$/ }),
  ).toBeVisible();

  // Userspace: kube-proxy retries the next endpoint when one refuses.
  await page
    .getByRole('group', { name: 'Networking' })
    .getByRole('combobox', { name: 'Proxy mode' })
    .selectOption('userspace');
  await page.evaluate(() => window.playground?.advance(10_000));
  const userspace = await load100(page);
  expect(failed(userspace)).toBe(0);
  expect(answered(userspace).reduce((a, [, n]) => a + n, 0)).toBe(100);

  // Heal: the badge goes.
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await faults.getByRole('button', { name: 'Heal' }).click();
  await expect(graph(page).getByRole('group', { name: /fault refuse$/ })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('with reduced motion a Load moves no dot: the badges count alone', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('/');
  await expect(graph(page).getByRole('group', { name: /^Node master, Ready/ })).toBeVisible();
  await applyLesson(page);
  const trace = await formToHttpd2(page);
  await trace
    .getByRole('group', { name: 'Load' })
    .getByRole('button', { name: 'Load 10', exact: true })
    .click();
  const layer = graph(page).locator('.load-dots');
  await expect(layer).toHaveAttribute('data-state', 'running');
  expect(await dotsShown(page)).toBe(0);
  await expect(layer).toHaveAttribute('data-state', 'done');
  expect(await badgeSum(page)).toBe(10);
  await expect(
    graph(page).getByRole('img', { name: /^\d+ requests? reached httpd2-/ }),
  ).toHaveCount(await graph(page).locator('.load-badge').count());
});
