import { parseDockerfile } from '../../engine/dockerfile/parser';
import type { StagesResult } from '../protocol';

/** The stages a build can target and the ARGs it can set (global ones and each stage's), first declaration wins. */
export function stagesOf(text: string): StagesResult {
  const dockerfile = parseDockerfile(text);
  const args = new Map<string, string | undefined>();
  const declare = (ins: { keyword: string; keyValues: { key: { value: string }; value?: { value: string } }[] }) => {
    if (ins.keyword !== 'ARG') return;
    for (const kv of ins.keyValues) if (!args.has(kv.key.value)) args.set(kv.key.value, kv.value?.value);
  };
  dockerfile.globalArgs.forEach(declare);
  for (const stage of dockerfile.stages) stage.instructions.forEach(declare);
  return {
    stages: dockerfile.stages.map((s) => ({ name: s.name, index: s.index, from: s.base?.value ?? '' })),
    args: [...args].map(([name, value]) => (value === undefined ? { name } : { name, default: value })),
  };
}
