// ShellCheck over a Dockerfile of 50 RUNs: Layerwise's one ShellCheck process for the whole
// file (cold, and after an edit to one RUN, as in the editor) against the same scripts
// checked by one ShellCheck process per RUN (what a linter that shells out per instruction
// does), in this one script; prints medians and their ratios.
// Run by hand after `npm run compile`: node bench/shellcheck.mjs [runs]. Needs shellcheck.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseDockerfile } = require('../out/engine/dockerfile/parser.js');
const { clearShellcheckCache, shellcheckFindings } = require('../out/engine/lint/shellcheck/run-shellcheck.js');
const { checkedScripts } = require('../out/engine/lint/shellcheck/scripts.js');

const runs = Number(process.argv[2] ?? 7);
const src = 'FROM debian:12\n' + Array.from({ length: 50 }, (_, i) => `RUN apt-get update && apt-get install -y pkg${i} && \\\n    echo $v${i} | tee /tmp/log${i} && cd /opt/${i}\n`).join('');
const dockerfile = parseDockerfile(src);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-sc-'));
const files = checkedScripts(dockerfile).map((s, i) => {
  const f = path.join(tmp, `${i}.sh`);
  fs.writeFileSync(f, `#!${s.shell}\n${s.script.text}`);
  return f;
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const perRun = () => {
  for (const f of files) {
    try {
      execFileSync('shellcheck', ['--norc', '-f', 'json1', f], { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // exit 1: findings
    }
  }
};

const cold = [];
const edit = [];
const peer = [];
for (let i = 0; i < runs; i++) {
  clearShellcheckCache();
  cold.push(await time(() => shellcheckFindings(dockerfile, '')));
  const edited = parseDockerfile(src.replace('echo $v7 ', `echo $edit${i} `));
  edit.push(await time(() => shellcheckFindings(edited, '')));
  peer.push(await time(perRun));
}
const found = (await shellcheckFindings(dockerfile, '')).length;
const ratio = (xs) => (median(xs) / median(peer)).toFixed(2);
console.log(`50 RUNs, ${found} findings; medians of ${runs} runs`);
console.log(`one ShellCheck per RUN (peer)       : ${median(peer).toFixed(0)} ms`);
console.log(`Layerwise, cold (one process)       : ${median(cold).toFixed(0)} ms  ratio ${ratio(cold)}`);
console.log(`Layerwise, after editing one RUN    : ${median(edit).toFixed(0)} ms  ratio ${ratio(edit)}`);
fs.rmSync(tmp, { recursive: true, force: true });
