import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateCi, loadCiConfig, parseBytes, parseCiFile } from '../../../engine/analyze/ci';
import type { EfficiencyFigures, ImageAnalysis } from '../../../engine/analyze/model';
import { tempDir } from '../../helpers/fixtures';

function imageWith(e: Partial<EfficiencyFigures>, dive: Partial<EfficiencyFigures['dive']> = {}): ImageAnalysis {
  const efficiency: EfficiencyFigures = {
    storedBytes: 100, visibleBytes: 95, wastedBytes: 5, efficiency: 0.95, userSizeBytes: 50, userWastedBytes: 5, userWastedPercent: 0.1, baseBytesHiddenByUser: 0,
    ...e,
    dive: { efficiency: 0.9, wastedBytes: 10, userSizeBytes: 50, userWastedPercent: 0.2, ...dive },
  };
  return { efficiency } as ImageAnalysis;
}

test('byte sizes as go-humanize reads them', () => {
  assert.equal(parseBytes('20MB'), 20_000_000);
  assert.equal(parseBytes('20 mb'), 20_000_000);
  assert.equal(parseBytes('20M'), 20_000_000);
  assert.equal(parseBytes('1.5GiB'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('1024'), 1024);
  assert.equal(parseBytes('3kB'), 3000);
  assert.throws(() => parseBytes('lots'), /not a byte size/);
});

test('a .dive-ci file reads as dive reads it; unknown rules are errors', () => {
  const text = '# from dive\nrules:\n  # If the efficiency is measured below X%, mark as failed.\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: disabled\n';
  assert.deepEqual(parseCiFile(text, '.dive-ci'), { rules: { lowestEfficiency: '0.95', highestWastedBytes: '20MB', highestUserWastedPercent: 'disabled' }, figures: undefined });
  assert.deepEqual(parseCiFile('figures: dive\nrules:\n  lowestEfficiency: "0.5"\n', 'x').figures, 'dive');
  assert.throws(() => parseCiFile('rules:\n  lowestEfficency: 0.9\n', '.dive-ci'), /\.dive-ci:2: unknown rule "lowestEfficency"/);
});

test('flags over the file over dive\'s defaults; .layerwise-ci before .dive-ci', () => {
  const dir = tempDir();
  assert.deepEqual(loadCiConfig({}, dir).rules, { lowestEfficiency: '0.9', highestWastedBytes: 'disabled', highestUserWastedPercent: '0.1' });
  fs.writeFileSync(path.join(dir, '.dive-ci'), 'rules:\n  lowestEfficiency: 0.8\n  highestWastedBytes: 1MB\n');
  assert.equal(loadCiConfig({}, dir).rules.lowestEfficiency, '0.8');
  fs.writeFileSync(path.join(dir, '.layerwise-ci'), 'rules:\n  lowestEfficiency: 0.7\n');
  const c = loadCiConfig({ highestUserWastedPercent: '0.3' }, dir);
  assert.deepEqual(c.rules, { lowestEfficiency: '0.7', highestWastedBytes: 'disabled', highestUserWastedPercent: '0.3' });
  assert.equal(c.file, path.join(dir, '.layerwise-ci'));
});

test('rules pass and fail as dive\'s do, on our figures or on dive\'s', () => {
  const rules = { lowestEfficiency: '0.9', highestWastedBytes: '6B', highestUserWastedPercent: '0.15' };
  const ours = evaluateCi(imageWith({}), { rules, figures: 'ours' });
  assert.equal(ours.pass, true);
  assert.deepEqual(ours.results.map((r) => r.status), ['pass', 'pass', 'pass']);
  const dive = evaluateCi(imageWith({}), { rules, figures: 'dive' });
  assert.equal(dive.pass, false);
  assert.deepEqual(dive.results.map((r) => [r.rule, r.status]), [['lowestEfficiency', 'pass'], ['highestWastedBytes', 'fail'], ['highestUserWastedPercent', 'fail']]);
  assert.match(dive.results[1].message, /too many bytes wasted \(wasted-bytes=10 .* > threshold=6 /);
  const low = evaluateCi(imageWith({ efficiency: 0.5 }), { rules: { ...rules, highestWastedBytes: 'disabled' }, figures: 'ours' });
  assert.deepEqual(low.results.map((r) => r.status), ['fail', 'skip', 'pass']);
  assert.match(low.results[0].message, /image efficiency is too low \(efficiency=50.00% < threshold=90.00%\)/);
  const bad = evaluateCi(imageWith({}), { rules: { ...rules, lowestEfficiency: 'high' }, figures: 'ours' });
  assert.deepEqual([bad.pass, bad.results[0].status], [false, 'misconfigured']);
});
