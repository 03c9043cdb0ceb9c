import { expect, test } from '@playwright/test';

test('the page boots and shows the default cluster nodes and their pods', async ({ page }) => {
  const foreign: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(`http://127.0.0.1:${process.env.E2E_PORT ?? 4173}/`))
      foreign.push(req.url());
  });
  await page.goto('/');
  const graph = page.getByRole('region', { name: 'Cluster graph' });
  for (const [node, role, ip] of [
    ['master', 'control-plane', '192.168.100.10'],
    ['node1', 'worker', '192.168.100.11'],
    ['node2', 'worker', '192.168.100.12'],
  ]) {
    await expect(
      graph.getByRole('group', { name: `Node ${node}, Ready, ${role}, ${ip}` }),
    ).toBeVisible();
  }
  for (const pod of ['kube-apiserver-master', 'etcd-master']) {
    await expect(graph.getByRole('group', { name: `Pod ${pod}, Running, master` })).toBeVisible();
  }
  // Nothing loads from outside the page's own origin: the playground works offline.
  expect(foreign).toEqual([]);
});
