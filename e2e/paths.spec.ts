/**
 * Issue 7's request paths end to end, sent with the Trace panel's Send request form: the pod sb
 * → `http://httpd2/` (DNS, then KUBE-SERVICES → KUBE-SVC → KUBE-SEP → DNAT → the pod, a moving
 * marker, `It works!`); the same in userspace mode (the portal rule and kube-proxy, no SVC/SEP
 * chains); the outside client → the nginx NodePort (MASQUERADE: the server sees a node address);
 * a Service without endpoints (REJECT, `Connection refused`, a red marker); and the whole of
 * send/step with the keyboard only. Rule texts and addresses come from the engine's traces (read
 * from the cluster, never typed in). Virtual time moves with `window.playground.advance()`.
 * (Load 100 with a refusing pod is e2e/load.spec.ts.)
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import type {} from '../src/ui/host/console-api';
import {
  applyLesson,
  graph,
  terminalText,
  tracePanel,
  typeCommand,
  openPlayground,
} from './helpers';

const hopList = (page: Page) => tracePanel(page).getByRole('listbox', { name: /Hops/ });
const sendForm = (page: Page) => tracePanel(page).getByRole('form', { name: 'Send request' });
const marker = (page: Page) => graph(page).locator('.packet-marker');
const controls = (page: Page) => tracePanel(page).getByRole('toolbar', { name: 'Animation' });

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Opens the Trace tab's Send request form (if it is not open yet). */
async function openForm(page: Page): Promise<Locator> {
  await page.getByRole('tab', { name: 'Trace' }).click();
  const button = tracePanel(page).getByRole('button', { name: 'Send request' });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  return sendForm(page);
}

/** Sends `url` from `from` (a From value: `pod/default/sb`, `outside`) with the form. */
async function send(page: Page, from: string, url: string): Promise<void> {
  const form = await openForm(page);
  await form.getByRole('combobox', { name: 'From' }).selectOption(from);
  await form.getByRole('textbox', { name: 'URL' }).fill(url);
  await form.getByRole('button', { name: 'Send', exact: true }).click();
}

/** The hop rows' "what" lines of one group of the list (`DNS: …` / `Request: …`), in order. */
async function whats(group: Locator): Promise<string[]> {
  return group
    .getByRole('option')
    .evaluateAll((els) => els.map((e) => e.querySelector('.trace-what')?.textContent ?? ''));
}

/** The index of the first line matching `re` (−1 if none). */
const indexOf = (lines: readonly string[], re: RegExp): number =>
  lines.findIndex((l) => re.test(l));

/** The marker's position on the screen, rounded. */
async function markerAt(page: Page): Promise<string> {
  const box = await marker(page).boundingBox();
  return `${Math.round(box?.x ?? 0)},${Math.round(box?.y ?? 0)}`;
}

/** The selected hop's index (from its row id `trace-hop-N`), or −1. */
async function selectedHop(page: Page): Promise<number> {
  const row = hopList(page).locator('[role=option][aria-selected=true]');
  if ((await row.count()) === 0) return -1;
  return Number((await row.getAttribute('id'))!.replace('trace-hop-', ''));
}

/** Presses `key` until `target` has the focus (at most `max` times). */
async function pressUntilFocused(page: Page, key: string, target: Locator, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(key);
  }
  await expect(target).toBeFocused();
}

const clusterIP = (page: Page, name: string) =>
  page.evaluate(
    (n) =>
      (window.playground?.get('Service', 'default', n) as { spec?: { clusterIP?: string } })?.spec
        ?.clusterIP ?? '',
    name,
  );

