// Entry point of the in-editor suite (Recipe B, and @vscode/test-electron's extensionTestsPath):
// VS Code's extension host loads this file and awaits run(). It runs every *.vscode-test.js file
// next to it with mocha (TDD interface). The files are not named *.test.js so that the plain node
// test runner never picks them up: they need the `vscode` module of a real extension host.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.LAYERWISE_SUITE_TIMEOUT) || 90_000,
  });
  if (process.env.LAYERWISE_SUITE_GREP) mocha.grep(process.env.LAYERWISE_SUITE_GREP);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.vscode-test.js')).sort();
  if (files.length === 0) return Promise.reject(new Error(`no *.vscode-test.js files in ${__dirname}`));
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e);
    }
  });
}
