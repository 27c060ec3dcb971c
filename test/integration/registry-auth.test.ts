import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import type { RegistryEvent } from '../../engine/image/registry/events';
import { pullImage } from '../../engine/image/registry/pull';
import { DockerCredentials } from '../../engine/image/registry/credentials';
import { RegistryError } from '../../engine/image/registry/errors';
import { Store } from '../../engine/image/store';
import { makeBusyboxImage } from '../helpers/busybox';
import { assertStoreSound, scratchDir, layerwise, registrySkipReason, startRegistry, startTokenServer, type RunningRegistry, type TokenServer } from '../helpers/registry';

const skip = registrySkipReason({ busybox: true, htpasswd: true, openssl: true });
const BASIC_PASSWORD = 'b4sic-S3cret-pw';
const TOKEN_PASSWORD = 't0ken-S3cret-pw';

let basic: RunningRegistry;
let bearer: RunningRegistry;
let tokens: TokenServer;
let source: Store;

before(async () => {
  if (skip) return;
  basic = await startRegistry({ htpasswd: { user: 'alice', password: BASIC_PASSWORD } });
  tokens = await startTokenServer({ alice: TOKEN_PASSWORD }, (user) => (user === 'alice' ? ['pull', 'push'] : ['pull']));
  bearer = await startRegistry({ token: tokens });
  source = await Store.open(scratchDir());
  await makeBusyboxImage(source);
});
after(async () => {
  await basic?.stop();
  await bearer?.stop();
  await tokens?.stop();
});

/** A DOCKER_CONFIG folder holding this config.json. */
function dockerConfig(config: unknown): string {
  const dir = scratchDir('layerwise-docker-config-');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** No secret in anything the CLI printed. */
function assertNoSecrets(...outputs: string[]): void {
  for (const text of outputs) {
    for (const secret of [BASIC_PASSWORD, TOKEN_PASSWORD, 'wrong-pw-123', b64(`alice:${BASIC_PASSWORD}`), b64(`alice:${TOKEN_PASSWORD}`), b64('alice:wrong-pw-123')]) {
      assert.ok(!text.includes(secret), `a secret was printed: ${text}`);
    }
    assert.doesNotMatch(text, /eyJ[\w-]+\.eyJ/, 'a token was printed');
  }
}

/** docker-credential-test: answers `get` for $HELPER_SERVER with $HELPER_USER/$HELPER_SECRET, logs what it was asked. */
function credentialHelper(): string {
  const dir = scratchDir('layerwise-helper-');
  const script = path.join(dir, 'docker-credential-test');
  fs.writeFileSync(
    script,
    [
      '#!/bin/sh',
      '[ "$1" = get ] || exit 3',
      'read -r server',
      'echo "$server" >> "$HELPER_LOG"',
      'if [ "$server" = "$HELPER_SERVER" ]; then',
      '  printf \'{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n\' "$server" "$HELPER_USER" "$HELPER_SECRET"',
      '  exit 0',
      'fi',
      'echo "credentials not found in native keychain"',
      'exit 1',
      '',
    ].join('\n'),
  );
  fs.chmodSync(script, 0o755);
  return dir;
}

test('htpasswd (Basic): without a login a clear "requires a login"; a wrong one is rejected without printing it; config.json auth (base64) and username/password both work', async (t) => {
  if (skip) return t.skip(skip);
  const ref = `${basic.host}/busybox:1`;
  await source.tag(ref, (await source.resolve('busybox')).descriptor);

  const anon = await layerwise(['push', '--compression', 'uncompressed', '--store', source.dir, ref], { DOCKER_CONFIG: dockerConfig({}) });
  assert.equal(anon.code, 1);
  assert.match(anon.err, new RegExp(`unauthorized: ${basic.host} requires a login for .*docker login ${basic.host}`));

  const wrongCfg = dockerConfig({ auths: { [basic.host]: { auth: b64('alice:wrong-pw-123') } } });
  const wrong = await layerwise(['push', '--compression', 'uncompressed', '--store', source.dir, '--progress', 'json', ref], { DOCKER_CONFIG: wrongCfg });
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, new RegExp(`unauthorized: ${basic.host} rejected the login from ${path.join(wrongCfg, 'config.json').replace(/[.]/g, '\\.')}`));
  assertNoSecrets(wrong.out, wrong.err);

  const good = await layerwise(['push', '--compression', 'uncompressed', '--store', source.dir, '--progress', 'json', ref], { DOCKER_CONFIG: dockerConfig({ auths: { [`https://${basic.host}`]: { auth: b64(`alice:${BASIC_PASSWORD}`) } } }) });
  assert.equal(good.code, 0, good.err);
  assertNoSecrets(good.out, good.err);

  const store = await Store.open(scratchDir());
  const anonPull = await layerwise(['pull', '--store', store.dir, ref], { DOCKER_CONFIG: dockerConfig({}) });
  assert.equal(anonPull.code, 1);
  assert.match(anonPull.err, /unauthorized: .* requires a login for manifest busybox:1/);
  assert.equal((await store.images()).length, 0);

  const pulled = await layerwise(['pull', '--store', store.dir, '--progress', 'json', ref], { DOCKER_CONFIG: dockerConfig({ auths: { [basic.host]: { username: 'alice', password: BASIC_PASSWORD } } }) });
  assert.equal(pulled.code, 0, pulled.err);
  assertNoSecrets(pulled.out, pulled.err);
  assert.equal((await store.resolve(ref)).descriptor.digest, (await source.resolve('busybox')).descriptor.digest);
  await assertStoreSound(store);
});

