// Recipe A for Run Image: the packaged extension in code-server + Chromium runs an image of the
// store from the palette, and the Layers view shows the container's changes (A / M / D) under the
// image's Base / Own layers groups. The store is seeded before code-server starts with a busybox
// base (from Debian's busybox-static) and an image on it. Saves test-results/e2e-run-changes.png.
// Skips, saying why, without code-server/chromium, a VSIX, busybox-static or a RUN sandbox.
//   node --test out/test/vscode/e2e-run.test.js
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { build } from '../../engine/build/builder';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { acceptInputBox, runPalette, sleep, tempDir } from './code-server';
import { resultsDir, runE2E } from './e2e-harness';

const OVERALL_TIMEOUT = Number(process.env.LAYERWISE_E2E_TIMEOUT) || 110_000;
const TAG = 'runme:1';

test('e2e: Run Image from the palette shows the container changes in the Layers view', { timeout: OVERALL_TIMEOUT + 60_000 }, async (t) => {
  const why = runSkipReason();
  if (why) {
    console.log(`skipped: ${why}`);
    return t.skip(why);
  }
  const storeDir = tempDir('layerwise-store-');
  const store = await Store.open(storeDir);
  await makeBusyboxImage(store, 'busybox:latest');
  const ctx = tempDir('layerwise-run-ctx-');
  fs.writeFileSync(path.join(ctx, 'notes.txt'), 'first line\n');
  fs.writeFileSync(
    path.join(ctx, 'Dockerfile'),
    'FROM busybox:latest\nCOPY notes.txt /srv/notes.txt\nCMD ["sh", "-c", "echo started; echo more >> /srv/notes.txt; mkdir /srv/cache; echo x > /srv/cache/new; rm /etc/group"]\n',
  );
  await build({ context: ctx, store, tag: TAG });

  const settings = { 'layerwise.store': storeDir, 'workbench.panel.defaultLocation': 'bottom', 'problems.autoReveal': false };
  await runE2E(t, { settings, timeoutMs: OVERALL_TIMEOUT, failureShot: 'e2e-run-failure.png' }, async (p, step) => {
    // Opening the Dockerfile activates the extension (its commands reach the palette).
    const explorerItem = p.getByRole('treeitem', { name: 'Dockerfile' });
    await explorerItem.waitFor({ timeout: 60_000 });
    step('workbench ready');
    await explorerItem.click();
    await p.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'ENTRYPOINT' }).waitFor({ timeout: 20_000 });
    await p.locator('.editor-instance .monaco-editor .squiggly-error').first().waitFor({ timeout: 45_000 });
    step('Dockerfile open, the extension active');

    // Run Image: pick runme:1, keep its CMD, keep the 10 s limit.
    await runPalette(p, 'Layerwise: Run Image');
    const input = p.locator('.quick-input-widget input.input');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: TAG }).first().waitFor({ timeout: 30_000 });
    await input.fill(TAG);
    await sleep(300);
    await input.press('Enter');
    await sleep(500);
    step(`command: "${await acceptInputBox(p, 10_000)}"`);
    await sleep(500);
    step(`timeout: "${await acceptInputBox(p, 10_000)}"`);

    // The run ends with a summary notification, and the Layers view gets a Container changes node.
    const summary = p.locator('.notification-toast', { hasText: /added, .* modified, .* deleted/ }).first();
    await summary.waitFor({ timeout: 60_000 });
    step(`run: ${oneLine(await summary.innerText())}`);
    // The Images and Files views folded, so the Layers view has the side bar's height.
    for (const name of [/^\s*Images/, /^\s*Files/]) {
      const header = p.locator('.part.sidebar .pane-header', { hasText: name }).first();
      if ((await header.getAttribute('aria-expanded').catch(() => null)) === 'true') await header.click();
    }
    await sleep(300);
    const layersPane = p.locator('.part.sidebar .pane').filter({ has: p.locator('.pane-header', { hasText: /^\s*Layers/ }) });
    const rows = layersPane.locator('.monaco-list-row');
    const changes = rows.filter({ hasText: 'Container changes' }).first();
    await changes.waitFor({ timeout: 20_000 });
    await expand(changes);
    const srv = rows.filter({ hasText: /^\s*srv/ }).first();
    await srv.waitFor({ timeout: 10_000 });
    await expand(srv);
    const notes = rows.filter({ hasText: /^\s*notes\.txt/ }).first();
    await notes.waitFor({ timeout: 10_000 });
    step(`Container changes: ${oneLine(await notes.innerText())}`);
    if (!/· M/.test(await notes.innerText())) throw new Error(`notes.txt is not marked modified: ${oneLine(await notes.innerText())}`);
    await p.mouse.move(0, 0);
    await sleep(300);
    const shot = path.join(resultsDir, 'e2e-run-changes.png');
    await p.screenshot({ path: shot });
    step(`screenshot ${shot}`);
  });
});

async function expand(row: ReturnType<Page['locator']>): Promise<void> {
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
