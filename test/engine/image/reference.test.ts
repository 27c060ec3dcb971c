import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarReference, normalizeReference, parseReference } from '../../../engine/image/reference';

test('references normalize as Docker does', () => {
  const cases: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['user/app', 'docker.io/user/app:latest'],
    ['index.docker.io/library/alpine:3', 'docker.io/library/alpine:3'],
    ['localhost:5000/x/y:z', 'localhost:5000/x/y:z'],
    ['localhost/x', 'localhost/x:latest'],
    ['ghcr.io/o/r@sha256:' + 'a'.repeat(64), 'ghcr.io/o/r@sha256:' + 'a'.repeat(64)],
    ['quay.io/o/r:t@sha256:' + 'b'.repeat(64), 'quay.io/o/r:t@sha256:' + 'b'.repeat(64)],
  ];
  for (const [input, want] of cases) assert.equal(normalizeReference(input), want, input);
  assert.equal(familiarReference(parseReference('busybox')), 'busybox:latest');
  assert.equal(familiarReference(parseReference('user/app:1')), 'user/app:1');
  assert.equal(familiarReference(parseReference('localhost:5000/x:y')), 'localhost:5000/x:y');
});

test('bad references get Docker-like reasons', () => {
  assert.throws(() => parseReference('Busybox'), /repository name must be lowercase/);
  assert.throws(() => parseReference(''), /empty reference/);
  assert.throws(() => parseReference('a:b:c'), /invalid/);
  assert.throws(() => parseReference('x@sha256:12'), /invalid digest/);
  assert.throws(() => parseReference('x:' + 't'.repeat(200)), /invalid tag/);
});
