// The registry client's pure parts (no registry needed): challenges, platforms, endpoints, scopes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaType, type Descriptor, type Index } from '../../engine/image/oci';
import { mergeScopes } from '../../engine/image/registry/client';
import { redact } from '../../engine/image/registry/errors';
import { credentialKeyDomain, registryEndpoint } from '../../engine/image/registry/hosts';
import { hostPlatform, normalizePlatform, parsePlatform, platformsOf, selectManifest } from '../../engine/image/registry/platform';
import { parseWwwAuthenticate } from '../../engine/image/registry/www-authenticate';

test('WWW-Authenticate: Docker Hub\'s bearer challenge, Basic, several challenges in one header, escapes, unquoted values', () => {
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
  ]);
  assert.deepEqual(parseWwwAuthenticate('Basic realm="basic-realm"'), [{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="https://r/t", error="insufficient_scope", scope="repository:a:pull,push repository:b:pull", Basic realm=x'), [
    { scheme: 'bearer', params: { realm: 'https://r/t', error: 'insufficient_scope', scope: 'repository:a:pull,push repository:b:pull' } },
    { scheme: 'basic', params: { realm: 'x' } },
  ]);
  assert.deepEqual(parseWwwAuthenticate('BEARER Realm="a\\"b",service=svc'), [{ scheme: 'bearer', params: { realm: 'a"b', service: 'svc' } }]);
  assert.deepEqual(parseWwwAuthenticate(''), []);
});

test('scopes merge per repository, so one token serves pull and push', () => {
  assert.deepEqual(mergeScopes(['repository:a:push'], ['repository:a:pull', 'repository:b:pull']), ['repository:a:pull,push', 'repository:b:pull']);
  assert.deepEqual(mergeScopes(['repository:a:pull,push', 'repository:a:pull']), ['repository:a:pull,push']);
  assert.deepEqual(mergeScopes(['registry:catalog:*']), ['registry:catalog:*']);
});

test('endpoints: Docker Hub, HTTPS by default, plain HTTP for localhost, 127.0.0.0/8, ::1 and listed registries', () => {
  assert.deepEqual(registryEndpoint('docker.io', { env: {} }), { domain: 'docker.io', baseUrl: 'https://registry-1.docker.io', insecure: false, credentialKey: 'https://index.docker.io/v1/' });
  assert.equal(registryEndpoint('ghcr.io', { env: {} }).baseUrl, 'https://ghcr.io');
  assert.equal(registryEndpoint('localhost:5000', { env: {} }).baseUrl, 'http://localhost:5000');
  assert.equal(registryEndpoint('127.1.2.3:8080', { env: {} }).baseUrl, 'http://127.1.2.3:8080');
  assert.equal(registryEndpoint('128.0.0.1:5000', { env: {} }).baseUrl, 'https://128.0.0.1:5000');
  assert.equal(registryEndpoint('registry.lan:5000', { env: { LAYERWISE_INSECURE_REGISTRIES: 'other:1, registry.lan' } }).insecure, true);
  assert.equal(registryEndpoint('registry.lan:5000', { env: { LAYERWISE_INSECURE_REGISTRIES: 'registry.lan:5001' } }).insecure, false);
  assert.equal(registryEndpoint('registry.lan:5000', { env: {}, insecure: ['registry.lan:5000'] }).insecure, true);
  assert.equal(credentialKeyDomain('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(credentialKeyDomain('http://Registry.Example:5000/v2/'), 'registry.example:5000');
});

test('platforms: --platform parsing, containerd normalization, the host as Docker names it', () => {
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(parsePlatform('arm64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(normalizePlatform({ os: 'Linux', architecture: 'aarch64' }), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(normalizePlatform({ os: 'linux', architecture: 'x86_64' }), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(normalizePlatform({ os: 'linux', architecture: 'armhf' }), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.throws(() => parsePlatform('linux//x'), /--platform must be os\/arch\[\/variant\]/);
  const host = hostPlatform();
  assert.equal(host.os, 'linux');
  assert.equal(host.architecture, ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' } as Record<string, string>)[process.arch] ?? host.architecture);
});

test('platform selection skips attestations and unknown/unknown, prefers no variant, falls back to older arm variants', () => {
  const d = (n: number, platform?: Descriptor['platform'], annotations?: Record<string, string>): Descriptor => ({ mediaType: MediaType.ociManifest, digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, size: n, platform, annotations });
  const index: Index = {
    schemaVersion: 2,
    manifests: [
      d(1, { os: 'unknown', architecture: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest' }),
      d(2, { os: 'linux', architecture: 'amd64' }, { 'vnd.docker.reference.type': 'attestation-manifest' }),
      d(3, { os: 'linux', architecture: 'amd64', variant: 'v3' }),
      d(4, { os: 'linux', architecture: 'amd64' }),
      d(5, { os: 'linux', architecture: 'arm', variant: 'v6' }),
      d(6, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
      d(7, { os: 'windows', architecture: 'amd64' }),
    ],
  };
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'amd64' })?.size, 4);
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'amd64', variant: 'v3' })?.size, 3);
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'arm64' })?.size, 6);
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'arm', variant: 'v7' })?.size, 5, 'arm/v7 runs v6');
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'arm', variant: 'v5' }), undefined, 'v5 does not run v6');
  assert.equal(selectManifest(index, { os: 'windows', architecture: 'amd64' })?.size, 7);
  assert.equal(selectManifest(index, { os: 'linux', architecture: 's390x' }), undefined);
  assert.deepEqual(platformsOf(index), ['linux/amd64/v3', 'linux/amd64', 'linux/arm/v6', 'linux/arm64', 'windows/amd64']);
  // An entry without a platform is taken when nothing else matches (as containerd does).
  const bare: Index = { schemaVersion: 2, manifests: [index.manifests[0], d(8)] };
  assert.equal(selectManifest(bare, { os: 'linux', architecture: 'amd64' })?.size, 8);
});

test('redact hides secrets in plain, base64 and URL-encoded form', () => {
  assert.equal(redact('user:p@ss! and dXNlcjpwQHNzIQ== and p%40ss!', ['user:p@ss!', 'p@ss!']), '*** and *** and ***');
});
