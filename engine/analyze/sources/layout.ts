import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { EngineError } from '../../errors';
import { MediaType, type Descriptor, type Digest, type ImageConfig, type Index, type Manifest, type Platform } from '../../image/oci';
import { normalizeReference } from '../../image/reference';
import type { ImageSourceKind } from '../model';
import { sniffCompression, TarParser } from '../tar-scan';
import { entryNames, selectIndexEntry, selectManifest } from './select';
import type { BlobLocation, ImageSource, SiblingImage, SourceLayer } from './types';

/** The files of an image layout, in a folder or inside a tar. */
interface LayoutFiles {
  location: string;
  /** Where a file of the layout lies (`index.json`, `blobs/sha256/<hex>`), if it exists. */
  locate(name: string): Promise<BlobLocation | undefined>;
  /** Called when the source is closed. */
  dispose(): Promise<void>;
}

async function readLocation(loc: BlobLocation): Promise<Buffer> {
  const handle = await fs.open(loc.file, 'r');
  try {
    const buffer = Buffer.alloc(loc.length);
    let done = 0;
    while (done < loc.length) {
      const { bytesRead } = await handle.read(buffer, done, loc.length - done, loc.offset + done);
      if (bytesRead === 0) throw new EngineError('UNSUPPORTED', `${loc.file} is truncated`);
      done += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

async function readName(files: LayoutFiles, name: string): Promise<Buffer> {
  const loc = await files.locate(name);
  if (!loc) throw new EngineError('NOT_FOUND', `${files.location} has no ${name}`);
  return readLocation(loc);
}

function parseJSON<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (e) {
    throw new EngineError('UNSUPPORTED', `${what} is not valid JSON`, { cause: e });
  }
}

const blobName = (digest: string) => {
  const [alg, hex] = digest.split(':');
  if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex)) throw new EngineError('UNSUPPORTED', `bad digest "${digest}"`);
  return `blobs/${alg}/${hex}`;
};

/** An OCI image layout folder. */
function folderFiles(dir: string): LayoutFiles {
  return {
    location: dir,
    async locate(name) {
      const file = path.join(dir, ...name.split('/'));
      const stat = await fs.stat(file).catch(() => undefined);
      return stat?.isFile() ? { file, offset: 0, length: stat.size } : undefined;
    },
    async dispose() {},
  };
}

interface ArchiveMember {
  offset: number;
  length: number;
  type: string;
  link?: string;
}

/**
 * A tar archive (docker save, oci-archive) indexed by member: only headers are read, contents
 * are seeked over. A gzip- or zstd-compressed archive is first decompressed to a temporary file.
 */