test('bearer tokens (a token service in front of a registry with auth: token): anonymous pull, push needs the login, tokens are reused, mounts ask for both scopes', async (t) => {
  if (skip) return t.skip(skip);
  const ref = `${bearer.host}/busybox:latest`;
  await source.tag(ref, (await source.resolve('busybox')).descriptor);

  const anon = await layerwise(['push', '--compression', 'uncompressed', '--store', source.dir, ref], { DOCKER_CONFIG: dockerConfig({}) });
  assert.equal(anon.code, 1);
  assert.match(anon.err, new RegExp(`unauthorized: ${bearer.host} requires a login for upload of sha256:\\w+ to busybox: UNAUTHORIZED`));

  const login = dockerConfig({ auths: { [bearer.host]: { auth: b64(`alice:${TOKEN_PASSWORD}`) } } });
  const before = tokens.requests.length;
  const pushed = await layerwise(['push', '--compression', 'uncompressed', '--store', source.dir, '--progress', 'json', ref], { DOCKER_CONFIG: login });
  assert.equal(pushed.code, 0, pushed.err);
  assertNoSecrets(pushed.out, pushed.err);
  const asked = tokens.requests.slice(before);
  assert.deepEqual(asked, [{ user: 'alice', scopes: ['repository:busybox:pull,push'], status: 200 }], 'one token for the whole push');

  // Anonymous pull: the token service hands out pull tokens to anyone.
  const store = await Store.open(scratchDir());
  const mark = tokens.requests.length;
  const r = await pullImage({ store, ref, credentials: new DockerCredentials({ configDir: dockerConfig({}) }) });
  assert.equal(r.manifest.digest, (await source.resolve('busybox')).descriptor.digest);
  assert.deepEqual(tokens.requests.slice(mark), [{ user: undefined, scopes: ['repository:busybox:pull'], status: 200 }]);
  await assertStoreSound(store);

  // A push to another repository mounts the blobs from busybox (the store knows they are there).
  const events: RegistryEvent[] = [];
  const copy = await layerwise(['push', '--compression', 'uncompressed', '--store', store.dir, '--progress', 'json', ref, `${bearer.host}/team/copy:1`], { DOCKER_CONFIG: login });
  assert.equal(copy.code, 0, copy.err);
  for (const line of copy.err.split('\n').filter(Boolean)) events.push(JSON.parse(line));
  const mounted = events.filter((e) => e.type === 'blob' && e.phase === 'mounted');
  assert.equal(mounted.length, 2, copy.err);
  assert.ok(tokens.requests.some((q) => q.user === 'alice' && q.scopes.includes('repository:team/copy:pull,push') && q.scopes.includes('repository:busybox:pull')));
});

