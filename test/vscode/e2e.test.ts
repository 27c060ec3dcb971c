// Recipe A: end to end as a user would do it. Installs the packaged extension (layerwise-*.vsix at
// the project root, from `npm run package`) into a fresh code-server, opens a copy of
// examples/hello in headless Chromium, and checks the Problems panel, the "Layerwise: Build Image"
// command and the Layers view. Saves test-results/e2e-layers.png.
// Skips, saying why, when code-server/chromium are not installed or there is no VSIX.
//   node --test out/test/vscode/e2e.test.js
// Env: LAYERWISE_VSIX (another VSIX), LAYERWISE_VSCODE_VERBOSE=1, LAYERWISE_KEEP_TMP=1.
import * as path from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { acceptInputBox, runPalette, sleep } from './code-server';
import { resultsDir, runE2E } from './e2e-harness';

const OVERALL_TIMEOUT = Number(process.env.LAYERWISE_E2E_TIMEOUT) || 110_000;
const COPY_TEXT = 'COPY hello.txt while.sh /';

test('e2e: the packaged extension lints, builds and shows layers in a real VS Code', { timeout: OVERALL_TIMEOUT + 20_000 }, async (t) => {
  const settings = { 'workbench.panel.defaultLocation': 'bottom', 'problems.autoReveal': false, 'workbench.editor.enablePreview': false };
  await runE2E(t, { settings, timeoutMs: OVERALL_TIMEOUT, failureShot: 'e2e-failure.png' }, async (p, step) => {
    // Open the Dockerfile from the Explorer.
    const explorerItem = p.getByRole('treeitem', { name: 'Dockerfile' });
    await explorerItem.waitFor({ timeout: 60_000 });
    step('workbench ready');
    await explorerItem.click();
    await p.locator('.tabs-container .tab.active', { hasText: 'Dockerfile' }).waitFor({ timeout: 20_000 });
    await p.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'ENTRYPOINT' }).waitFor({ timeout: 20_000 });
    step('Dockerfile open');

    // The execute-bit diagnostic in the Problems panel.
    await runPalette(p, 'View: Focus Problems');
    const problem = p.locator('.markers-panel .monaco-list-row').filter({ hasText: /LW2001|execute/i }).first();
    await problem.waitFor({ timeout: 45_000 });
    step(`Problems: ${oneLine(await problem.innerText())}`);

    // Build from the palette, accepting the prefilled tag if asked.
    await p.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await runPalette(p, 'Layerwise: Build Image');
    const tag = await acceptInputBox(p, 8_000);
    step(tag === undefined ? 'Build Image ran (no input box)' : `Build Image: accepted tag "${tag}"`);

    // The build ends with a notification (and the extension revealing its view): wait for it,
    // so that a click on the activity bar does not race the extension's own reveal.
    step(`build: ${await waitForBuild(p, 20_000)}`);

    // The Layers view: image node -> layer "COPY hello.txt while.sh /" -> file while.sh.
    await openLayerwiseView(p, step);
    const sidebarRows = p.locator('.part.sidebar .monaco-list-row');
    const copyRow = sidebarRows.filter({ hasText: COPY_TEXT }).first();
    await waitForRow(p, copyRow, sidebarRows, 60_000);
    step(`Layers: ${oneLine(await copyRow.innerText())}`);
    if ((await copyRow.getAttribute('aria-expanded')) !== 'true') {
      await copyRow.locator('.monaco-tl-twistie').click();
    }
    const fileRow = sidebarRows.filter({ hasText: 'while.sh' }).filter({ hasNotText: 'COPY' }).first();
    await fileRow.waitFor({ timeout: 15_000 });
    step(`Layers: file row ${oneLine(await fileRow.innerText())}`);

    // Screenshot with the tree and the Problems panel (bring the panel back if it was hidden).
    if (!(await problem.isVisible())) await runPalette(p, 'View: Focus Problems');
    await problem.waitFor({ timeout: 10_000 });
    await p.keyboard.press('Escape');
    await sleep(300);
    const shot = path.join(resultsDir, 'e2e-layers.png');
    await p.screenshot({ path: shot });
    step(`screenshot ${shot}`);
  });
});

/** Waits for the end of an interactive build: an info or error notification, or our view shown. */
async function waitForBuild(page: Page, timeout: number): Promise<string> {
  const toasts = page.locator('.notification-toast');
  const error = toasts.filter({ has: page.locator('.codicon-error') }).first();
  const built = toasts.filter({ hasText: /built/i }).first();
  const shown = page.locator('.part.sidebar[data-active-composite="workbench.view.extension.layerwise"]');
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await error.isVisible().catch(() => false)) {
      throw new Error(`the build failed: ${oneLine(await error.innerText())}`);
    }
    if (await built.isVisible().catch(() => false)) return oneLine(await built.innerText());
    if (await shown.isVisible().catch(() => false)) return 'the Layerwise view was revealed';
    await sleep(100);
  }
  return `no notification within ${timeout} ms`;
}

async function openLayerwiseView(page: Page, step: (what: string) => void): Promise<void> {
  // The side bar names the container it shows; the build may already have focused ours.
  const shown = page.locator('.part.sidebar[data-active-composite="workbench.view.extension.layerwise"]');
  if (await shown.isVisible().catch(() => false)) {
    // The extension revealed it after the build; go through the activity bar as a user would.
    step('Layerwise view revealed by the build; switching to the Explorer and back via the activity bar');
    await page.locator('.activitybar .action-label[aria-label^="Explorer"]').first().click();
    await page.locator('.part.sidebar[data-active-composite="workbench.view.explorer"]').waitFor({ timeout: 5_000 });
  }
  const icon = page.locator('.activitybar .action-label[aria-label^="Layerwise"]').first();
  try {
    await icon.waitFor({ timeout: 15_000 });
    await icon.click();
    await shown.waitFor({ timeout: 5_000 });
    step('Layerwise view opened from the activity bar');
  } catch {
    step('Layerwise view: activity bar icon did not open it, using the palette');
    await runPalette(page, 'Layerwise: Focus on Layers View');
    await shown.waitFor({ timeout: 15_000 });
    step('Layerwise view opened from the palette');
  }
}

/**
 * Waits for `row`, expanding collapsed top-level rows (the image node) of the view on the way.
 * Fails at once when an error notification shows up (e.g. "Layerwise: build failed: ...").
 */
async function waitForRow(page: Page, row: Locator, rows: Locator, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  const errorToast = page.locator('.notification-toast').filter({ has: page.locator('.codicon-error') });
  while (Date.now() < deadline) {
    if (await row.isVisible().catch(() => false)) return;
    if (await errorToast.first().isVisible().catch(() => false)) {
      throw new Error(`error notification instead of the layers: ${oneLine(await errorToast.first().innerText())}`);
    }
    const collapsed = rows.and(page.locator('[aria-level="1"][aria-expanded="false"]'));
    if ((await collapsed.count().catch(() => 0)) > 0) {
      await collapsed.first().locator('.monaco-tl-twistie').click().catch(() => undefined);
    }
    await sleep(250);
  }
  const seen = (await rows.allInnerTexts().catch(() => [] as string[])).map(oneLine);
  const body = oneLine(await page.locator('.part.sidebar').innerText().catch(() => ''));
  throw new Error(`no row "${COPY_TEXT}" in the Layers view within ${timeout} ms; rows: ${JSON.stringify(seen)}; side bar: ${body}`);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