async function archiveFiles(file: string): Promise<LayoutFiles> {
  const head = Buffer.alloc(4);
  const handle = await fs.open(file, 'r');
  let length: number;
  try {
    await handle.read(head, 0, 4, 0);
    length = (await handle.stat()).size;
  } finally {
    await handle.close();
  }
  let tarFile = file;
  let temp: string | undefined;
  const compression = sniffCompression(head);
  if (compression !== 'none') {
    temp = await fs.mkdtemp(path.join(os.tmpdir(), 'layerwise-archive-'));
    tarFile = path.join(temp, 'archive.tar');
    const zstd = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
    if (compression === 'zstd' && !zstd) throw new EngineError('UNSUPPORTED', `${file} is zstd-compressed; decompress it first (zstd -d) or use Node 22.15+`);
    try {
      await pipeline(createReadStream(file), compression === 'gzip' ? zlib.createGunzip() : zstd!(), createWriteStream(tarFile));
    } catch (e) {
      await fs.rm(temp, { recursive: true, force: true });
      throw new EngineError('UNSUPPORTED', `cannot decompress ${file}: ${(e as Error).message}`, { cause: e });
    }
    length = (await fs.stat(tarFile)).size;
  }
  const members = new Map<string, ArchiveMember>();
  try {
    const parser = new TarParser(false, true);
    const h = await fs.open(tarFile, 'r');
    try {
      const buffer = Buffer.allocUnsafe(1 << 16);
      let position = 0;
      while (position < length && !parser.ended) {
        const skippable = parser.skippable();
        if (skippable >= buffer.length) {
          const n = Math.min(skippable, length - position);
          parser.skip(n);
          position += n;
          continue;
        }
        const { bytesRead } = await h.read(buffer, 0, Math.min(buffer.length, length - position), position);
        if (bytesRead === 0) break;
        parser.push(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
    } finally {
      await h.close();
    }
    parser.finish();
    parser.members.forEach((m, i) => {
      const rel = m.path.replace(/^\/+/, '');
      members.set(rel, { offset: parser.offsets[i], length: m.size, type: m.type, link: m.linkTarget });
    });
  } catch (e) {
    if (temp) await fs.rm(temp, { recursive: true, force: true });
    if (e instanceof EngineError) throw new EngineError('UNSUPPORTED', `${file} is not an image archive: ${e.message}`, { cause: e });
    throw e;
  }
  const resolve = (name: string, depth = 0): ArchiveMember | undefined => {
    const m = members.get(name);
    if (!m || depth > 16) return undefined;
    if (m.type === 'symlink' && m.link) {
      const target = m.link.startsWith('/') ? m.link.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(name), m.link));
      return resolve(target, depth + 1);
    }
    if (m.type === 'hardlink' && m.link) return resolve(m.link.replace(/^\/+/, ''), depth + 1);
    return m.type === 'file' ? m : undefined;
  };
  return {
    location: file,
    async locate(name) {
      const m = resolve(name);
      return m ? { file: tarFile, offset: m.offset, length: m.length } : undefined;
    },
    async dispose() {
      if (temp) await fs.rm(temp, { recursive: true, force: true });
    },
  };
}

/** `docker save`'s manifest.json. */
interface DockerArchiveEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/** Options for opening an image in a layout or archive. */
export interface LayoutOpenOptions {
  /** Which image, when it holds several: a reference, or a tag. */
  ref?: string;
  platform?: Platform;
  /** What the caller says it is; detected when absent. */
  kind?: ImageSourceKind;
}

/** Opens an image in an OCI layout folder, an OCI archive or a docker-archive (legacy or Docker 25+). */
export async function openLayoutImage(location: string, options: LayoutOpenOptions = {}): Promise<ImageSource> {
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw new EngineError('NOT_FOUND', `${location} does not exist`);
  const files = stat.isDirectory() ? folderFiles(location) : await archiveFiles(location);
  try {
    const hasIndex = (await files.locate('index.json')) !== undefined;
    const hasManifest = (await files.locate('manifest.json')) !== undefined;
    const kind: ImageSourceKind = options.kind ?? (stat.isDirectory() ? 'oci-layout' : hasManifest ? 'docker-archive' : 'oci-archive');
    if (hasIndex && options.kind !== 'docker-archive') return await fromIndex(files, kind, options);
    if (hasIndex && hasManifest) return await fromIndex(files, kind, options);
    if (hasManifest) return await fromDockerManifest(files, options);
    if (hasIndex) return await fromIndex(files, kind, options);
    throw new EngineError('UNSUPPORTED', `${location} is neither an OCI layout (index.json) nor a docker-archive (manifest.json)`);
  } catch (e) {
    await files.dispose();
    throw e;
  }
}