test('sb → http://httpd2/: DNS, then KUBE-SERVICES → KUBE-SVC → KUBE-SEP → DNAT → the pod; the marker moves; It works!', async ({
  page,
}) => {
  const errors = await openPlayground(page);
  await applyLesson(page);
  const ip = await clusterIP(page, 'httpd2');
  expect(ip).toMatch(/^10\.\d+\.\d+\.\d+$/);

  await send(page, 'pod/default/sb', 'http://httpd2/');
  const trace = tracePanel(page);
  await expect(
    trace.getByRole('heading', { name: 'GET http://httpd2/ from default/sb' }),
  ).toBeVisible();

  // The DNS lookup comes first, answered with the ClusterIP; then the request.
  const groups = await hopList(page)
    .getByRole('group')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  expect(groups).toEqual([
    `DNS: A httpd2.default.svc.cluster.local. → A ${ip}`,
    'Request: GET http://httpd2/ from default/sb',
  ]);
  const dns = await whats(hopList(page).getByRole('group', { name: /^DNS: / }));
  expect(dns[0]).toMatch(/^default\/sb sends DNS query A httpd2\.default\.svc\.cluster\.local\./);
  expect(indexOf(dns, /answers A /)).toBeGreaterThan(0);

  // The request: the chain hops in order, then the pod gets it and answers.
  const request = hopList(page).getByRole('group', { name: /^Request: / });
  const lines = await whats(request);
  const path = [
    indexOf(lines, new RegExp(`^default/sb sends SYN .* → ${escape(ip)}:80`)),
    indexOf(lines, /^KUBE-SERVICES → KUBE-SVC-\w+ \(default\/httpd2 cluster IP\)/),
    indexOf(lines, /^KUBE-SVC-\w+ → KUBE-SEP-\w+ \(default\/httpd2 -> 10\.244\.[\d.]+:80\)/),
    indexOf(lines, new RegExp(`^KUBE-SEP-\\w+: DNAT ${escape(ip)}:80 → 10\\.244\\.[\\d.]+:80`)),
    indexOf(lines, /→ eth0 of default\/httpd2-[a-z0-9]+-[a-z0-9]+ \(10\.244\.[\d.]+:80\)$/),
    indexOf(lines, /^default\/httpd2-[a-z0-9]+-[a-z0-9]+ \(httpd\) answers 200 OK/),
  ];
  expect(path.every((i) => i >= 0)).toBe(true);
  expect([...path].sort((a, b) => a - b)).toEqual(path);
  // The DNAT's address is the pod that got it.
  const dnat = lines[path[3]!]!;
  const podIP = /→ (10\.244\.[\d.]+):80/.exec(dnat)![1]!;
  expect(lines[path[4]!]).toContain(`(${podIP}:80)`);
  await expect(request.getByRole('option', { name: /: DNAT / })).toContainText(
    `dst ${ip}:80 → ${podIP}:80`,
  );

  // The marker is on the graph and moves by itself while the trace plays.
  await expect(marker(page)).toBeVisible();
  await expect(controls(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  const first = await markerAt(page);
  await expect.poll(() => markerAt(page), { timeout: 5000 }).not.toBe(first);

  await expect(trace.getByText('HTTP/1.1 200 OK')).toBeVisible();
  await expect(trace.locator('.trace-page')).toHaveText('It works!');
  expect(errors).toEqual([]);
});

test('in userspace mode the path goes through kube-proxy: the portal rule, no KUBE-SVC/KUBE-SEP', async ({
  page,
}) => {
  const errors = await openPlayground(page);
  await applyLesson(page);
  const ip = await clusterIP(page, 'httpd2');

  await page
    .getByRole('group', { name: 'Networking' })
    .getByRole('combobox', { name: 'Proxy mode' })
    .selectOption('userspace');
  await page.evaluate(() => window.playground?.advance(10_000));

  await send(page, 'pod/default/sb', 'http://httpd2/');
  const trace = tracePanel(page);
  await expect(
    trace.getByRole('heading', { name: 'GET http://httpd2/ from default/sb' }),
  ).toBeVisible();
  const request = hopList(page).getByRole('group', { name: /^Request: / });
  const lines = await whats(request);

  // The portal rule redirects the ClusterIP to kube-proxy's port; kube-proxy dials a pod.
  const portal = indexOf(
    lines,
    new RegExp(
      `^KUBE-PORTALS-CONTAINER: REDIRECT ${escape(ip)}:80 → [\\d.]+:\\d+ \\(default/httpd2\\)`,
    ),
  );
  const accepts = indexOf(lines, /^kube-proxy's socket for default\/httpd2\/tcp accepts on /);
  const dials = indexOf(lines, /^kube-proxy dials 10\.244\.[\d.]+:80/);
  const answers = indexOf(lines, /^default\/httpd2-[a-z0-9]+-[a-z0-9]+ \(httpd\) answers 200 OK/);
  expect([portal, accepts, dials, answers].every((i) => i >= 0)).toBe(true);
  expect(portal < accepts && accepts < dials && dials < answers).toBe(true);
  const portalRow = request.getByRole('option', { name: /KUBE-PORTALS-CONTAINER: REDIRECT/ });
  await expect(portalRow).toContainText(
    new RegExp(
      `-A KUBE-PORTALS-CONTAINER -d ${escape(ip)}/32 -p tcp .*--dport 80 -j REDIRECT --to-ports \\d+`,
    ),
  );
  // kube-proxy hops are their own kind of row.
  const kinds = await request
    .getByRole('option')
    .evaluateAll((els) => els.map((e) => e.querySelector('.trace-kind')?.textContent ?? ''));
  expect(kinds).toContain('kube-proxy');
  // The iptables-mode chains are gone.
  expect(lines.filter((l) => /KUBE-SVC-|KUBE-SEP-/.test(l))).toEqual([]);
  await expect(trace.locator('.trace-page')).toHaveText('It works!');
  expect(errors).toEqual([]);
});

test('the outside client → the nginx NodePort: MASQUERADE, and the server sees a node address as source', async ({
  page,
}) => {
  const errors = await openPlayground(page);
  await applyLesson(page);
  // The lesson's nginx Service is a NodePort in front of sb; send to the NodePort of sb's node.
  const { nodePort, nodeName } = await page.evaluate(() => {
    const svc = window.playground?.get('Service', 'default', 'nginx') as {
      spec?: { type?: string; ports?: Array<{ nodePort?: number }> };
    };
    const pod = window.playground?.get('Pod', 'default', 'sb') as { spec?: { nodeName?: string } };
    if (svc?.spec?.type !== 'NodePort') return { nodePort: 0, nodeName: '' };
    return { nodePort: svc.spec.ports?.[0]?.nodePort ?? 0, nodeName: pod?.spec?.nodeName ?? '' };
  });
  expect(nodePort).toBeGreaterThanOrEqual(30000);
  const node = await page.evaluate(
    (n) =>
      window.playground?.get('Node', undefined, n) as {
        spec?: { podCIDR?: string };
        status?: { addresses?: Array<{ type: string; address: string }> };
      },
    nodeName,
  );
  const nodeIP = node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
  // The node's own addresses: its InternalIP, and on its pod network the bridge (cni0, .1) and
  // the VXLAN device (flannel.1, .0) — MASQUERADE takes the one of the interface it leaves by.
  const subnet = node.spec!.podCIDR!.replace(/\.0\/\d+$/, '');
  const nodeAddresses = [nodeIP, `${subnet}.1`, `${subnet}.0`];

  await send(page, 'outside', `http://${nodeIP}:${nodePort}/`);
  const trace = tracePanel(page);
  await expect(
    trace.getByRole('heading', { name: `GET http://${nodeIP}:${nodePort}/ from the laptop` }),
  ).toBeVisible();
  const request = hopList(page).getByRole('group', { name: /^Request: / });
  const lines = await whats(request);
  const path = [
    indexOf(lines, new RegExp(`^KUBE-SERVICES → KUBE-NODEPORTS`)),
    indexOf(lines, /^KUBE-NODEPORTS → KUBE-EXT-\w+ \(default\/nginx\)/),
    indexOf(lines, /→ KUBE-MARK-MASQ /),
    indexOf(lines, new RegExp(`^KUBE-SEP-\\w+: DNAT ${escape(nodeIP)}:${nodePort} → 10\\.244\\.`)),
    indexOf(lines, /^KUBE-POSTROUTING: MASQUERADE /),
    indexOf(lines, /→ eth0 of default\/sb \(/),
  ];
  expect(path.every((i) => i >= 0)).toBe(true);
  expect([...path].sort((a, b) => a - b)).toEqual(path);

  // The MASQUERADE hop rewrites the source from the laptop's address to the node's.
  const masq = request.getByRole('option', { name: /KUBE-POSTROUTING: MASQUERADE / });
  await expect(masq).toContainText('-j MASQUERADE');
  const natLine = await masq.locator('.trace-nat').first().innerText();
  const m = /^src ([\d.]+):\d+ → ([\d.]+):\d+$/.exec(natLine.replace(/\s+/g, ' ').trim());
  expect(m).not.toBeNull();
  const [, before, after] = m!;
  expect(nodeAddresses).not.toContain(before);
  expect(nodeAddresses).toContain(after);

  // On the graph: at the MASQUERADE hop the marker says where the packet comes from now.
  await controls(page).getByRole('button', { name: 'Pause', exact: true }).click();
  await masq.click();
  await expect(marker(page)).toContainText(`from ${after}:`);
  // And the server logged the node's address, not the laptop's.
  await expect(
    trace.getByText(new RegExp(`which saw the client as ${escape(after!)}:\\d+`)),
  ).toBeVisible();
  await expect(trace.locator('.trace-page')).toContainText('Welcome to nginx!');
  expect(errors).toEqual([]);
});

test('a Service with no endpoints: the REJECT hop, Connection refused, a red marker', async ({
  page,
}) => {
  const errors = await openPlayground(page);
  await applyLesson(page);
  // A Service whose selector (app=ghost) matches no pod.
  await typeCommand(page, 'kubectl create service clusterip ghost --tcp=80:80');
  await expect.poll(() => terminalText(page)).toContain('service/ghost created');
  await page.evaluate(() => window.playground?.advance(10_000));
  const ip = await clusterIP(page, 'ghost');

  await send(page, 'pod/default/sb', 'http://ghost/');
  const trace = tracePanel(page);
  await expect(
    trace.getByRole('heading', { name: 'GET http://ghost/ from default/sb' }),
  ).toBeVisible();
  const request = hopList(page).getByRole('group', { name: /^Request: / });
  const reject = request.getByRole('option', {
    name: /KUBE-SERVICES: REJECT \(default\/ghost(:[\w-]+)? has no endpoints\)/,
  });
  await expect(reject).toContainText(
    new RegExp(`-A KUBE-SERVICES -d ${escape(ip)}/32 -p tcp .*--dport 80 -j REJECT`),
  );
  const lines = await whats(request);
  expect(indexOf(lines, /KUBE-SVC-|KUBE-SEP-/)).toBe(-1);
  expect(indexOf(lines, /Connection refused/)).toBeGreaterThan(
    indexOf(lines, /KUBE-SERVICES: REJECT/),
  );
  await expect(trace.locator('.trace-outcome')).toHaveText('Connection refused');
  await expect(
    trace.getByText(/curl: \(7\) Failed to connect to ghost port 80 .*Connection refused/),
  ).toBeVisible();

  // The marker at the failing hop is red, and says why.
  await controls(page).getByRole('button', { name: 'Pause', exact: true }).click();
  await hopList(page).focus();
  await page.keyboard.press('End');
  await expect(marker(page)).toHaveClass(/\bis-fail\b/);
  await expect(marker(page)).toHaveAttribute('aria-label', /, failed: .*Connection refused/);
  const [r, g, b] = await marker(page)
    .locator('.packet-dot')
    .evaluate((el) => (getComputedStyle(el).backgroundColor.match(/\d+/g) ?? []).map(Number));
  expect(r! - Math.max(g!, b!)).toBeGreaterThan(80);
  expect(errors).toEqual([]);
});

test('keyboard only: open Send request, fill From and URL, send, step the hops', async ({
  page,
}) => {
  const errors = await openPlayground(page);
  await applyLesson(page);

  // From the page's start, Shift+Tab reaches the right column (the editor's Monaco keeps Tab);
  // the side tabs are a tablist (one tab stop, the selected tab): → walks to Trace.
  await page.locator('body').focus();
  const tabs = page.getByRole('tablist', { name: 'Side panels' });
  await pressUntilFocused(page, 'Shift+Tab', tabs.getByRole('tab', { selected: true }));
  const traceTab = tabs.getByRole('tab', { name: 'Trace' });
  for (let i = 0; i < 5 && (await traceTab.getAttribute('aria-selected')) !== 'true'; i++)
    await page.keyboard.press('ArrowRight');
  await expect(traceTab).toBeFocused();
  await expect(traceTab).toHaveAttribute('aria-selected', 'true');

  // Tab to Send request; Enter opens the form with the focus on From.
  const sendButton = tracePanel(page).getByRole('button', { name: 'Send request' });
  await pressUntilFocused(page, 'Tab', sendButton, 10);
  await page.keyboard.press('Enter');
  const form = sendForm(page);
  const from = form.getByRole('combobox', { name: 'From' });
  await expect(from).toBeFocused();
  // ↓ on the closed select walks its options: to the pod sb.
  for (let i = 0; i < 30 && (await from.inputValue()) !== 'pod/default/sb'; i++)
    await page.keyboard.press('ArrowDown');
  await expect(from).toHaveValue('pod/default/sb');
  await page.keyboard.press('Tab'); // Target
  await page.keyboard.press('Tab'); // URL
  const url = form.getByRole('textbox', { name: 'URL' });
  await expect(url).toBeFocused();
  await page.keyboard.type('http://httpd2/');
  await page.keyboard.press('Enter');
  const trace = tracePanel(page);
  await expect(
    trace.getByRole('heading', { name: 'GET http://httpd2/ from default/sb' }),
  ).toBeVisible();

  // The playback controls: Tab to Pause, Space pauses.
  const pause = controls(page).getByRole('button', { name: 'Pause', exact: true });
  await pressUntilFocused(page, 'Tab', pause, 30);
  await page.keyboard.press('Space');
  const play = controls(page).getByRole('button', { name: 'Play', exact: true });
  await expect(play).toBeVisible();
  await expect(play).toBeFocused();
  await expect.poll(() => selectedHop(page)).toBeGreaterThanOrEqual(0);
  const paused = await selectedHop(page);

  // Tab to Step forward, Enter: the next hop is selected, and the marker goes with it. (Once more
  // first, so that stepping back below ends on a hop that still has one before it: Step back is
  // disabled on the first hop, and a disabled button loses the focus.)
  const forward = controls(page).getByRole('button', { name: 'Step forward' });
  await page.keyboard.press('Tab');
  await expect(forward).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => selectedHop(page)).toBeGreaterThan(paused);
  const at = await selectedHop(page);
  await page.keyboard.press('Enter');
  await expect.poll(() => selectedHop(page)).toBeGreaterThan(at);
  const next = await selectedHop(page);
  await expect(marker(page)).toHaveAttribute('data-hop', String(next));
  await page.keyboard.press('Space');
  await expect.poll(() => selectedHop(page)).toBeGreaterThan(next);

  // Shift+Tab ×2 to Step back (over Play), Space twice: back where it was.
  const back = controls(page).getByRole('button', { name: 'Step back' });
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect(back).toBeFocused();
  await page.keyboard.press('Space');
  await expect.poll(() => selectedHop(page)).toBe(next);
  await page.keyboard.press('Enter');
  await expect.poll(() => selectedHop(page)).toBe(at);
  await expect(marker(page)).toHaveAttribute('data-hop', String(at));

  // The hop list: Tab to it; ↓/↑ step, Home/End jump; the marker follows.
  const list = hopList(page);
  await pressUntilFocused(page, 'Tab', list, 15);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => selectedHop(page)).toBeGreaterThan(at);
  const down = await selectedHop(page);
  await expect(list).toHaveAttribute('aria-activedescendant', `trace-hop-${down}`);
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => selectedHop(page)).toBe(at);
  await page.keyboard.press('Home');
  await expect(list.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await expect(marker(page)).toHaveAttribute('aria-label', /^Packet at hop 1: /);
  await page.keyboard.press('End');
  await expect(list.getByRole('option').last()).toHaveAttribute('aria-selected', 'true');
  await expect(list.getByRole('option').last()).toContainText('the client receives the answer');
  await expect(trace.locator('.trace-page')).toHaveText('It works!');
  expect(errors).toEqual([]);
});
