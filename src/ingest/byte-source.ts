import { open } from 'node:fs/promises';

/**
 * The bytes an evidence reader takes: a file on disk, or bytes already in memory (an entry of an
 * archive, a test's hostile input, a fuzzer's mutation). Readers see only this, never a path, so
 * every reader works the same on any of them; `name` is what reports and diagnostics call the input.
 *
 * Evidence runs to several GB, so a source is read by position in chunks the reader chooses
 * (the shape of a file handle's positional read), never handed over whole.
 */
export interface ByteSource {
  /** What the input is called in reports and diagnostics: its path, or `archive.zip/entry`. */
  readonly name: string;
  /** Opens the source for reading; throws what the file system throws (the reader reports it). */
  open(): Promise<OpenByteSource>;
}

export interface OpenByteSource {
  /** The whole size in bytes. */
  readonly size: number;
  /**
   * Copies up to `length` bytes from `position` into `buffer` at `offset`; `bytesRead` is 0 at the
   * end (the shape of a file handle's read, so a reader reads a file and bytes alike).
   */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** A file on disk, opened when a reader asks for it. */
export function fileSource(path: string): ByteSource {
  return {
    name: path,
    async open() {
      const handle = await open(path, 'r');
      let size: number;
      try {
        size = (await handle.stat()).size;
      } catch (e) {
        await handle.close();
        throw e;
      }
      return {
        size,
        read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
        close: () => handle.close(),
      };
    },
  };
}

/** Bytes in memory, named as the input they came from. */
export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    async open() {
      return {
        size: bytes.byteLength,
        async read(buffer, offset, length, position) {
          if (position >= bytes.byteLength || length <= 0) return { bytesRead: 0 };
          const end = Math.min(bytes.byteLength, position + length, position + (buffer.byteLength - offset));
          buffer.set(bytes.subarray(position, end), offset);
          return { bytesRead: end - position };
        },
        async close() {},
      };
    },
  };
}

/** A path is a file source; a source is itself. The edges (CLI commands, tests) may pass either. */
export function toByteSource(input: ByteSource | string): ByteSource {
  return typeof input === 'string' ? fileSource(input) : input;
}

/** The first `max` bytes and the whole size, for readers that take a small input whole but must stay bounded on a huge one. */
export async function readSourceHead(source: ByteSource, max: number): Promise<{ bytes: Buffer; size: number }> {
  const handle = await source.open();
  try {
    const bytes = Buffer.alloc(Math.min(handle.size, max));
    let at = 0;
    while (at < bytes.length) {
      const { bytesRead: n } = await handle.read(bytes, at, bytes.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return { bytes: bytes.subarray(0, at), size: handle.size };
  } finally {
    await handle.close();
  }
}

/** The source in order, in chunks of at most `chunkBytes` (each chunk a fresh Buffer the consumer may keep). */
export async function* sourceChunks(source: ByteSource, chunkBytes = 1 << 16): AsyncGenerator<Buffer> {
  const handle = await source.open();
  try {
    let position = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, handle.size - position)));
      const { bytesRead: n } = await handle.read(chunk, 0, chunk.length, position);
      if (n === 0) return;
      position += n;
      yield n === chunk.length ? chunk : chunk.subarray(0, n);
    }
  } finally {
    await handle.close();
  }
}
