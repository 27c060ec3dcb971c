import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionAt, hoverAt } from '../../server/service/navigation';

const src = ['ARG BASE=alpine', 'FROM $BASE AS build', 'ARG VERSION=1.2', 'ENV APP=/opt/app-$VERSION', 'WORKDIR $APP', 'FROM build', 'COPY --from=build $APP /x', ''].join('\n');
const at = (line: number, needle: string, offset = 1) => ({ line, character: src.split('\n')[line].indexOf(needle) + offset });

test('hover on a keyword gives the instruction docs', () => {
  const h = hoverAt(src, at(4, 'WORKDIR'));
  assert.match((h!.contents as { value: string }).value, /^\*\*WORKDIR\*\* — Sets \(and creates\) the working directory/);
});

test('hover on a flag name gives what the flag does', () => {
  const h = hoverAt('FROM alpine\nRUN --network=none true\n', { line: 1, character: 7 });
  assert.match((h!.contents as { value: string }).value, /^\*\*--network\*\* — Network for the command/);
  assert.deepEqual(h!.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 13 } });
});

test('hover on a variable gives its value at that point and where it was set', () => {
  const env = hoverAt(src, at(4, '$APP'));
  assert.equal((env!.contents as { value: string }).value, '**$APP** = `/opt/app-1.2` — set by ENV on line 4');
  const arg = hoverAt(src, at(3, '$VERSION'));
  assert.equal((arg!.contents as { value: string }).value, '**$VERSION** = `1.2` — set by ARG on line 3');
  const global = hoverAt(src, at(1, '$BASE'));
  assert.equal((global!.contents as { value: string }).value, '**$BASE** = `alpine` — set by ARG on line 1');
  assert.equal(hoverAt(src, { line: 0, character: 40 }), null);
});

test('definition jumps from a variable to its ENV/ARG and from a stage name to FROM ... AS', () => {
  const v = definitionAt('file:///D', src, at(4, '$APP'));
  assert.deepEqual(v!.range.start, { line: 3, character: 4 });
  const stage = definitionAt('file:///D', src, at(6, 'build'));
  assert.deepEqual(stage!.range, { start: { line: 1, character: 14 }, end: { line: 1, character: 19 } });
  const from = definitionAt('file:///D', src, at(5, 'build'));
  assert.equal(from!.range.start.line, 1);
});
