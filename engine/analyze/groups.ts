import type { BaseInfo, LayerAnalysis, LayerGroup } from './model';

/** The base group (layers of the FROM image) and the own group (what the Dockerfile added), each only when it has layers. */
export function layerGroups(layers: LayerAnalysis[], base: BaseInfo, baseHiddenByOwn: number): LayerGroup[] {
  const split = Math.min(base.layers, layers.length);
  const groups: LayerGroup[] = [];
  if (split > 0) {
    const name = { ...(base.ref ? { ref: base.ref } : {}), ...(base.digest ? { digest: base.digest } : {}) };
    groups.push({ kind: 'base', ...name, ...sum(layers.slice(0, split), 0), hiddenByOwn: baseHiddenByOwn });
  }
  if (split < layers.length) groups.push({ kind: 'own', ...sum(layers.slice(split), split) });
  return groups;
}

function sum(layers: LayerAnalysis[], first: number): Omit<LayerGroup, 'kind'> {
  const total = (f: (l: LayerAnalysis) => number) => layers.reduce((n, l) => n + f(l), 0);
  return {
    first,
    layers: layers.length,
    size: total((l) => l.size),
    contentSize: total((l) => l.contentSize),
    wastedBytes: total((l) => l.wastedBytes ?? 0),
    hiddenBytes: total((l) => l.hiddenBytes ?? 0),
    changes: total((l) => l.files.length),
  };
}
