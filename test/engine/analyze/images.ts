/**
 * Hand-made layers and images for the analysis tests: tars written member by member (so every
 * whiteout, hard link and odd header can be placed exactly), OCI layouts and archives around them.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { tempDir } from '../../helpers/fixtures';

export type Member =
  | { dir: string; mode?: number; uid?: number; gid?: number }
  | { file: string; data: string | Buffer; mode?: number; uid?: number; gid?: number; mtime?: number }
  | { symlink: string; target: string }
  | { hardlink: string; target: string }
  | { whiteout: string }
  | { opaque: string };

/** A layer tar (bytes) from members in the order given. */
export async function layerTar(members: Member[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    (pack as unknown as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.push(c));
    (pack as unknown as NodeJS.ReadableStream).on('end', () => resolve());
    (pack as unknown as NodeJS.ReadableStream).on('error', reject);
  });
  const entry = (header: Partial<tar.Header> & { name: string }, data?: Buffer) =>
    new Promise<void>((resolve, reject) => pack.entry({ ...{ mtime: new Date(1700000000000), uid: 0, gid: 0 }, ...header }, data ?? Buffer.alloc(0), (e?: Error | null) => (e ? reject(e) : resolve())));
  for (const m of members) {
    if ('dir' in m) await entry({ name: `${m.dir.replace(/^\//, '')}/`, type: 'directory', mode: m.mode ?? 0o755, uid: m.uid ?? 0, gid: m.gid ?? 0 });
    else if ('file' in m) {
      const data = Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data);
      await entry({ name: m.file.replace(/^\//, ''), type: 'file', mode: m.mode ?? 0o644, uid: m.uid ?? 0, gid: m.gid ?? 0, size: data.length, mtime: new Date((m.mtime ?? 1700000000) * 1000) }, data);
    } else if ('symlink' in m) await entry({ name: m.symlink.replace(/^\//, ''), type: 'symlink', linkname: m.target, mode: 0o777 });
    else if ('hardlink' in m) await entry({ name: m.hardlink.replace(/^\//, ''), type: 'link', linkname: m.target.replace(/^\//, ''), mode: 0o644 });
    else if ('whiteout' in m) {
      const p = m.whiteout.replace(/^\//, '');
      await entry({ name: path.posix.join(path.posix.dirname(p), `.wh.${path.posix.basename(p)}`), type: 'file', mode: 0o644 });
    } else await entry({ name: path.posix.join(m.opaque.replace(/^\//, ''), '.wh..wh..opq'), type: 'file', mode: 0o644 });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface LayoutImage {
  layers: Buffer[];
  /** Store layers gzip-compressed. */
  gzip?: boolean;
  history?: { created_by?: string; empty_layer?: boolean; created?: string }[];
  name?: string;
  platform?: { os: string; architecture: string; variant?: string };
}

/** Writes an OCI image layout folder holding the images; returns its path. */
export function writeLayout(images: LayoutImage[], dir = tempDir('layerwise-layout-')): string {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer) => {
    const hex = sha(bytes);
    fs.writeFileSync(path.join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const manifests = images.map((img) => {
    const layerDescs = img.layers.map((l) => {
      const bytes = img.gzip ? zlib.gzipSync(l) : l;
      return { mediaType: `application/vnd.oci.image.layer.v1.tar${img.gzip ? '+gzip' : ''}`, ...put(bytes) };
    });
    const platform = img.platform ?? { os: 'linux', architecture: 'amd64' };
    const config = Buffer.from(JSON.stringify({
      ...platform,
      config: {},
      rootfs: { type: 'layers', diff_ids: img.layers.map((l) => `sha256:${sha(l)}`) },
      history: img.history ?? img.layers.map((_, i) => ({ created_by: `RUN layer ${i} # buildkit` })),
    }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
      layers: layerDescs,
    }));
    const annotations = img.name ? { 'io.containerd.image.name': img.name, 'org.opencontainers.image.ref.name': img.name.split(':').pop()! } : undefined;
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...put(manifest), platform, ...(annotations ? { annotations } : {}) };
  });
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  return dir;
}

/** A tar of a folder's files (an OCI archive from a layout), written with tar-stream. */
export async function tarFolder(dir: string, file: string, options: { gzip?: boolean } = {}): Promise<string> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) => {
    (pack as unknown as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.push(c));
    (pack as unknown as NodeJS.ReadableStream).on('end', () => resolve());
  });
  const walk = (rel: string): string[] => fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const r = rel ? `${rel}/${d.name}` : d.name;
    return d.isDirectory() ? [`${r}/`, ...walk(r)] : [r];
  });
  for (const name of walk('')) {
    await new Promise<void>((resolve, reject) => {
      if (name.endsWith('/')) pack.entry({ name, type: 'directory' }, (e?: Error | null) => (e ? reject(e) : resolve()));
      else pack.entry({ name }, fs.readFileSync(path.join(dir, name)), (e?: Error | null) => (e ? reject(e) : resolve()));
    });
  }
  pack.finalize();
  await done;
  const bytes = Buffer.concat(chunks);
  fs.writeFileSync(file, options.gzip ? zlib.gzipSync(bytes) : bytes);
  return file;
}

/** A legacy `docker save` archive (Docker before 25): manifest.json, `<id>/layer.tar`, `<hex>.json`. */
export async function legacyDockerArchive(images: { tags: string[]; layers: Buffer[]; history?: { created_by?: string; empty_layer?: boolean }[] }[], file: string): Promise<string> {
  const dir = tempDir('layerwise-legacy-');
  const manifest = images.map((img) => {
    const diffIds = img.layers.map((l) => `sha256:${sha(l)}`);
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds }, history: img.history ?? img.layers.map((_, i) => ({ created_by: `/bin/sh -c layer ${i}` })) });
    const configName = `${sha(config)}.json`;
    fs.writeFileSync(path.join(dir, configName), config);
    const layers = img.layers.map((l, i) => {
      const id = sha(`${diffIds.slice(0, i + 1).join(' ')}`);
      fs.mkdirSync(path.join(dir, id), { recursive: true });
      fs.writeFileSync(path.join(dir, id, 'layer.tar'), l);
      fs.writeFileSync(path.join(dir, id, 'VERSION'), '1.0');
      return `${id}/layer.tar`;
    });
    return { Config: configName, RepoTags: img.tags, Layers: layers };
  });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return tarFolder(dir, file);
}