async function fromIndex(files: LayoutFiles, kind: ImageSourceKind, options: LayoutOpenOptions): Promise<ImageSource> {
  const name = files.location;
  const reader = {
    readJSON: async <T>(digest: Digest) => parseJSON<T>(await readName(files, blobName(digest)), `${name}: blob ${digest}`),
  };
  const index = parseJSON<Index>(await readName(files, 'index.json'), `${name}: index.json`);
  const entry = selectIndexEntry(index, options.ref, options.platform, name);
  const descriptor = await selectManifest(reader, entry, options.platform, name);
  const manifest = await reader.readJSON<Manifest>(descriptor.digest);
  const config = await reader.readJSON<ImageConfig>(manifest.config.digest);
  const layers: SourceLayer[] = [];
  for (const d of manifest.layers) {
    const loc = await files.locate(blobName(d.digest));
    if (!loc) throw new EngineError('NOT_FOUND', `${name}: layer ${d.digest} is missing`);
    layers.push({ descriptor: d, location: loc });
  }
  // OCI layouts often name an image by its tag alone: only a full name is a reference.
  const fullName = entryNames(entry).find((n) => n.includes('/') || n.includes(':'));
  const ref = fullName ? safeNormalize(fullName) : undefined;
  return {
    kind,
    location: files.location,
    ref,
    digest: descriptor.digest,
    manifest,
    config,
    layers,
    async siblings() {
      const out: SiblingImage[] = [];
      for (const d of index.manifests ?? []) {
        if (d.digest === entry.digest) continue;
        try {
          const chosen = await selectManifest(reader, d, options.platform, name);
          const m = await reader.readJSON<Manifest>(chosen.digest);
          const c = await reader.readJSON<ImageConfig>(m.config.digest);
          out.push({ ref: entryNames(d)[0], digest: chosen.digest, diffIds: c.rootfs?.diff_ids ?? [] });
        } catch {
          // An entry we cannot read is no base.
        }
      }
      return out;
    },
    close: () => files.dispose(),
  };
}

async function fromDockerManifest(files: LayoutFiles, options: LayoutOpenOptions): Promise<ImageSource> {
  const name = files.location;
  const entries = parseJSON<DockerArchiveEntry[]>(await readName(files, 'manifest.json'), `${name}: manifest.json`);
  if (!Array.isArray(entries) || entries.length === 0) throw new EngineError('NOT_FOUND', `${name} holds no image`);
  const tags = (e: DockerArchiveEntry) => e.RepoTags ?? [];
  let entry: DockerArchiveEntry | undefined;
  if (options.ref !== undefined) {
    let wanted: string;
    try {
      wanted = normalizeReference(options.ref);
    } catch {
      wanted = options.ref;
    }
    entry = entries.find((e) => tags(e).some((t) => t === options.ref || safeNormalize(t) === wanted));
    if (!entry) throw new EngineError('NOT_FOUND', `${name} has no image named "${options.ref}" (names: ${entries.flatMap(tags).join(', ') || 'none'})`);
  } else if (entries.length === 1) entry = entries[0];
  else throw new EngineError('USAGE', `${name} holds ${entries.length} images (${entries.map((e) => tags(e)[0] ?? e.Config).join(', ')}); name one as ${name}:REF`);
  const configBytes = await readName(files, entry.Config);
  const config = parseJSON<ImageConfig>(configBytes, `${name}: ${entry.Config}`);
  const configDigest = `sha256:${createHash('sha256').update(configBytes).digest('hex')}` as Digest;
  const diffIds = config.rootfs?.diff_ids ?? [];
  const layers: SourceLayer[] = [];
  for (const [i, layerName] of entry.Layers.entries()) {
    const loc = await files.locate(layerName);
    if (!loc) throw new EngineError('NOT_FOUND', `${name}: layer ${layerName} is missing`);
    const digest = (layerName.match(/^blobs\/sha256\/([a-f0-9]{64})$/) ? `sha256:${layerName.slice(13)}` : diffIds[i] ?? `sha256:${'0'.repeat(64)}`) as Digest;
    layers.push({ descriptor: { mediaType: MediaType.ociLayer, digest, size: loc.length }, location: loc });
  }
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, digest: configDigest, size: configBytes.length },
    layers: layers.map((l) => l.descriptor),
  };
  const tag = tags(entry)[0];
  return {
    kind: 'docker-archive',
    location: files.location,
    ref: tag ? safeNormalize(tag) : undefined,
    digest: configDigest,
    manifest,
    config,
    layers,
    async siblings() {
      const out: SiblingImage[] = [];
      for (const e of entries) {
        if (e === entry) continue;
        try {
          const bytes = await readName(files, e.Config);
          const c = parseJSON<ImageConfig>(bytes, e.Config);
          out.push({ ref: tags(e)[0], digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest, diffIds: c.rootfs?.diff_ids ?? [] });
        } catch {
          // Unreadable: not a base candidate.
        }
      }
      return out;
    },
    close: () => files.dispose(),
  };
}

function safeNormalize(ref: string): string | undefined {
  try {
    return normalizeReference(ref);
  } catch {
    return undefined;
  }
}

export type { Descriptor };
