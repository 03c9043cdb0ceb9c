import { expect, test } from '@playwright/test';

test('the page boots and lists the default cluster nodes and their pods', async ({ page }) => {
  const foreign: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith('http://127.0.0.1:4173/')) foreign.push(req.url());
  });
  await page.goto('/');
  for (const node of ['master', 'node1', 'node2']) {
    await expect(page.getByRole('article', { name: `Node ${node}` })).toBeVisible();
  }
  const masterPods = page.getByRole('list', { name: 'Pods on master' });
  await expect(masterPods).toContainText('kube-apiserver-master');
  await expect(masterPods).toContainText('etcd-master');
  // Nothing loads from outside the page's own origin: the playground works offline.
  expect(foreign).toEqual([]);
});
