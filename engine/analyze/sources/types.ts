import type { Descriptor, Digest, ImageConfig, Manifest } from '../../image/oci';
import type { ImageSourceKind } from '../model';
import type { BuildProvenance } from '../provenance';

/** Bytes on disk: a whole file (a store blob) or a region of one (a member of an archive). */
export interface BlobLocation {
  file: string;
  offset: number;
  length: number;
}

export interface SourceLayer {
  descriptor: Descriptor;
  location: BlobLocation;
}

/** Another image visible from the same source, for finding the base by shared layers. */
export interface SiblingImage {
  ref?: string;
  /** Its manifest digest (a legacy docker-archive entry: its config digest, Docker's image ID). */
  digest?: Digest;
  diffIds: Digest[];
}

/**
 * An image opened for analysis, wherever it lives: the store, a docker-archive, an OCI archive
 * or an OCI layout. Layers are read where they lie (nothing is copied into the store).
 */
export interface ImageSource {
  kind: ImageSourceKind;
  /** The store folder, archive file or layout folder. */
  location: string;
  /** Normalized reference, when the image has a name. */
  ref?: string;
  /** The manifest digest (a legacy docker-archive has none: the config digest, Docker's image ID). */
  digest: Digest;
  manifest: Manifest;
  config: ImageConfig;
  layers: SourceLayer[];
  /** What our builder recorded (store images we built). */
  provenance?: BuildProvenance;
  /** The other images of the store or archive (loaded on demand: reading a store's configs costs). */
  siblings(): Promise<SiblingImage[]>;
  /** Removes anything opening the source made (a decompressed archive copy). */
  close(): Promise<void>;
}
