/**
 * A node's packet path lane and the rule in the node's iptables view (issue 7): a `curl` of the
 * ClusterIP from master, the KUBE-SVC hop selected — the lane under master's header shows the
 * visit's stages with KUBE-SVC-… current and its rule; "Show rule in master's iptables" brings
 * the Inspector up on master's Rules tab with that line of `iptables-save -c -t nat` marked.
 */
import { expect, test } from '@playwright/test';
import type {} from '../src/ui/host/console-api';
import {
  applyLesson,
  graph,
  inspector,
  terminalText,
  tracePanel,
  typeCommand,
  openPlayground,
} from './helpers';

test("the KUBE-SVC hop opens master's packet path lane, and its rule shows in master's iptables", async ({
  page,
}) => {
  const errors = await openPlayground(page);
  await applyLesson(page);
  const ip = await page.evaluate(
    () =>
      (window.playground!.get('Service', 'default', 'httpd2')!.spec as { clusterIP: string })
        .clusterIP,
  );
  await typeCommand(page, `curl -s ${ip}`);
  await expect.poll(() => terminalText(page)).toContain('It works!');

  // Stop the animation, then select the KUBE-SVC hop (the endpoint's pick).
  const trace = tracePanel(page);
  const controls = trace.getByRole('toolbar', { name: 'Animation' });
  await controls.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(controls.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  const hops = trace.getByRole('listbox', { name: /Hops/ });
  const svcHop = hops.getByRole('option', { name: /KUBE-SVC-\w+ → KUBE-SEP-/ });
  await svcHop.click();
  await expect(svcHop).toHaveAttribute('aria-selected', 'true');
  const rule = (await svcHop.locator('.trace-rule code').textContent())!;
  expect(rule).toMatch(/^-A KUBE-SVC-\w+ .* -j KUBE-SEP-\w+$/);
  const svcChain = /^-A (KUBE-SVC-\w+)/.exec(rule)![1]!;

  // The lane hangs on master: its stages from the trace, KUBE-SVC-… current, the rule below.
  const lane = graph(page).getByRole('group', { name: 'Packet path on master' });
  await expect(lane).toBeVisible();
  const stages = lane.getByRole('listitem');
  const names = await stages.evaluateAll((els) =>
    els.map((e) => e.querySelector('.packet-lane-name')?.textContent ?? ''),
  );
  expect(names.slice(0, 4)).toEqual(['OUTPUT', 'KUBE-SERVICES', svcChain, names[3]]);
  expect(names[3]).toMatch(/^KUBE-SEP-\w+$/);
  // The routing decision after the DNAT and before POSTROUTING, where the kernel makes it.
  const routing = names.indexOf('routing');
  expect(routing).toBeGreaterThan(3);
  expect(routing).toBeLessThan(names.indexOf('POSTROUTING'));
  await expect(lane.locator('[aria-current=step] .packet-lane-name')).toHaveText(svcChain);
  await expect(lane.locator('.packet-lane-rule code')).toHaveText(rule);
  // The marker stays visible: it is not under the lane.
  const marker = graph(page).locator('.packet-marker');
  await expect(marker).toBeVisible();
  const m = (await marker.locator('.packet-dot').boundingBox())!;
  const l = (await lane.boundingBox())!;
  const centre = { x: m.x + m.width / 2, y: m.y + m.height / 2 };
  const inside =
    centre.x > l.x && centre.x < l.x + l.width && centre.y > l.y && centre.y < l.y + l.height;
  expect(inside).toBe(false);

  // Show the rule in master's iptables: the Inspector, master, its Rules tab, the line marked.
  await trace.getByRole('button', { name: "Show rule in master's iptables" }).click();
  await expect(page.getByRole('tab', { name: 'Inspector' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(lane).toHaveCount(0);
  const insp = inspector(page);
  await expect(insp.getByRole('heading', { name: 'master', level: 2 })).toBeVisible();
  await expect(insp.getByRole('tab', { name: 'Rules' })).toHaveAttribute('aria-selected', 'true');
  const mark = insp.locator('pre[aria-label="iptables-save -c -t nat"] mark');
  await expect(mark).toHaveCount(1);
  await expect(mark).toHaveText(
    new RegExp(`^\\[\\d+:\\d+\\] ${rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
  );
  await expect(mark).toBeInViewport();

  // Selecting another hop marks its rule in the same view: master's DNAT, back in the Inspector.
  await page.getByRole('tab', { name: 'Trace' }).click();
  const dnatHop = hops.getByRole('option', { name: /KUBE-SEP-\w+: DNAT / });
  await dnatHop.click();
  const dnatRule = (await dnatHop.locator('.trace-rule code').textContent())!;
  expect(dnatRule).toMatch(/^-A KUBE-SEP-\w+ .* -j DNAT --to-destination /);
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await expect(mark).toHaveText(
    new RegExp(`^\\[\\d+:\\d+\\] ${dnatRule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
  );
  expect(errors).toEqual([]);
});
