/**
 * The Control plane panel end to end: applying deployment.yml in the editor brings the tab up with
 * the story — kubectl → kube-apiserver → etcd → scheduler → kubelet → kube-proxy; the steps are
 * stepped with the keyboard; after service.yml, a kube-proxy step's diff adds `-A KUBE-SEP-` rules.
 */
import { expect, test, type Page } from '@playwright/test';
import type {} from '../src/ui/host/console-api';
import { editor, openPlayground } from './helpers';

const panel = (page: Page) => page.getByRole('region', { name: 'Control plane' });

async function apply(page: Page, file: string): Promise<void> {
  const tab = editor(page).getByRole('tab', { name: file });
  await tab.click();
  await tab.press('Control+Enter');
  await expect(editor(page).getByRole('status')).toContainText('Applied');
}

test('an apply animates the control plane, step by step, down to the rules kube-proxy writes', async ({
  page,
}) => {
  const errors = await openPlayground(page);

  await apply(page, 'deployment.yml');
  await expect(page.getByRole('tab', { name: 'Control plane' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  const cp = panel(page);
  await expect(cp.getByRole('switch', { name: 'Animate applies' })).toBeChecked();
  // Let the pods start (pull, create, start, Ready) and kube-proxy sync.
  await page.evaluate(() => window.playground?.advance(20_000));
  const steps = cp.getByRole('listbox', { name: 'Steps' });
  await expect(steps.getByRole('option').first()).toHaveText(
    /kubectl sent create Deployment default\/httpd2/,
  );
  await expect(steps).toContainText(
    /kube-apiserver stored Deployment default\/httpd2, resourceVersion \d+/,
  );
  await expect(steps).toContainText(/kube-scheduler bound Pod default\/httpd2-\S+ to node[12]/);
  await expect(steps).toContainText(
    /kubelet on node[12] recorded Event Started for Pod default\/httpd2-/,
  );
  await expect(steps).toContainText(/kube-proxy on node1 rewrote its rules/);

  // Keyboard: pause, Home, then ↓ steps to the second step (kube-apiserver → etcd).
  await cp.getByRole('button', { name: 'Pause' }).click();
  await steps.focus();
  await page.keyboard.press('Home');
  await expect(steps.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(steps.getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(cp.getByRole('img', { name: 'Components: kube-apiserver → etcd' })).toBeVisible();
  await expect(cp.getByRole('region', { name: 'Step detail' })).toContainText(
    /kube-apiserver stored Deployment default\/httpd2, resourceVersion \d+/,
  );
  await page.keyboard.press('ArrowUp');
  await expect(steps.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await cp.getByRole('button', { name: 'Step forward' }).click();
  await expect(steps.getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');

  // service.yml: a new story; sb turns Ready, then kube-proxy adds its KUBE-SEP rules.
  await apply(page, 'service.yml');
  await expect(steps.getByRole('option').first()).toHaveText(/kubectl sent create Pod default\/sb/);
  await page.evaluate(() => window.playground?.advance(20_000));
  const sync = steps.getByRole('option', { name: /kube-proxy on node1 rewrote its rules/ }).first();
  await sync.click();
  const diff = cp.getByLabel('Rules diff');
  await expect(diff).toContainText('+-A KUBE-SEP-');
  await expect(diff).toContainText(
    /\+-A KUBE-SEP-[A-Z0-9]+ -p tcp .* -j DNAT --to-destination 10\.244\.\d+\.\d+:80/,
  );
  await expect(
    cp.getByRole('img', { name: 'Components: kube-proxy on node1 → the rules on node1' }),
  ).toBeVisible();

  // Switched off, an apply is not followed.
  await cp.getByRole('switch', { name: 'Animate applies' }).uncheck();
  await page.evaluate(() => window.playground?.advance(60_000));
  expect(errors).toEqual([]);
});
