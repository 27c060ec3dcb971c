import type { CodeLens } from 'vscode-languageserver';
import { humanSize } from '../../engine/analyze/format';
import type { BuildRecord, StepRecord } from '../build-records';
import { REVEAL_LAYER_COMMAND, type RevealLayerArgs } from '../protocol';
import { stepsByInstruction } from './build-steps';
import { parsed } from './document';

/** Instructions that always make a layer (WORKDIR does when it creates the folder: shown when it did). */
const LAYER_MAKERS = new Set(['RUN', 'COPY', 'ADD']);

/**
 * A CodeLens on each layer-creating instruction: after a build, "layer 3 · 12.4 MB · 231
 * files · cached" (clicking reveals the layer in the Layers tree); before one, or once the
 * instruction was edited, "not built".
 */
export function layerLenses(text: string, record: BuildRecord | undefined): CodeLens[] {
  const doc = parsed(text);
  const steps = stepsByInstruction(doc, record);
  const lenses: CodeLens[] = [];
  for (const stage of doc.dockerfile.stages) {
    // A build found in the store speaks for its target's stage only: say nothing of the others.
    if (record?.stages && !record.stages.includes(stage.index)) continue;
    for (const ins of stage.instructions) {
      const step = steps.get(ins);
      if (!LAYER_MAKERS.has(ins.keyword) && !step?.layer) continue;
      const range = ins.keywordRange;
      if (!step) {
        lenses.push({ range, command: { title: record ? 'not built (changed since the last build)' : 'not built', command: '' } });
      } else if (step.layer) {
        const args: RevealLayerArgs | undefined = step.layer.index === undefined || !record ? undefined : { image: record.image.digest, layer: step.layer.index };
        lenses.push({ range, command: { title: layerTitle(step), command: args ? REVEAL_LAYER_COMMAND : '', arguments: args ? [args] : undefined } });
      } else {
        lenses.push({ range, command: { title: 'no layer (nothing changed)', command: '' } });
      }
    }
  }
  return lenses;
}

/** "layer 3 · 12.4 MB · 231 files · cached": what a built step made. */
export function layerTitle(step: StepRecord): string {
  const layer = step.layer!;
  const where = layer.index === undefined ? `stage ${step.stage} layer` : `layer ${layer.index}`;
  const size = layer.cached && layer.index === undefined ? [] : [humanSize(layer.size), `${layer.files} file${layer.files === 1 ? '' : 's'}`];
  return [where, ...size, layer.cached ? 'cached' : 'built'].join(' · ');
}
