/**
 * What the e2e specs share: the page's regions by role and name, the terminal's text and input,
 * and the classic lesson applied from the editor.
 */
import { expect, type Page } from '@playwright/test';
import type {} from '../src/ui/host/console-api';

export const graph = (page: Page) => page.getByRole('region', { name: 'Cluster graph' });
export const editor = (page: Page) => page.getByRole('region', { name: 'Editor' });
export const terminal = (page: Page) => page.getByRole('region', { name: 'Terminal' });
export const tracePanel = (page: Page) => page.getByRole('region', { name: 'Trace' });
export const inspector = (page: Page) => page.getByRole('region', { name: 'Inspector' });

/**
 * Opens the page at the default cluster and collects its errors (console errors and uncaught
 * exceptions): every test ends expecting none.
 */
export async function openPlayground(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(graph(page).getByRole('group', { name: /^Node master, Ready/ })).toBeVisible();
  return errors;
}

/** The terminal's screen as text (xterm's accessibility tree, one row per line). */
export async function terminalText(page: Page): Promise<string> {
  return terminal(page)
    .locator('.xterm-accessibility-tree')
    .evaluate((el) => Array.from(el.children, (row) => row.textContent ?? '').join('\n'));
}

/** Types a command at the terminal and presses Enter. */
export async function typeCommand(page: Page, command: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Terminal input' }).focus();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

/**
 * Applies the lesson's deployment.yml (httpd2 ×3 and its Service) and service.yml (the pod sb
 * and the NodePort Service nginx in front of it) with Ctrl+Enter on their tabs, and lets two
 * virtual minutes pass: every pod Running.
 */
export async function applyLesson(page: Page): Promise<void> {
  for (const file of ['deployment.yml', 'service.yml']) {
    const tab = editor(page).getByRole('tab', { name: file });
    await tab.click();
    await tab.press('Control+Enter');
    await expect(editor(page).getByRole('status')).toContainText('Applied');
  }
  await page.evaluate(() => window.playground?.advance(120_000));
  await expect(
    graph(page).getByRole('group', { name: /^Pod httpd2-[a-z0-9]+-[a-z0-9]+, Running, / }),
  ).toHaveCount(3);
  await expect(graph(page).getByRole('group', { name: /^Pod sb, Running, / })).toBeVisible();
}
