// End to end for the editor features, as a user sees them: the packaged extension in a fresh
// code-server and headless Chromium on a copy of examples/hello. The layer CodeLens reads
// "not built", then after "Layerwise: Build Image" the layer's size and file count; clicking it
// selects the layer in the Layers view. Hover on COPY tells the same; completion offers the
// RUN --mount fields. Saves test-results/e2e-editor-{codelens,hover,completion}.png.
// Skips, saying why, when code-server/chromium are not installed or there is no VSIX.
//   node --test out/test/vscode/e2e-editor.test.js
import * as path from 'node:path';
import { test } from 'node:test';
import { acceptInputBox, runPalette, sleep } from './code-server';
import { resultsDir, runE2E } from './e2e-harness';

const OVERALL_TIMEOUT = Number(process.env.LAYERWISE_E2E_TIMEOUT) || 120_000;
const COPY_TEXT = 'COPY hello.txt while.sh /';

test('e2e: layer CodeLens, hover and completion in a real VS Code', { timeout: OVERALL_TIMEOUT + 20_000 }, async (t) => {
  const settings = { 'workbench.editor.enablePreview': false, 'problems.autoReveal': false };
  await runE2E(t, { settings, timeoutMs: OVERALL_TIMEOUT, failureShot: 'e2e-editor-failure.png' }, async (p, step) => {
    const explorerItem = p.getByRole('treeitem', { name: 'Dockerfile' });
    await explorerItem.waitFor({ timeout: 60_000 });
    await explorerItem.click();
    const copyLine = p.locator('.editor-instance .view-lines .view-line').filter({ hasText: COPY_TEXT }).first();
    await copyLine.waitFor({ timeout: 20_000 });
    step('Dockerfile open');

    const lens = p.locator('.editor-instance .codelens-decoration');
    await lens.filter({ hasText: 'not built' }).first().waitFor({ timeout: 45_000 });
    step(`CodeLens before the build: ${await lens.first().innerText()}`);

    await copyLine.click();
    await runPalette(p, 'Layerwise: Build Image');
    step(`Build Image: tag ${await acceptInputBox(p, 8_000)}`);
    const built = lens.filter({ hasText: /^layer 0 · .+ · 2 files · built$/ }).first();
    await built.waitFor({ timeout: 45_000 });
    step(`CodeLens after the build: ${await built.innerText()}`);

    // Clicking the lens selects the layer in the Layers view.
    await built.locator('a').first().click();
    const selected = p.locator('.part.sidebar .monaco-list-row.selected').filter({ hasText: COPY_TEXT }).first();
    await selected.waitFor({ timeout: 20_000 });
    step(`Layers view selection: ${(await selected.innerText()).replace(/\s+/g, ' ')}`);
    await sleep(300);
    await p.screenshot({ path: path.join(resultsDir, 'e2e-editor-codelens.png') });

    // Hover on the COPY keyword: its docs and what the build made of it.
    const box = (await copyLine.boundingBox())!;
    await p.mouse.move(box.x + 12, box.y + box.height / 2);
    const hover = p.locator('.monaco-hover').filter({ hasText: /Last build: layer 0/ }).first();
    await hover.waitFor({ timeout: 15_000 });
    step(`hover: ${(await hover.innerText()).replace(/\s+/g, ' ').slice(0, 120)}`);
    await p.screenshot({ path: path.join(resultsDir, 'e2e-editor-hover.png') });
    await p.mouse.move(box.x + box.width + 200, box.y + 200);

    // Completion of RUN --mount fields on a new last line.
    await copyLine.click();
    await p.keyboard.press('Control+End');
    await p.keyboard.press('End');
    await p.keyboard.press('Enter');
    await p.keyboard.type('RUN --mount=type=cache,', { delay: 30 });
    const suggestion = p.locator('.suggest-widget .monaco-list-row').filter({ hasText: 'sharing=' }).first();
    if (!(await suggestion.isVisible().catch(() => false))) await p.keyboard.press('Control+Space');
    await suggestion.waitFor({ timeout: 15_000 });
    step(`completion: ${(await p.locator('.suggest-widget .monaco-list-row').allInnerTexts()).map((s) => s.split('\n')[0]).join(', ')}`);
    await p.screenshot({ path: path.join(resultsDir, 'e2e-editor-completion.png') });
    await p.keyboard.press('Escape');
  });
});
