/**
 * Send request through the ingress: with the ingress-nginx add-on and the fan-out example, an
 * Ingress host typed in the URL (`shop.example.com/cart`) goes to the controller with the Host
 * header, the form says so, and the trace shows the controller's nginx routing to a cart pod.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type {} from '../src/ui/host/console-api';
import { openPlayground, tracePanel } from './helpers';

test('an Ingress host typed in Send request goes through the ingress controller', async ({
  page,
}) => {
  const errors = await openPlayground(page);
  const fanout = readFileSync('examples/ingress-fanout/fanout.yml', 'utf8');
  await page.evaluate((text) => {
    const p = window.playground!;
    p.writeFile('fanout.yml', text);
    p.run('playground addons enable ingress-nginx');
    p.run('kubectl apply -f fanout.yml');
    p.advance(120_000);
  }, fanout);

  await page.getByRole('tab', { name: 'Trace' }).click();
  const trace = tracePanel(page);
  await trace.getByRole('button', { name: 'Send request' }).click();
  const form = trace.getByRole('form', { name: 'Send request' });
  await form.getByRole('combobox', { name: 'From' }).selectOption('outside');
  const url = form.getByRole('textbox', { name: 'URL' });
  await url.fill('shop.example.com/cart');
  // The form says where it sends it, as curl would be told to.
  await expect(url).toHaveAccessibleDescription(
    /^shop\.example\.com is a host of Ingress default\/shop: sent to the ingress controller as curl -H 'Host: shop\.example\.com' http:\/\/192\.168\.100\.1\d:3\d{4}\/cart$/,
  );
  await form.getByRole('button', { name: 'Send', exact: true }).click();

  await expect(
    trace.getByRole('heading', {
      name: /^GET http:\/\/192\.168\.100\.1\d:3\d{4}\/cart from the laptop$/,
    }),
  ).toBeVisible();
  const hops = trace.getByRole('listbox', { name: /Hops/ });
  await expect(hops.getByRole('option', { name: /ingress-nginx/ }).first()).toBeVisible();
  await expect(trace.getByText('HTTP/1.1 200 OK')).toBeVisible();
  await expect(trace.locator('.trace-body')).toHaveText('cart');
  expect(errors).toEqual([]);
});
