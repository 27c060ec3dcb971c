import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childrenOf, layerParent, type LayersNode } from '../../client/layers-model';
import { splitWords } from '../../client/run-command-words';
import { analyzeImage } from '../../engine/analyze/analyze-image';
import { build } from '../../engine/build/builder';
import { runContainer } from '../../engine/container/run-container';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage, runSkipReason } from '../helpers/busybox';
import { contextWith, tempDir } from '../helpers/fixtures';

const label = (n: LayersNode) => (n.kind === 'group' ? `${n.group.kind}:${n.group.ref ?? ''}` : n.kind === 'layer' ? `layer ${n.layer.index}` : n.kind === 'file' ? n.node.name : n.kind);

test('the Layers view model: base and own groups holding their layers, All files, and Container changes with provenance and badges', async (t) => {
  const skip = runSkipReason();
  if (skip) return t.skip(skip);
  const store = await Store.open(tempDir());
  await makeBusyboxImage(store, 'busybox:latest');
  await build({ context: contextWith({ Dockerfile: 'FROM busybox:latest\nCOPY a /data/a\nCOPY b /data/b\n', a: 'aaaa', b: 'bb' }), store, tag: 'app:1' });
  const { run, image } = await runContainer({ store, image: 'app:1', command: ['sh', '-c', 'chmod 600 /data/a; rm /data/b; echo n > /data/n'] });
  const root: LayersNode = { kind: 'image', id: `image/${image.digest}`, image, run };
  const top = childrenOf(root);
  assert.deepEqual(top.map(label), ['base:busybox:latest', 'own:', 'allFiles', 'container']);
  assert.deepEqual(childrenOf(top[0]).map(label), ['layer 0']);
  assert.deepEqual(childrenOf(top[1]).map(label), ['layer 1', 'layer 2']);
  // A layer's parent is its group (what reveal() walks up).
  const own = childrenOf(top[1])[1];
  assert.equal(own.kind === 'layer' && layerParent(image, own.layer).id, top[1].id);
  const data = childrenOf(top[3]);
  assert.deepEqual(data.map(label), ['data']);
  const files = childrenOf(data[0]);
  const rows = files.map((f) => (f.kind === 'file' ? [f.node.name, f.node.size, f.node.history.map((h) => `${h.kind}@${h.layer}:${h.size}`)] : []));
  // History: the image layer whose copy it was, then the container's change (layer 3, the writable one).
  assert.deepEqual(rows, [
    ['a', 4, ['added@1:4', 'modified@3:4']],
    ['b', 0, ['added@2:2', 'deleted@3:0']],
    ['n', 2, ['added@3:2']],
  ]);
  // The files' image has the writable layer on top, so the tooltip can name it.
  const first = files[0];
  assert.equal(first.kind === 'file' && first.image.layers[3].instruction, "container (writable layer): sh -c chmod 600 /data/a; rm /data/b; echo n > /data/n");
});

test('the Run Image prompt splits a command line as a shell would for simple quoting', () => {
  assert.deepEqual(splitWords(`sh -c "echo 'hi there' > /x" 'a b' c\\"d`), ['sh', '-c', "echo 'hi there' > /x", 'a b', 'c\\"d']);
});

test('an image without a base (FROM scratch) lists its layers right under the image, as before', async () => {
  const store = await Store.open(tempDir());
  await build({ context: contextWith({ Dockerfile: 'FROM scratch\nCOPY a /a\nCOPY b /b\n', a: 'a', b: 'b' }), store, tag: 'plain:1' });
  const image = await analyzeImage(store, 'plain:1');
  assert.deepEqual(image.groups!.map((g) => g.kind), ['own']);
  const root: LayersNode = { kind: 'image', id: `image/${image.digest}`, image };
  assert.deepEqual(childrenOf(root).map(label), ['layer 0', 'layer 1', 'allFiles']);
  assert.equal(layerParent(image, image.layers[1]).id, root.id);
});
