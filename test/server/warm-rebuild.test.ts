// Rebuilds through the real server process: it watches the contexts it built, so an unchanged
// one is not read again, and it answers a rebuild that gives the analysis the client holds
// with that analysis's key alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { Store } from '../../engine/image/store';
import { readFileFromLayer } from '../../engine/layer/read-file';
import type { BuildAnswer, BuildAnswerFull } from '../../server/protocol';
import { contextWith, tempDir } from '../helpers/fixtures';
import { serverModule, startSession } from '../helpers/lsp';

const skip = serverModule() ? false : 'dist/server.js is missing: run npm run build';

test('server rebuilds: the same analysis is named, not sent; a file saved just before the rebuild is in the image', { skip }, async () => {
  const store = tempDir();
  const dir = contextWith({ Dockerfile: 'FROM scratch\nCOPY app/ /app/\nCMD ["/app/run"]\n', 'app/run': 'one', 'app/lib/x': 'x' });
  const uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
  const { session: s } = await startSession(store);
  try {
    const build = (knownAnalysis?: string) => s.connection.sendRequest('layerwise/build', { uri, tag: 'warm:1', knownAnalysis }) as Promise<BuildAnswer>;
    const first = (await build()) as BuildAnswerFull;
    assert.ok(first.image.digest && first.analysisKey, 'a first build sends its analysis and its key');
    // Once more: the cached steps are marked, so the analysis (and its key) is new once.
    const second = (await build(first.analysisKey)) as BuildAnswerFull;
    assert.equal(second.image.digest, first.image.digest);
    const third = await build(second.analysisKey);
    assert.deepEqual(Object.keys(third).sort(), ['cachedLayers', 'durationMs', 'sameAnalysis']);
    assert.equal('sameAnalysis' in third && third.sameAnalysis, second.analysisKey);
    // Without the key the client holds, the analysis comes whole.
    assert.equal(((await build()) as BuildAnswerFull).image.digest, first.image.digest);
    // Saved, then rebuilt at once: the server must not answer from its watch before it has read the change.
    const layers = new Set([first.image.layers[0].digest]);
    for (const content of ['two', 'three!', 'four']) {
      fs.writeFileSync(path.join(dir, 'app/run'), content);
      const changed = await build(second.analysisKey);
      assert.ok('image' in changed, `after writing "${content}" the analysis must be sent`);
      const run = changed.image.layers[0].files.find((f) => f.path === '/app/run');
      assert.equal(run?.size, content.length, `the image has the file as saved ("${content}")`);
      assert.ok(!layers.has(changed.image.layers[0].digest), 'a new layer for new content');
      layers.add(changed.image.layers[0].digest);
      const digest = await fileDigest(changed.image.layers[0].digest, store, '/app/run');
      assert.equal(digest, createHash('sha256').update(content).digest('hex'));
    }
  } finally {
    await s.close();
  }
});

// The sha256 of a file's bytes in a layer of the store, read from the tar itself.
async function fileDigest(layer: string, storeDir: string, file: string): Promise<string | undefined> {
  const store = await Store.open(storeDir);
  const bytes = await readFileFromLayer(store, { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer as `sha256:${string}`, size: 0 }, file);
  return bytes && createHash('sha256').update(bytes).digest('hex');
}
