import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, assertChromium, startApp, type RunningApp } from './server';

// Git-ignored; the README points here.
const screenshots = path.join(import.meta.dirname, '..', '..', 'screenshots');

let app: RunningApp;
let browser: Browser;
let page: Page;
const browserErrors: string[] = [];

beforeAll(async () => {
  assertChromium();
  app = await startApp();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => browserErrors.push(error.message));
  // Building the app takes most of this.
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const go = (route: string) => page.goto(`${app.url}${route}`);
const cell = (step: string, customer: string) =>
  page.getByRole('button', { name: new RegExp(`^${step} for ${customer}: `) });
const panel = () => page.getByRole('dialog');
/** Waits until the matrix shows the cell in that status (the page refreshes after each action). */
const cellShows = (step: string, customer: string, status: string) =>
  page.getByRole('button', { name: new RegExp(`^${step} for ${customer}: ${status}`) }).waitFor();

async function expectText(locator: Locator, text: string | RegExp) {
  await locator.filter({ hasText: text }).first().waitFor();
}

async function releaseId(): Promise<string> {
  return /\/releases\/(\d+)/.exec(page.url())![1]!;
}

async function openCell(step: string, customer: string) {
  await cell(step, customer).click();
  await panel().getByRole('heading', { name: step }).waitFor();
  await panel().getByText('History', { exact: true }).waitFor();
}

async function closePanel() {
  await page.keyboard.press('Escape');
  await panel().waitFor({ state: 'detached' });
}

describe('operator flows in Chromium', () => {
  it('serves the seeded example', async () => {
    await go('/releases');
    await page.getByRole('link', { name: 'campaign-pipeline 0.2.0 rollout' }).click();
    await page.getByRole('grid', { name: 'Steps of cluster prod-eu-west' }).waitFor();
    await cell('Helm upgrade', 'Mozambique MoH').waitFor();
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'seeded-matrix.png'), fullPage: true });
    await page
      .getByRole('navigation', { name: 'Clusters shown' })
      .getByRole('link', { name: 'prod-af-south' })
      .click();
    await page.getByRole('grid', { name: 'Steps of cluster prod-eu-west' }).waitFor({ state: 'detached' });
    await page.getByRole('grid', { name: 'Steps of cluster prod-af-south' }).waitFor();
  });

  it('sets the operator name used in the history', async () => {
    await go('/');
    await page.getByLabel('Acting as').fill('Dana');
    // Waited for from before the click: the answer may come before the click returns.
    const saved = page.waitForResponse((response) => response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await saved;
    await page.reload();
    expect(await page.getByLabel('Acting as').inputValue()).toBe('Dana');
  });

  it('creates a cluster and customers, and names a duplicate namespace', async () => {
    await go('/clusters/new');
    await page.getByLabel('Name', { exact: true }).fill('e2e-cluster');
    await page.getByRole('button', { name: 'Create cluster' }).click();
    await page.getByRole('heading', { name: 'e2e-cluster' }).waitFor();
    for (const [name, namespace] of [
      ['Acme', 'acme'],
      ['Bolt', 'bolt'],
    ] as const) {
      await page.getByRole('link', { name: 'Add customer' }).click();
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('Namespace').fill(namespace);
      await page.getByRole('button', { name: 'Create customer' }).click();
      await page.getByRole('heading', { name }).waitFor();
      await page.getByRole('link', { name: 'e2e-cluster' }).click();
    }
    await page.getByRole('link', { name: 'Add customer' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Copy');
    await page.getByLabel('Namespace').fill('acme');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expectText(
      page.getByRole('alert'),
      'Namespace "acme" is already used in cluster "e2e-cluster" by customer "Acme"',
    );
  });

  it('refuses to delete a cluster that still has customers', async () => {
    await go('/clusters');
    await page.getByRole('link', { name: 'e2e-cluster' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete cluster' }).click();
    await expectText(page.getByRole('alert'), 'still has 2 active customers: Acme (acme), Bolt (bolt)');
  });

  it('creates a release with steps and reorders them by drag', async () => {
    await go('/releases/new');
    await page.getByLabel('Name', { exact: true }).fill('E2E release');
    await page.getByLabel('Version').fill('9.9.9');
    await page.getByRole('button', { name: 'Create release and add steps' }).click();
    await page.getByRole('heading', { name: 'Steps of E2E release' }).waitFor();
    const steps: [string, 'deploy' | 'verify', string][] = [
      ['alpha', 'deploy', 'echo alpha {{namespace}}'],
      ['beta', 'deploy', 'echo beta'],
      ['gamma', 'deploy', 'kubectl -n {{namespace}} get pods # {{version}}'],
      ['check', 'verify', 'curl https://{{customer}}.example'],
    ];
    for (const [name, category, content] of steps) {
      const form = page.getByRole('form', { name: 'Add a step' });
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Category').selectOption(category);
      await form.getByLabel('Content').fill(content);
      await form.getByRole('button', { name: 'Add step' }).click();
      await page.getByTestId(`step-item-${name}`).waitFor();
      await expect(form.getByLabel('Name').inputValue()).resolves.toBe('');
    }
    const deploy = page.getByRole('list', { name: 'deploy steps' });
    const handle = deploy.getByRole('button', { name: 'Drag to reorder gamma' });
    const target = deploy.getByTestId('step-item-alpha');
    await deploy.scrollIntoViewIfNeeded();
    const from = (await handle.boundingBox())!;
    const to = (await target.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) {
      await page.mouse.move(from.x + from.width / 2, from.y + (to.y + 5 - from.y) * (i / 12));
    }
    const reordered = page.waitForResponse((response) => response.url().endsWith('/api/steps/reorder'));
    await page.mouse.up();
    await reordered;
    await page.reload();
    const names = await page
      .getByRole('list', { name: 'deploy steps' })
      .locator('[data-testid^="step-item-"]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-testid')));
    expect(names).toEqual(['step-item-gamma', 'step-item-alpha', 'step-item-beta']);
  });

  it('activates the release for chosen customers', async () => {
    await page.getByRole('link', { name: 'Back to the matrix' }).click();
    await page.getByRole('button', { name: 'Activate' }).click();
    const dialog = panel();
    await dialog.getByRole('button', { name: 'Deselect all' }).click();
    await dialog.getByLabel(/^Acme/).click();
    await expectText(dialog, /Selected 1 of \d+ customers/);
    await dialog.getByRole('button', { name: 'Activate' }).click();
    await dialog.waitFor({ state: 'detached' });
    await cell('alpha', 'Acme').waitFor();
    expect(await page.getByRole('grid').count()).toBe(1);
    await expectText(page.getByTestId('progress-Release'), '0/4 · 0%');
  });

  it('marks done, skips with a reason, reverts, overrides and resets in the side panel', async () => {
    await openCell('alpha', 'Acme');
    await expectText(panel().getByTestId('code-content'), 'echo alpha acme');
    await panel().getByRole('button', { name: 'Mark done' }).click();
    await expectText(panel().getByRole('list', { name: 'History' }), /pending → done\s*by Dana/);
    await panel().getByRole('button', { name: 'Revert' }).click();
    await expectText(panel().getByRole('list', { name: 'History' }), 'done → reverted');
    await closePanel();
    await cellShows('alpha', 'Acme', 'reverted');

    await openCell('beta', 'Acme');
    await panel().getByRole('button', { name: 'Skip' }).click();
    await expectText(panel().getByRole('alert'), 'A reason for skipping is required');
    await panel().getByLabel('Note or reason').fill('not needed for this tenant');
    await panel().getByRole('button', { name: 'Skip' }).click();
    await expectText(panel(), 'Skipped: not needed for this tenant');
    await closePanel();

    await openCell('gamma', 'Acme');
    await expectText(panel().getByTestId('code-content'), 'kubectl -n acme get pods # 9.9.9');
    await panel().getByRole('button', { name: 'Override for this customer' }).click();
    await panel().getByLabel('Content for this customer only').fill('kubectl -n {{namespace}} get deploy');
    await panel().getByRole('button', { name: 'Save content' }).click();
    await expectText(panel(), 'overridden');
    await expectText(panel().getByTestId('code-content'), 'kubectl -n acme get deploy');
    await panel().getByRole('button', { name: 'Reset to template' }).click();
    await expectText(panel().getByTestId('code-content'), 'kubectl -n acme get pods # 9.9.9');
    await expectText(panel().getByRole('list', { name: 'History' }), 'reset');
    await panel().getByRole('button', { name: 'Copy step content' }).click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(
      'kubectl -n acme get pods # 9.9.9',
    );
    await closePanel();
    await expectText(page.getByTestId('progress-Release'), '1/4 · 25%');

    await page.getByRole('button', { name: 'Mark check done for Acme' }).click();
    await cellShows('check', 'Acme', 'done');
    await expectText(page.getByTestId('progress-Release'), '2/4 · 50%');
  });

  it('adds a customer to the active release and marks its steps done in bulk', async () => {
    await page.getByRole('button', { name: 'Add customers' }).click();
    const dialog = panel();
    await expect(dialog.getByLabel(/^Acme/).count()).resolves.toBe(0);
    await dialog.getByLabel(/^Bolt/).click();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await cell('alpha', 'Bolt').waitFor();

    const bolt = page.getByRole('columnheader', { name: /Bolt/ });
    await bolt.getByLabel('select open').check();
    await expectText(page.getByRole('toolbar', { name: 'Selection' }), '4 selected');
    await page.getByRole('button', { name: 'Mark selected done' }).click();
    await expectText(page.getByTestId('customer-progress-bolt'), '4/4 · 100%');
    await expectText(page.getByTestId('progress-Release'), '6/8 · 75%');
  });

  it('moves between cells with the keyboard and selects with Space', async () => {
    await cell('gamma', 'Acme').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toMatch(
      /^gamma for Bolt/,
    );
    await page.keyboard.press('ArrowDown');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toMatch(
      /^alpha for Bolt/,
    );
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press(' ');
    await expectText(page.getByRole('toolbar', { name: 'Selection' }), '1 selected');
    await page.keyboard.press('Enter');
    await panel().getByRole('heading', { name: 'alpha' }).waitFor();
    await closePanel();
    await page.getByRole('button', { name: 'Clear selection' }).click();
  });

  it('adds a custom step to the template from a customer view', async () => {
    await page.getByRole('link', { name: 'Acme' }).first().click();
    await page.getByRole('heading', { name: 'Acme in E2E release' }).waitFor();
    await page.getByRole('button', { name: 'Add deploy step' }).click();
    const dialog = panel();
    await dialog.getByLabel('Name').fill('delta');
    await dialog.getByLabel('Content').fill('echo delta {{cluster}}');
    await dialog.getByLabel('Insert position').selectOption({ label: 'Before alpha' });
    await dialog.getByLabel(/Add to template/).click();
    await dialog.getByRole('button', { name: 'Add step' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: 'Step delta' }).waitFor();
    await page.getByRole('link', { name: 'Back to the matrix' }).click();
    await cell('delta', 'Bolt').waitFor();
    await cellShows('delta', 'Acme', 'pending');
    await expectText(page.getByTestId('customer-progress-bolt'), '4/5 · 80%');
    await page.screenshot({ path: path.join(screenshots, 'matrix.png'), fullPage: true });
  });

  it('edits a template step, and the pending copies follow', async () => {
    await page.getByRole('link', { name: /^Steps/ }).click();
    await page.getByRole('button', { name: 'Edit delta' }).click();
    const form = page.getByRole('form', { name: 'Edit delta' });
    await form.getByLabel('Name').fill('delta renamed');
    await form.getByLabel('Content').fill('echo delta on {{namespace}}');
    await form.getByRole('button', { name: 'Save step' }).click();
    await page.getByTestId('step-item-delta renamed').waitFor();
    await page.getByRole('link', { name: 'Back to the matrix' }).click();
    await openCell('delta renamed', 'Bolt');
    await expectText(panel().getByTestId('code-content'), 'echo delta on bolt');
    await expectText(panel().getByRole('list', { name: 'History' }), 'Template changed: name, content');
    await closePanel();
  });

  it('exports the matrix as CSV and JSON and answers unknown ids with 404', async () => {
    const id = await releaseId();
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    expect((await download).suggestedFilename()).toBe('e2e-release.csv');
    const csv = await (await page.request.get(`${app.url}/api/releases/${id}/export?format=csv`)).text();
    expect(csv.split('\r\n')[0]).toBe(
      'cluster,namespace,customer,category,position,step,source,status,executed_at,executed_by,skip_reason,notes',
    );
    expect(csv).toContain(
      'e2e-cluster,acme,Acme,deploy,4,beta,template,skipped,,,not needed for this tenant,',
    );
    expect(csv).toContain('e2e-cluster,bolt,Bolt,verify,1,check,template,done,');
    const json = await page.request.get(`${app.url}/api/releases/${id}/export?format=json`);
    expect((await json.json()).progress.total).toBe(10);
    expect((await page.request.get(`${app.url}/api/releases/99999/export?format=csv`)).status()).toBe(404);
    const missing = await page.request.get(`${app.url}/api/steps/99999/detail`);
    expect(missing.status()).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Step 99999 does not exist' });
    const bad = await page.request.post(`${app.url}/api/steps/reorder`, {
      data: { releaseId: id, category: 'x' },
    });
    expect(bad.status()).toBe(400);
    expect((await page.goto(`${app.url}/releases/99999`))?.status()).toBe(404);
    expect(browserErrors).toEqual([]);
  });
});
