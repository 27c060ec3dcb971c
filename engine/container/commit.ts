import { MediaType, type Descriptor, type Digest, type ImageConfig, type Manifest } from '../image/oci';
import type { Store } from '../image/store';
import type { LayerEntry } from '../layer/entry';
import { writeLayerTar } from '../layer/tar-writer';

/** What `docker commit` keeps of the container besides its layer: the command it ran with. */
export interface CommitSpec {
  ref: string;
  /** The history entry's created_by: the container's command. */
  createdBy: string;
  /** The container's ENTRYPOINT and CMD when the run overrode the image's. */
  entrypoint?: string[];
  cmd?: string[];
  created: string;
}

/**
 * Turns the writable layer into a new image: the image's layers plus this one (an uncompressed
 * tar, so its digest is its diff_id), the config with one more history entry, tagged `ref`.
 */
export async function commitContainer(store: Store, manifest: Manifest, config: ImageConfig, entries: LayerEntry[], spec: CommitSpec): Promise<{ ref: string; digest: Digest; layer: Digest }> {
  const { digest, size } = await store.writeBlob(writeLayerTar(entries));
  const layer: Descriptor = { mediaType: MediaType.ociLayer, digest, size };
  const runtime = { ...config.config };
  if (spec.entrypoint) runtime.Entrypoint = spec.entrypoint;
  if (spec.cmd) runtime.Cmd = spec.cmd;
  const next: ImageConfig = {
    ...config,
    created: spec.created,
    config: runtime,
    rootfs: { type: 'layers', diff_ids: [...(config.rootfs?.diff_ids ?? []), digest] },
    history: [...(config.history ?? []), { created: spec.created, created_by: spec.createdBy, comment: 'layerwise run --commit' }],
  };
  const configDesc = await store.writeJSON(next, MediaType.ociConfig);
  const out: Manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDesc, layers: [...manifest.layers, layer] };
  const manifestDesc = await store.writeJSON(out, MediaType.ociManifest);
  const ref = await store.tag(spec.ref, manifestDesc);
  return { ref, digest: manifestDesc.digest, layer: digest };
}