test('bearer with a credential helper (credHelpers and credsStore): the helper gets the server on stdin; its secret never shows, a wrong one is a clear error', async (t) => {
  if (skip) return t.skip(skip);
  const helperDir = credentialHelper();
  const log = path.join(scratchDir(), 'helper.log');
  const env = (config: unknown, secret: string) => ({
    DOCKER_CONFIG: dockerConfig(config),
    PATH: `${helperDir}:${process.env.PATH}`,
    HELPER_LOG: log,
    HELPER_SERVER: bearer.host,
    HELPER_USER: 'alice',
    HELPER_SECRET: secret,
  });
  const ref = `${bearer.host}/helped:1`;
  await source.tag(ref, (await source.resolve('busybox')).descriptor);
  const viaHelper = await layerwise(['push', '--compression', 'uncompressed', '--store', source.dir, '--progress', 'json', ref], env({ credHelpers: { [bearer.host]: 'test' } }, TOKEN_PASSWORD));
  assert.equal(viaHelper.code, 0, viaHelper.err);
  assertNoSecrets(viaHelper.out, viaHelper.err);
  assert.equal(fs.readFileSync(log, 'utf8'), `${bearer.host}\n`);

  const store = await Store.open(scratchDir());
  const viaStore = await layerwise(['pull', '--store', store.dir, ref], env({ credsStore: 'test', auths: { [bearer.host]: {} } }, TOKEN_PASSWORD));
  assert.equal(viaStore.code, 0, viaStore.err);

  const wrong = await layerwise(['push', '--compression', 'uncompressed', '--store', source.dir, '--progress', 'json', ref, `${bearer.host}/helped:2`], env({ credHelpers: { [bearer.host]: 'test' } }, 'wrong-pw-123'));
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, new RegExp(`unauthorized: the token service of ${bearer.host} \\(http://127\\.0\\.0\\.1:\\d+\\) rejected the login from credHelpers test`));
  assertNoSecrets(wrong.out, wrong.err);

  // A helper that is not installed is named.
  const missing = await layerwise(['pull', '--store', store.dir, ref], { DOCKER_CONFIG: dockerConfig({ credHelpers: { [bearer.host]: 'absent' } }) });
  assert.equal(missing.code, 1);
  assert.match(missing.err, /docker-credential-absent is not on PATH/);
});

test('credentials resolve as the Docker CLI does: Docker Hub key, scheme and path in keys, identity tokens; they print as "[credential ...]"', async () => {
  const dir = dockerConfig({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
      'http://registry.example:5000/v2/': { username: 'u', password: 'p:with:colons' },
      'token.example': { identitytoken: 'refresh-me' },
    },
  });
  const creds = new DockerCredentials({ configDir: dir });
  const hub = await creds.get('docker.io');
  assert.equal(hub?.username, 'hubuser');
  assert.equal(hub?.password, 'hubpass');
  assert.equal((await creds.get('registry.example:5000'))?.password, 'p:with:colons');
  assert.equal((await creds.get('token.example'))?.identityToken, 'refresh-me');
  assert.equal(await creds.get('other.example'), undefined);
  assert.equal(JSON.stringify(hub), JSON.stringify({ registry: 'docker.io', source: path.join(dir, 'config.json') }));
  assert.doesNotMatch(inspect(hub), /hubpass/);
  assert.doesNotMatch(String(hub), /hubpass/);
  // A broken config.json is named, its content is not shown.
  const broken = scratchDir();
  fs.writeFileSync(path.join(broken, 'config.json'), '{"auths": {"x": {"auth": "c2VjcmV0"}');
  await assert.rejects(new DockerCredentials({ configDir: broken }).get('x'), (e: unknown) => e instanceof RegistryError && /is not valid JSON$/.test(e.message) && !e.message.includes('c2VjcmV0'));
});
