import { constants, inflateRawSync } from 'node:zlib';

/**
 * TLS record compression (RFC 5246 §6.2.2, RFC 3749 DEFLATE = method 1): each protected record
 * holds compressed bytes, decompressed after decryption, in one DEFLATE stream per direction that
 * is flushed at every record's end (RFC 3749 §2.1: nothing is held back for a later record).
 * OpenSSL writes the stream in the zlib format (RFC 1950: a 2-byte header first). Because every
 * record ends on a flush, the only state a record inherits is the 32 KiB window of earlier
 * output, so each record is inflated on its own with that window as the preset dictionary —
 * synchronously, as the rest of the capture is read.
 */

export const COMPRESSION_NULL = 0;
export const COMPRESSION_DEFLATE = 1;

const WINDOW = 32 * 1024;

export function compressionName(method: number): string {
  return method === COMPRESSION_NULL ? 'none' : method === COMPRESSION_DEFLATE ? 'DEFLATE' : `method ${method}`;
}

export class DeflateDirection {
  private window: Buffer = Buffer.alloc(0);
  private started = false;

  /** The plaintext of one record, or an error message. */
  inflate(record: Uint8Array): Buffer | { error: string } {
    let body = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
    if (!this.started) {
      this.started = true;
      // A zlib header (RFC 1950 §2.2: CM 8, and CMF·256+FLG a multiple of 31) before the raw stream.
      if (body.length >= 2 && (body[0]! & 0x0f) === 8 && ((body[0]! << 8) | body[1]!) % 31 === 0 && !(body[1]! & 0x20)) body = body.subarray(2);
    }
    if (body.length === 0) return Buffer.alloc(0);
    try {
      const out = inflateRawSync(body, { finishFlush: constants.Z_SYNC_FLUSH, ...(this.window.length > 0 ? { dictionary: this.window } : {}) });
      const joined = Buffer.concat([this.window, out]);
      this.window = Buffer.from(joined.subarray(Math.max(0, joined.length - WINDOW)));
      return out;
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
}
