// Delegate builders: Docker (BuildKit) and buildah build the hello example; the image lands in
// our store with its layers' files and Dockerfile lines, and a failing COPY names its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { delegateBuild } from '../../../engine/build/delegate';
import { EngineError } from '../../../engine/errors';
import { Store } from '../../../engine/image/store';
import { contextWith, tempDir } from '../../helpers/fixtures';
import { example } from '../../helpers/paths';
import { ensureDocker, hasCommand, run } from '../../helpers/tools';

async function skipReason(builder: 'docker' | 'buildah'): Promise<string | undefined> {
  if (builder === 'docker') return ensureDocker();
  if (!hasCommand('buildah')) return 'buildah is not installed (apt-get install buildah)';
  return process.getuid?.() === 0 ? undefined : 'buildah tests run as root here (rootless needs subuid setup)';
}

// The docker on PATH may lack buildx (then the classic builder runs); Debian's /usr/bin/docker drives BuildKit.
const cases: { builder: 'docker' | 'buildah'; tool?: string }[] = [{ builder: 'docker' }, { builder: 'docker', tool: '/usr/bin/docker' }, { builder: 'buildah' }];
for (const { builder, tool } of cases) {
  test(`the ${builder} builder${tool ? ` (${tool})` : ''}: its image is imported and analysed like ours`, async (t) => {
    const why = (await skipReason(builder)) ?? (tool && !fs.existsSync(tool) ? `${tool} does not exist` : undefined);
    if (why) return t.skip(why);
    const store = await Store.open(tempDir());
    const tag = `layerwise-delegate-test-${builder}:1`;
    const lines: string[] = [];
    try {
      const { image } = await delegateBuild({ builder, tool, context: example('hello'), store, tag, onEvent: (e) => e.type === 'log' && lines.push(e.message) });
      assert.equal(image.ref, `docker.io/library/${tag}`);
      const copy = image.layers.find((l) => l.files.some((f) => f.path === '/while.sh'))!;
      assert.ok(copy, JSON.stringify(image.layers.map((l) => l.instruction)));
      for (const name of ['hello.txt', 'while.sh']) {
        assert.equal(copy.files.find((f) => f.path === `/${name}`)?.size, fs.statSync(example('hello', name)).size);
      }
      assert.equal(copy.source?.range.start.line, 2, 'the COPY layer is matched to line 3 of the Dockerfile');
      assert.ok(lines.some((l) => l.includes('COPY hello.txt while.sh /')), lines.join('\n'));
      assert.equal((await store.resolve(tag)).descriptor.digest, image.digest);

      const ctx = contextWith({ Dockerfile: 'FROM scratch\nCOPY present.txt /\nCOPY missing.txt /\n', 'present.txt': 'x' });
      await assert.rejects(delegateBuild({ builder, tool, context: ctx, store, tag: `${tag}-broken` }), (e: unknown) => {
        assert.ok(e instanceof EngineError && e.code === 'BUILD', String(e));
        assert.match(e.message, /missing\.txt/);
        assert.equal(e.location?.range.start.line, 2, `location ${JSON.stringify(e.location)}`);
        assert.equal(e.location?.file, path.join(ctx, 'Dockerfile'));
        return true;
      });
    } finally {
      if (builder === 'docker') spawnQuiet(tool ?? 'docker', ['rmi', '-f', tag]);
      else spawnQuiet('buildah', ['rmi', '-f', tag]);
    }
  });
}

function spawnQuiet(cmd: string, args: string[]): void {
  try {
    run(cmd, args);
  } catch {
    // Already gone.
  }
}
