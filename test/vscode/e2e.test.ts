// Recipe A: end to end as a user would do it. Installs the packaged extension (layerwise-*.vsix at
// the project root, from `npm run package`) into a fresh code-server, opens a copy of
// examples/hello in headless Chromium, and checks the Problems panel, the "Layerwise: Build Image"
// command with its progress and build log, the Layers view, and opening a file from a layer.
// Saves test-results/e2e-squiggle.png, e2e-build-log.png, e2e-layers.png, e2e-layer-file.png
// (and e2e-progress.png when the progress notification is caught before the build ends).
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
    // The squiggle under while.sh in the editor.
    await p.locator('.editor-instance .monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });
    await p.screenshot({ path: path.join(resultsDir, 'e2e-squiggle.png') });
    step('squiggle shown; screenshot e2e-squiggle.png');

    // Build from the palette, accepting the prefilled tag if asked.
    await p.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await runPalette(p, 'Layerwise: Build Image');
    const tag = await acceptInputBox(p, 8_000);
    step(tag === undefined ? 'Build Image ran (no input box)' : `Build Image: accepted tag "${tag}"`);

    // The build ends with a notification (and the extension revealing its view): wait for it,
    // so that a click on the activity bar does not race the extension's own reveal.
    const progress = watchProgress(p);
    step(`build: ${await waitForBuild(p, 20_000)}`);
    step(`progress notification: ${await progress}`);

    // The build log, step by step, in the "Layerwise" output channel.
    await runPalette(p, 'Layerwise: Show Log');
    const log = p.locator('.part.panel .monaco-editor .view-lines', { hasText: COPY_TEXT }).first();
    await log.waitFor({ timeout: 15_000 });
    step(`Output "Layerwise": ${oneLine(await log.innerText()).slice(0, 160)}`);
    await p.screenshot({ path: path.join(resultsDir, 'e2e-build-log.png') });

    // The Layers view: image node -> layer "COPY hello.txt while.sh /" -> file while.sh.
    await openLayerwiseView(p, step);
    // Rows of the Layers view only (the Images and Files views share the side bar).
    const layersPane = p.locator('.part.sidebar .pane').filter({ has: p.locator('.pane-header', { hasText: /^\s*Layers/ }) });
    const sidebarRows = layersPane.locator('.monaco-list-row');
    const copyRow = sidebarRows.filter({ hasText: COPY_TEXT }).first();
    await waitForRow(p, copyRow, sidebarRows, 60_000);
    step(`Layers: ${oneLine(await copyRow.innerText())}`);
    if ((await copyRow.getAttribute('aria-expanded')) !== 'true') {
      await copyRow.locator('.monaco-tl-twistie').click();
    }
    const fileRow = sidebarRows.filter({ hasText: 'while.sh' }).filter({ hasNotText: 'COPY' }).first();
    await fileRow.waitFor({ timeout: 15_000 });
    step(`Layers: file row ${oneLine(await fileRow.innerText())}`);

    // Open the file from the layer: a read-only layerwise: document with while.sh's text.
    await fileRow.click();
    await p.locator('.tabs-container .tab.active', { hasText: 'while.sh' }).waitFor({ timeout: 15_000 });
    await p.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'hello world,sanchuang' }).first().waitFor({ timeout: 15_000 });
    step('while.sh opened from the COPY layer');
    await p.screenshot({ path: path.join(resultsDir, 'e2e-layer-file.png') });

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

/** Watches for the build's progress notification for a few seconds; says what it saw (a fast build may end first). */
async function watchProgress(page: Page): Promise<string> {
  const toast = page.locator('.notification-toast', { hasText: /building/i }).first();
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await toast.isVisible().catch(() => false)) {
      const text = oneLine(await toast.innerText().catch(() => ''));
      await page.screenshot({ path: path.join(resultsDir, 'e2e-progress.png') }).catch(() => undefined);
      return `"${text}" (screenshot e2e-progress.png)`;
    }
    await sleep(50);
  }
  return 'none seen (the build ended first)';
}

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
