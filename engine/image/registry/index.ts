/** The registry client: pull and push over the OCI distribution API, logins, platforms. */
export { RegistryClient, RepositoryClient, MANIFEST_ACCEPT, type RegistryOptions, type RegistryRequest } from './client';
export { Credential, DockerCredentials, anonymous, type CredentialSource } from './credentials';
export { RegistryError, redact, type RegistryFailure } from './errors';
export type { RegistryEvent, BlobPhase, EventSink } from './events';
export { registryEndpoint, credentialKeyDomain, INSECURE_ENV, DOCKER_HUB_AUTH_KEY, type RegistryEndpoint } from './hosts';
export { hostPlatform, parsePlatform, normalizePlatform, formatPlatform, selectManifest, isAttestation, platformsOf } from './platform';
export { pullImage, type PullOptions, type PullResult } from './pull';
export { pushImage, type PushOptions, type PushResult } from './push';
export { gzipLayer, gzipManifest, isUncompressedLayer, layerDecompressor } from './compress';
export { parseWwwAuthenticate, type Challenge } from './www-authenticate';
export { progressPrinter, type ProgressMode } from './progress-text';
