import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDockerfile } from '../../../../engine/dockerfile/parser';
import { lint } from '../../../../engine/lint';

/** Applies the first fix of the rule's first finding with the LSP library's own edit logic. */
function fixed(src: string, rule: string): string {
  const f = lint({ dockerfile: parseDockerfile(src), options: { foldEquivalents: false } }).find((x) => x.rule === rule);
  assert.ok(f, `${rule} should flag:\n${src}`);
  assert.ok(f.fixes.length > 0, `${rule} should offer a fix`);
  return TextDocument.applyEdits(TextDocument.create('file:///Dockerfile', 'dockerfile', 1, src), f.fixes[0].edits);
}

const cases: [string, string, string][] = [
  ['DL3014', 'FROM debian:12\nRUN apt-get install --no-install-recommends curl=1\n', 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=1\n'],
  ['DL3015', 'FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\n', 'FROM debian:12\nRUN apt-get update && \\\n    apt-get install --no-install-recommends -y curl=1 && rm -rf /var/lib/apt/lists/*\n'],
  ['DL3019', 'FROM alpine:3.20\nRUN apk add curl=8.9.0-r0\n', 'FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.0-r0\n'],
  ['DL3020', 'FROM debian:12\nADD --chown=1:1 app.py /app/\n', 'FROM debian:12\nCOPY --chown=1:1 app.py /app/\n'],
  ['DL3027', 'FROM debian:12\nRUN apt install -y --no-install-recommends curl=1\n', 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=1\n'],
  ['DL3030', 'FROM centos:7\nRUN yum install httpd-2.4 && yum clean all\n', 'FROM centos:7\nRUN yum install -y httpd-2.4 && yum clean all\n'],
  ['DL3034', 'FROM opensuse/leap:15\nRUN zypper install httpd=2.4 && zypper clean\n', 'FROM opensuse/leap:15\nRUN zypper --non-interactive install httpd=2.4 && zypper clean\n'],
  ['DL3038', 'FROM fedora:40\nRUN dnf install httpd-2.4.62 && dnf clean all\n', 'FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n'],
  ['DL3042', 'FROM python:3.12\nRUN python -m pip install flask==3.0.3\n', 'FROM python:3.12\nRUN python -m pip install --no-cache-dir flask==3.0.3\n'],
  ['DL3047', 'FROM debian:12\nRUN wget https://example.com/a.tgz\n', 'FROM debian:12\nRUN wget --progress=dot:giga https://example.com/a.tgz\n'],
  ['DL4000', 'FROM debian:12\nMAINTAINER Jane Doe <jane@example.com>\n', 'FROM debian:12\nLABEL maintainer="Jane Doe <jane@example.com>"\n'],
];

for (const [rule, before, after] of cases) {
  test(`${rule}: the fix gives the corrected Dockerfile, which the rule then passes`, () => {
    const text = fixed(before, rule);
    assert.equal(text, after);
    assert.deepEqual(lint({ dockerfile: parseDockerfile(text), options: { foldEquivalents: false } }).filter((f) => f.rule === rule), []);
  });
}

test('ADD with options COPY lacks gets no COPY fix', () => {
  const f = lint({ dockerfile: parseDockerfile('FROM debian:12\nADD --checksum=sha256:00 app.py /app/\n') }).find((x) => x.rule === 'DL3020')!;
  assert.deepEqual(f.fixes, []);
});
