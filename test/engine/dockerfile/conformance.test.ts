import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDockerfile } from '../../../engine/dockerfile/parser';
import { dumpInstruction } from '../../../engine/dockerfile/dump';
import { conformanceDir } from '../../helpers/paths';

const dir = conformanceDir();

test('BuildKit parser vectors: every testfile dumps exactly as BuildKit', async (t) => {
  if (!dir) return t.skip('../shared/conformance/buildkit is absent in this clone');
  const root = path.join(dir, 'parser', 'testfiles');
  for (const name of fs.readdirSync(root).sort()) {
    await t.test(name, () => {
      const source = fs.readFileSync(path.join(root, name, 'Dockerfile'), 'utf8');
      const expected = fs.readFileSync(path.join(root, name, 'result'), 'utf8').split('\n').filter((l) => l !== '');
      const model = parseDockerfile(source);
      assert.deepEqual(model.errors.filter((e) => !e.message.startsWith('no build stage')), []);
      assert.deepEqual(model.instructions.map((i) => `(${dumpInstruction(i)})`), expected);
    });
  }
});

test('BuildKit negative parser vectors: each is rejected', async (t) => {
  if (!dir) return t.skip('../shared/conformance/buildkit is absent in this clone');
  const root = path.join(dir, 'parser', 'testfiles-negative');
  for (const name of fs.readdirSync(root).sort()) {
    await t.test(name, () => {
      const model = parseDockerfile(fs.readFileSync(path.join(root, name, 'Dockerfile'), 'utf8'));
      assert.ok(model.errors.length > 0, `${name} parsed without error`);
    });
  }
});
