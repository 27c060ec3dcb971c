import * as tar from 'tar-stream';
import { layerDecompressor } from './compression';
import type { Descriptor } from '../image/oci';
import type { Store } from '../image/store';
import { imagePath } from './entry';

/**
 * The content of one file as a given layer stores it (small files: /etc/passwd and the like),
 * read by streaming the layer's tar until the member is found. Undefined when it is absent.
 */
export async function readFileFromLayer(store: Store, layer: Descriptor, file: string, maxBytes = 4 << 20): Promise<Buffer | undefined> {
  const extract = tar.extract();
  const input = store.openBlob(layer.digest);
  const decompress = layerDecompressor(layer.mediaType);
  const source = decompress ? input.pipe(decompress) : input;
  source.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      if (imagePath(entry.header.name) === file && entry.header.type === 'file' && (entry.header.size ?? 0) <= maxBytes) {
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        return Buffer.concat(chunks);
      }
      entry.resume();
    }
    return undefined;
  } finally {
    input.destroy();
  }
}
